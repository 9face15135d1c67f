package io.attache.bench.scenario;

import io.attache.bench.servers.ServerKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The dependencies of one scenario's servers (the Kafka broker, redis-server), each in a process of
 * its own, started before both servers and closed after them. Their work is not the server's, so it
 * must neither count as the server's CPU time nor take the server's core: they are not pinned (see
 * {@link ServerProcess}). They are started anew for every scenario, so each scenario's real server
 * starts on an empty Redis and a broker without its topics; the baseline, which never uses them,
 * shares them with it.
 */
final class Dependencies implements AutoCloseable {
  private final List<ServerProcess> processes = new ArrayList<>();

  private Dependencies() {}

  /** Starts what the scenario's servers need, in order; none if they need nothing. */
  static Dependencies start(Scenario scenario, Path work, PrintStream progress)
      throws IOException, InterruptedException {
    Dependencies dependencies = new Dependencies();
    try {
      for (ServerKind kind : kinds(scenario)) {
        ServerProcess process =
            new ServerProcess(kind, work, work.resolve(kind.argument() + ".log"));
        dependencies.processes.add(process);
        progress.printf(
            "%s: %s on port %d in its own process, off the server's core%n",
            scenario.argument(), kind.argument(), process.port());
      }
      return dependencies;
    } catch (IOException | InterruptedException | RuntimeException e) {
      // Those already started must not outlive a scenario that cannot run.
      try {
        dependencies.close();
      } catch (IOException | InterruptedException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** What the baseline and the real server need, each once, in the order to start them. */
  static List<ServerKind> kinds(Scenario scenario) {
    return Stream.of(scenario.baseline(), scenario.real())
        .flatMap(server -> server.dependencies().stream())
        .distinct()
        .toList();
  }

  /** Closes the last started first; a failure to close one does not leave the others running. */
  @Override
  public void close() throws IOException, InterruptedException {
    IOException failure = null;
    for (int i = processes.size() - 1; i >= 0; i--) {
      try {
        processes.get(i).close();
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
