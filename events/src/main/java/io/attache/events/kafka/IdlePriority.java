package io.attache.events.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Moves threads into Linux's {@code SCHED_IDLE} class, where a thread runs only on a core no other
 * thread wants: a request thread that wakes up preempts it at once instead of waiting out its time
 * slice. A process may lower the priority of its own threads without privileges.
 *
 * <p>Java 17 has no call for this, so it asks {@code chrt(1)} (util-linux, in the Debian and Ubuntu
 * images the JDK ships in) for each thread's kernel id, read from {@code /proc}. Used a few times
 * per process, when the event sink starts.
 */
final class IdlePriority {
  private static final Path TASKS = Path.of("/proc/self/task");
  private static final Path THREAD_SELF = Path.of("/proc/thread-self");
  private static final long CHRT_TIMEOUT_SECONDS = 5;

  private IdlePriority() {}

  /** The kernel ids of this process's threads now; empty where there is no {@code /proc}. */
  static Set<String> threadIds() {
    Set<String> ids = new HashSet<>();
    try (Stream<Path> tasks = Files.list(TASKS)) {
      tasks.forEach(task -> ids.add(task.getFileName().toString()));
    } catch (IOException | UncheckedIOException | UnsupportedOperationException e) {
      return Set.of();
    }
    return ids;
  }

  /** The thread's name as the kernel keeps it (at most 15 bytes), or "" if it has ended. */
  static String name(String threadId) {
    try {
      return Files.readString(TASKS.resolve(threadId).resolve("comm")).strip();
    } catch (IOException | UnsupportedOperationException e) {
      return "";
    }
  }

  /** Lowers the calling thread; on failure, says why, and the thread keeps its priority. */
  static Optional<String> lowerCurrentThread() {
    try {
      // "<pid>/task/<tid>": the kernel's id of this very thread.
      return lower(Files.readSymbolicLink(THREAD_SELF).getFileName().toString());
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.of("this is not Linux or /proc is not mounted (" + e + ")");
    }
  }

  /** Lowers one thread of this process; on failure, says why. */
  static Optional<String> lower(String threadId) {
    Process chrt;
    try {
      chrt =
          new ProcessBuilder("chrt", "--idle", "-p", "0", threadId)
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      return Optional.of("chrt could not be started (" + e.getMessage() + ")");
    }
    try {
      if (!chrt.waitFor(CHRT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        chrt.destroyForcibly();
        return Optional.of("chrt did not finish in " + CHRT_TIMEOUT_SECONDS + " s");
      }
      String output = new String(chrt.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (chrt.exitValue() != 0) {
        return Optional.of("chrt failed with " + chrt.exitValue() + ": " + output.strip());
      }
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      chrt.destroyForcibly();
      return Optional.of("interrupted while chrt ran");
    } catch (IOException e) {
      return Optional.of("chrt's output could not be read (" + e.getMessage() + ")");
    }
  }
}
