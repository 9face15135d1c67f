package io.attache.bench.scenario;

import io.attache.bench.servers.BenchServer;
import io.attache.bench.servers.ServerKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark server in its own JVM, so client and server do not share a heap, a JIT or a GC. A
 * measured server is pinned to the cores in {@code ATTACHE_BENCH_SERVER_CPUS} when {@code taskset}
 * exists (bin/bench: the last core; the load generator keeps the others). A dependency (the Kafka
 * broker, the JVM that runs redis-server and so redis-server itself) is not pinned: it inherits the
 * runner's cores, so it never competes with the server for its core. The child exits when its
 * standard input closes, which happens when this is closed and also when the parent dies however it
 * dies.
 */
public final class ServerProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final int port;
  private final OptionalInt adminPort;

  public ServerProcess(ServerKind kind, Path fixtures, Path log)
      throws IOException, InterruptedException {
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
    String[] ports = null;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("READY ")) {
        ports = line.substring(6).trim().split("\\s+");
        break;
      }
    }
    if (ports == null) {
      process.destroyForcibly();
      throw new IOException(kind.argument() + " did not start; its log: " + log + "\n" + tail(log));
    }
    port = Integer.parseInt(ports[0]);
    adminPort = ports.length > 1 ? OptionalInt.of(Integer.parseInt(ports[1])) : OptionalInt.empty();
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

  /** The server's {@code /metrics} in the Prometheus text format; empty if it has no admin port. */
  Optional<String> metrics() throws InterruptedException {
    if (adminPort.isEmpty()) {
      return Optional.empty();
    }
    URI uri = URI.create("http://127.0.0.1:" + adminPort.getAsInt() + "/metrics");
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET " + uri + ": status " + response.statusCode());
      }
      return Optional.of(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + uri + " failed", e);
    }
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
