package io.attache.testsupport.crash;

import io.attache.testsupport.process.ChildJvm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Load on a service in a child JVM that is killed with SIGKILL in the middle of it: remembers the
 * request id of every call the service answered, which is what its audit trail must hold.
 */
public final class CrashLoad {
  private CrashLoad() {}

  /** One call with this request id; true when the service's complete answer arrived. */
  @FunctionalInterface
  public interface Call {
    boolean call(String requestId) throws Exception;
  }

  /** What the load saw. */
  public record Result(Set<String> answered, long failedBeforeKill) {}

  /**
   * Calls from {@code threads} threads (each with its own client from {@code clients}) for {@code
   * duration}, then kills {@code victim} with SIGKILL while they go on, and waits for them to stop.
   */
  public static Result untilKilled(
      int threads, Duration duration, ChildJvm victim, IntFunction<Call> clients)
      throws InterruptedException {
    Set<String> answered = ConcurrentHashMap.newKeySet();
    AtomicBoolean killed = new AtomicBoolean();
    AtomicLong failedBeforeKill = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int index = t;
      Call call = clients.apply(t);
      Thread worker =
          new Thread(
              () -> {
                for (long n = 0; ; n++) {
                  String id = "req-" + index + "-" + n;
                  try {
                    if (call.call(id)) {
                      answered.add(id);
                    }
                  } catch (Exception e) {
                    if (killed.get()) {
                      return;
                    }
                    failedBeforeKill.incrementAndGet();
                  }
                  if (killed.get() && !victim.isAlive()) {
                    return;
                  }
                }
              },
              "crash-load-" + t);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
    Thread.sleep(duration.toMillis());
    victim.kill();
    killed.set(true);
    for (Thread worker : workers) {
      worker.join(30_000);
    }
    return new Result(Set.copyOf(answered), failedBeforeKill.get());
  }
}
