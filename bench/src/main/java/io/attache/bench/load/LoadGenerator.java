package io.attache.bench.load;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import io.attache.bench.LatencyReport;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A gRPC unary load generator. Closed loop: {@code concurrency} lanes, each sending its next call
 * when the previous answers — the server's maximum throughput. Open loop: calls leave on a fixed
 * schedule whatever the server does, and each latency runs from the <em>scheduled</em> start, so a
 * stalled server (or client) shows in the percentiles instead of being omitted (coordinated
 * omission). Completions are recorded on the channels' event loops into a thread-safe HdrHistogram
 * recorder; nothing on the call path allocates beyond what gRPC does.
 */
public final class LoadGenerator implements AutoCloseable {
  private static final long MAX_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final LoadOptions options;
  private final List<ManagedChannel> channels = new ArrayList<>();

  public LoadGenerator(LoadOptions options) {
    this.options = options;
    for (int i = 0; i < options.connections(); i++) {
      channels.add(
          NettyChannelBuilder.forAddress(options.host(), options.port())
              .usePlaintext()
              .directExecutor()
              .build());
    }
  }

  /** Warms up, then measures, as the options say. */
  public LoadResult run(UnaryCall call) throws InterruptedException {
    return run(call, () -> {});
  }

  /** As {@link #run(UnaryCall)}; {@code measuring} runs as the measured phase starts. */
  public LoadResult run(UnaryCall call, Runnable measuring) throws InterruptedException {
    if (options.rate().isPresent()) {
      double rate = options.rate().getAsDouble();
      openLoop(call, rate, options.warmup().toNanos(), null);
      Recorder recorder = new Recorder(MAX_NANOS, 3);
      measuring.run();
      Phase phase = openLoop(call, rate, options.duration().toNanos(), recorder);
      return LoadResult.of(
          options.rate(), report(recorder.getIntervalHistogram(), phase), phase.errors.get());
    }
    closedLoop(call, options.warmup().toNanos(), null, 0);
    Recorder recorder = new Recorder(MAX_NANOS, 3);
    // Expected interval for HdrHistogram's back-fill: a lane's mean call time in the warm-up.
    Phase warm = closedLoop(call, TimeUnit.MILLISECONDS.toNanos(500), null, 0);
    long expected =
        warm.calls.get() == 0 ? 0 : warm.elapsed * options.concurrency() / warm.calls.get();
    measuring.run();
    Phase phase = closedLoop(call, options.duration().toNanos(), recorder, expected);
    return LoadResult.of(
        options.rate(), report(recorder.getIntervalHistogram(), phase), phase.errors.get());
  }

  /** What one phase counted. */
  private static final class Phase {
    final AtomicLong calls = new AtomicLong();
    final AtomicLong errors = new AtomicLong();
    long elapsed;
  }

  private Phase closedLoop(UnaryCall call, long nanos, Recorder recorder, long expectedInterval)
      throws InterruptedException {
    Phase phase = new Phase();
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger lanesDone = new AtomicInteger();
    AtomicLong sequence = new AtomicLong();
    Object done = new Object();
    long start = System.nanoTime();
    for (int lane = 0; lane < options.concurrency(); lane++) {
      ManagedChannel channel = channels.get(lane % channels.size());
      new Lane(
              call,
              channel,
              sequence,
              running,
              phase,
              recorder,
              expectedInterval,
              () -> {
                if (lanesDone.incrementAndGet() == options.concurrency()) {
                  synchronized (done) {
                    done.notifyAll();
                  }
                }
              })
          .next();
    }
    TimeUnit.NANOSECONDS.sleep(nanos);
    running.set(false);
    phase.elapsed = System.nanoTime() - start;
    synchronized (done) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (lanesDone.get() < options.concurrency() && System.nanoTime() < deadline) {
        done.wait(100);
      }
    }
    return phase;
  }

  /** One closed-loop lane: a call, then the next when it answers, until told to stop. */
  private static final class Lane implements Runnable {
    private final UnaryCall call;
    private final ManagedChannel channel;
    private final AtomicLong sequence;
    private final AtomicBoolean running;
    private final Phase phase;
    private final Recorder recorder;
    private final long expectedInterval;
    private final Runnable finished;
    private long started;
    private ListenableFuture<?> pending;

    Lane(
        UnaryCall call,
        ManagedChannel channel,
        AtomicLong sequence,
        AtomicBoolean running,
        Phase phase,
        Recorder recorder,
        long expectedInterval,
        Runnable finished) {
      this.call = call;
      this.channel = channel;
      this.sequence = sequence;
      this.running = running;
      this.phase = phase;
      this.recorder = recorder;
      this.expectedInterval = expectedInterval;
      this.finished = finished;
    }

    void next() {
      if (!running.get()) {
        finished.run();
        return;
      }
      started = System.nanoTime();
      pending = call.send(channel, sequence.getAndIncrement());
      pending.addListener(this, MoreExecutors.directExecutor());
    }

    @Override
    public void run() {
      long end = System.nanoTime();
      try {
        pending.get();
        phase.calls.incrementAndGet();
        if (recorder != null) {
          long latency = Math.min(end - started, MAX_NANOS);
          if (expectedInterval > 0) {
            recorder.recordValueWithExpectedInterval(latency, expectedInterval);
          } else {
            recorder.recordValue(latency);
          }
        }
      } catch (Exception e) {
        phase.errors.incrementAndGet();
      }
      next();
    }
  }

  private Phase openLoop(UnaryCall call, double rate, long nanos, Recorder recorder) {
    Phase phase = new Phase();
    AtomicInteger inFlight = new AtomicInteger();
    long interval = (long) (1e9 / rate);
    long start = System.nanoTime();
    long count = (long) (nanos / (double) interval);
    for (long i = 0; i < count; i++) {
      long intended = start + i * interval;
      long wait;
      while ((wait = intended - System.nanoTime()) > 0) {
        if (wait > 50_000) {
          LockSupport.parkNanos(wait - 20_000);
        } else {
          Thread.onSpinWait();
        }
      }
      if (inFlight.get() >= options.concurrency()) {
        phase.errors
            .incrementAndGet(); // the client cannot keep the schedule: say so, don't hide it
        continue;
      }
      inFlight.incrementAndGet();
      ListenableFuture<?> future = call.send(channels.get((int) (i % channels.size())), i);
      future.addListener(
          () -> {
            long end = System.nanoTime();
            inFlight.decrementAndGet();
            try {
              future.get();
              phase.calls.incrementAndGet();
              if (recorder != null) {
                recorder.recordValue(Math.max(0, Math.min(end - intended, MAX_NANOS)));
              }
            } catch (Exception e) {
              phase.errors.incrementAndGet();
            }
          },
          MoreExecutors.directExecutor());
    }
    long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (inFlight.get() > 0 && System.nanoTime() < drainDeadline) {
      LockSupport.parkNanos(1_000_000);
    }
    phase.elapsed = System.nanoTime() - start;
    return phase;
  }

  /** Throughput counts real answers; back-filled histogram values only shape the percentiles. */
  private static LatencyReport report(Histogram histogram, Phase phase) {
    return new LatencyReport(
        phase.calls.get(),
        phase.calls.get() * 1e9 / Math.max(1, phase.elapsed),
        histogram.getValueAtPercentile(50) / 1_000.0,
        histogram.getValueAtPercentile(99) / 1_000.0,
        histogram.getValueAtPercentile(99.9) / 1_000.0,
        histogram.getMaxValue() / 1_000.0);
  }

  @Override
  public void close() throws InterruptedException {
    for (ManagedChannel channel : channels) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
