package io.attache.bench.scenario;

import io.attache.bench.servers.BenchServer;
import io.attache.bench.servers.ServerKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark server in its own JVM, so client and server do not share a heap, a JIT or a GC. A
 * measured server is pinned to the cores in {@code ATTACHE_BENCH_SERVER_CPUS} when {@code taskset}
 * exists (bin/bench: the last core; the load generator keeps the others). Anything else (the Kafka
 * broker) is not pinned: it inherits the runner's cores, so it never competes with the server for
 * its core. The child exits when its standard input closes, which happens when this is closed and
 * also when the parent dies however it dies.
 */
final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final int port;

  ServerProcess(ServerKind kind, Path fixtures, Path log) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    String cpus = System.getenv("ATTACHE_BENCH_SERVER_CPUS");
    if (kind.measured() && cpus != null && !cpus.isBlank() && taskset()) {
      command.addAll(List.of("taskset", "-c", cpus));
    }
    command.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xms512m",
            "-Xmx1g",
            "-XX:+UseParallelGC"));
    if (kind.measured()) {
      command.addAll(extraJvmOptions(System.getenv("ATTACHE_BENCH_SERVER_JAVA_OPTS")));
    }
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            BenchServer.class.getName(),
            kind.argument(),
            fixtures.toString()));
    process =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    int found = -1;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("READY ")) {
        found = Integer.parseInt(line.substring(6).trim());
        break;
      }
    }
    if (found < 0) {
      process.destroyForcibly();
      throw new IOException(kind.argument() + " did not start; its log: " + log + "\n" + tail(log));
    }
    port = found;
  }

  /**
   * Further JVM options for the server, split on whitespace: a profile of the server under load is
   * {@code ATTACHE_BENCH_SERVER_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/s.jfr}.
   */
  static List<String> extraJvmOptions(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return List.of(value.strip().split("\\s+"));
  }

  /** The CPU time the server process has used so far, where the platform reports it. */
  Optional<Duration> cpuTime() {
    return process.toHandle().info().totalCpuDuration();
  }

  int port() {
    return port;
  }

  /** The child process, for tests that it is gone after {@link #close()}. */
  ProcessHandle handle() {
    return process.toHandle();
  }

  static boolean taskset() {
    try {
      return new ProcessBuilder("taskset", "-V").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }

  @Override
  public void close() throws InterruptedException, IOException {
    process.getOutputStream().close(); // the server stops when its stdin closes
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
