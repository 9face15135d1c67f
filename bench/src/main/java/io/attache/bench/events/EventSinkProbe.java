package io.attache.bench.events;

import io.attache.bench.scenario.ServerProcess;
import io.attache.bench.servers.BenchServer;
import io.attache.bench.servers.ServerKind;
import io.attache.events.AuthzDecision;
import io.attache.events.Decision;
import io.attache.events.kafka.KafkaEventSink;
import io.attache.events.kafka.KafkaSinkConfig;
import io.attache.events.log.FsyncPolicy;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench events}: what publishing one audit event costs, in CPU time, on the threads that do
 * it. A broker runs in a child process (as in {@code authz-events}); this JVM publishes ext-authz
 * decisions at a fixed rate through the real {@link KafkaEventSink} and reads, per thread, the CPU
 * time spent until Kafka has acknowledged them all. The publishing thread stands for the request
 * path: only its time inside {@code publish()} is counted. GC and JIT run on threads the JVM does
 * not list, so they are what the process used beyond the threads it does.
 *
 * <p>This is the figure the {@code authz-events} scenario cannot isolate: there the sink's threads
 * share the server's one core with the event loop, so every microsecond here is taken from Checks.
 */
public final class EventSinkProbe {
  static final String REQUEST_THREAD = "publish() on the request thread (encode, log)";
  static final String SHIPPER = "shipper (read the log, hand to producer)";
  static final String NETWORK = "producer network (compress, send, acks)";
  private static final String OTHER = "other (GC, JIT, timers)";
  private static final String JIT = "JIT compiling (elapsed)";
  private static final String GC = "GC pauses (elapsed)";

  private EventSinkProbe() {}

  /** Time the JIT compilers spent compiling, as the JVM counts it (elapsed, summed). */
  private static long jitMillis() {
    var compilation = ManagementFactory.getCompilationMXBean();
    return compilation != null && compilation.isCompilationTimeMonitoringSupported()
        ? compilation.getTotalCompilationTime()
        : 0;
  }

  /** Time the collectors spent collecting, summed over them (elapsed). */
  private static long gcMillis() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(gc -> Math.max(0, gc.getCollectionTime()))
        .sum();
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  public static void main(String[] args) throws Exception {
    int events = 200_000;
    int rate = 20_000;
    Map<String, Object> producer = new HashMap<>();
    FsyncPolicy fsync = FsyncPolicy.INTERVAL;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--events" -> events = Integer.parseInt(args[i + 1]);
        case "--rate" -> rate = Integer.parseInt(args[i + 1]);
        case "--fsync" -> fsync = FsyncPolicy.valueOf(args[i + 1].toUpperCase(Locale.ROOT));
        case "--producer" -> {
          String[] setting = args[i + 1].split("=", 2);
          producer.put(setting[0], setting[1]);
        }
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Files.createTempDirectory("attache-bench-events");
    try (ServerProcess broker =
        new ServerProcess(ServerKind.KAFKA, dir, dir.resolve("kafka.log"))) {
      String bootstrap = BenchServer.address(dir, ServerKind.KAFKA);
      // A first, unmeasured round (5 s at the rate) warms the JIT and creates the topic.
      int warmUp = Math.min(events, Math.max(50_000, rate * 5));
      measure(bootstrap, dir.resolve("log-warm"), warmUp, rate, producer, fsync);
      Map<String, Long> cpu = measure(bootstrap, dir.resolve("log"), events, rate, producer, fsync);
      report(events, rate, cpu);
    }
  }

  /** Publishes and waits for every acknowledgement; returns CPU nanoseconds per thread group. */
  static Map<String, Long> measure(
      String bootstrap,
      Path logDir,
      int events,
      int rate,
      Map<String, Object> producer,
      FsyncPolicy fsync)
      throws InterruptedException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    KafkaSinkConfig config =
        KafkaSinkConfig.builder(bootstrap, "/attache/ext-authz/bench", logDir)
            .fsync(fsync, Duration.ofSeconds(1))
            .producerOverrides(producer)
            .build();
    AuthzDecision[] samples = samples();
    try (KafkaEventSink sink = new KafkaEventSink(config)) {
      Map<String, Long> before = cpuByGroup(threads);
      long jitBefore = jitMillis();
      long gcBefore = gcMillis();
      long processBefore = processCpuNanos();
      long selfBefore = threads.getCurrentThreadCpuTime();
      long started = System.nanoTime();
      long perTick = Math.max(1, rate / 1000);
      int sent = 0;
      long publishing = 0;
      for (long tick = 0; sent < events; tick++) {
        long due = started + TimeUnit.MILLISECONDS.toNanos(tick);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        long cpuBefore = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < perTick && sent < events; i++, sent++) {
          sink.publish(samples[sent % samples.length]);
        }
        publishing += threads.getCurrentThreadCpuTime() - cpuBefore;
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      // The warm-up round's first events wait in the log while the topic is created.
      while (settled(sink) < events && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      if (settled(sink) < events) {
        throw new IllegalStateException("Kafka acknowledged only " + sink.stats());
      }
      if (sink.stats().dropped() > 0) {
        // A rate the shipper cannot keep up with: the log filled. Say so rather than hide it.
        System.out.printf(
            Locale.ROOT,
            "  %,d of %,d events were dropped (the event log was full): the rate is beyond it%n",
            sink.stats().dropped(),
            events);
      }
      Map<String, Long> after = cpuByGroup(threads);
      long process = processCpuNanos() - processBefore;
      long self = threads.getCurrentThreadCpuTime() - selfBefore;
      after.replaceAll((group, nanos) -> nanos - before.getOrDefault(group, 0L));
      after.put(REQUEST_THREAD, publishing);
      // GC and JIT threads are not Java threads: they are what the process used beyond the rest.
      // The JVM reports both as elapsed time only, so they are shown as such, inside "other".
      after.remove(OTHER);
      long named = after.values().stream().mapToLong(Long::longValue).sum();
      after.put(OTHER, Math.max(0, process - (self - publishing) - named));
      after.put(JIT, TimeUnit.MILLISECONDS.toNanos(jitMillis() - jitBefore));
      after.put(GC, TimeUnit.MILLISECONDS.toNanos(gcMillis() - gcBefore));
      return after;
    }
  }

  /** Events Kafka acknowledged, or that were dropped: none is left to wait for. */
  private static long settled(KafkaEventSink sink) {
    return sink.stats().published() + sink.stats().dropped();
  }

  private static Map<String, Long> cpuByGroup(ThreadMXBean threads) {
    Map<String, Long> cpu = new HashMap<>();
    long self = Thread.currentThread().getId();
    for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null || info.getThreadId() == self) {
        continue;
      }
      long nanos = threads.getThreadCpuTime(info.getThreadId());
      if (nanos > 0) {
        cpu.merge(group(info.getThreadName()), nanos, Long::sum);
      }
    }
    return cpu;
  }

  private static String group(String thread) {
    if (thread.startsWith("attache-event-shipper")) {
      return SHIPPER;
    }
    if (thread.startsWith("kafka-producer-network-thread")) {
      return NETWORK;
    }
    return OTHER;
  }

  private static void report(int events, int rate, Map<String, Long> cpu) {
    System.out.printf(
        Locale.ROOT, "%,d audit events at %,d/s, CPU µs per event by thread:%n", events, rate);
    long total = 0;
    for (var entry : new java.util.TreeMap<>(cpu).entrySet()) {
      if (entry.getKey().equals(JIT) || entry.getKey().equals(GC)) {
        continue;
      }
      total += entry.getValue();
      line(entry.getKey(), entry.getValue(), events);
      if (entry.getKey().equals(OTHER)) {
        line("  of which " + JIT, cpu.getOrDefault(JIT, 0L), events);
        line("  of which " + GC, cpu.getOrDefault(GC, 0L), events);
      }
    }
    line("total", total, events);
  }

  private static void line(String name, long nanos, int events) {
    System.out.printf(Locale.ROOT, "  %-45s %7.2f%n", name, nanos / 1000.0 / events);
  }

  /** Decisions shaped like the authz-events scenario's: API-key allows from a few principals. */
  private static AuthzDecision[] samples() {
    AuthzDecision[] samples = new AuthzDecision[64];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = sample(i);
    }
    return samples;
  }

  /** The {@code i}th of those decisions; also what {@code EventEncodingBenchmark} encodes. */
  public static AuthzDecision sample(int i) {
    return new AuthzDecision(
        Decision.ALLOW,
        "ok",
        200,
        Optional.of("default/orders"),
        Optional.of("allow-keys"),
        Optional.of("client-" + (i % 8)),
        Optional.of("api_key"),
        Optional.of("k1:8f2c0a5d3e7b9146"),
        "GET",
        "orders.example.com",
        "/orders/" + i,
        "10.0.0." + (i % 250),
        Optional.of("5f8c7d4e-" + i),
        12,
        Optional.empty());
  }
}
