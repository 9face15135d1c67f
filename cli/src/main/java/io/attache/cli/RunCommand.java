package io.attache.cli;

import io.attache.authz.app.ExtAuthzApp;
import io.attache.controlplane.app.ControlPlaneApp;
import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.ratelimit.app.RateLimitApp;
import io.attache.runtime.InvalidSettingsException;
import io.attache.runtime.Settings;
import io.attache.runtime.host.ServiceHost;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code attache run}: every service in one JVM.
 *
 * <p>Each service reads the environment as it would alone, and variables prefixed with its name win
 * for it only: {@code RATELIMIT_GRPC_PORT} is {@code GRPC_PORT} for ratelimit-service, {@code
 * EXTAUTHZ_*} for ext-authz, {@code CONTROLPLANE_*} for the control plane.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs ratelimit-service, ext-authz and control-plane in one JVM until Ctrl-C.",
      "Per-service settings: RATELIMIT_*, EXTAUTHZ_*, CONTROLPLANE_* environment variables."
    })
final class RunCommand implements Callable<Integer> {
  private record Service(
      String name,
      String prefix,
      Map<String, String> defaults,
      Function<Settings, ServiceHost> start) {}

  /**
   * Standalone defaults, read from a configuration directory: counters in memory (no Redis needed)
   * unless {@code --redis}; the environment still wins.
   */
  private static List<Service> services(Path dir) {
    return List.of(
        new Service(
            "ratelimit-service",
            "RATELIMIT_",
            Map.of("BACKEND_TYPE", "memory", "RUNTIME_ROOT", dir.resolve("ratelimit").toString()),
            RateLimitApp::start),
        new Service(
            "ext-authz",
            "EXTAUTHZ_",
            Map.of("ATTACHE_POLICY_DIR", dir.resolve("policies").toString()),
            ExtAuthzApp::start),
        new Service(
            "control-plane",
            "CONTROLPLANE_",
            Map.of("ATTACHE_RESOURCES_DIR", dir.resolve("cluster").toString()),
            ControlPlaneApp::start));
  }

  @Parameters(
      index = "0",
      arity = "0..1",
      defaultValue = "examples",
      paramLabel = "DIR",
      description = {
        "configuration directory (default: examples): DIR/ratelimit/config/*.yaml,",
        "DIR/policies/*.yaml, DIR/cluster/*.yaml; all watched for changes"
      })
  Path directory;

  @Option(
      names = "--kafka",
      description = "Kafka bootstrap servers for the event stream (default: an embedded broker)")
  String kafka;

  @Option(names = "--no-kafka", description = "run without an event stream")
  boolean noKafka;

  @Option(
      names = "--kafka-data",
      defaultValue = "data/kafka",
      description = "where the embedded broker keeps its data (default data/kafka)")
  Path kafkaData;

  @Option(
      names = "--redis",
      description = "Redis host:port for rate-limit counters (default: in memory)")
  String redis;

  private EmbeddedKafkaBroker broker;

  @Override
  public Integer call() {
    List<ServiceHost> hosts;
    try {
      Map<String, String> environment = new HashMap<>(System.getenv());
      if (kafka != null) {
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kafka);
      } else if (!noKafka && !environment.containsKey("KAFKA_BOOTSTRAP_SERVERS")) {
        broker = EmbeddedKafkaBroker.start(kafkaData, 9092, 9093);
        environment.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        System.out.println(
            "kafka              "
                + broker.bootstrapServers()
                + " (embedded, data in "
                + kafkaData
                + ")");
      }
      if (redis != null) {
        environment.put("RATELIMIT_BACKEND_TYPE", "redis");
        environment.put("RATELIMIT_REDIS_SOCKET_TYPE", "tcp");
        environment.put("RATELIMIT_REDIS_URL", redis);
      }
      hosts = start(directory, environment, System.out);
    } catch (InvalidSettingsException e) {
      System.err.println(e.getMessage());
      if (broker != null) {
        broker.stop();
      }
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopAll(hosts);
                  if (broker != null) {
                    broker.stop(); // after the services flushed their events into it
                  }
                  stopped.countDown();
                },
                "attache-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Starts every service; if one cannot start, the ones already started are stopped. */
  static List<ServiceHost> start(Path dir, Map<String, String> environment, PrintStream out) {
    List<ServiceHost> hosts = new ArrayList<>();
    try {
      for (Service service : services(dir)) {
        ServiceHost host =
            service.start().apply(settingsFor(service.prefix(), service.defaults(), environment));
        hosts.add(host);
        out.printf(
            "%-18s grpc :%d  admin http://localhost:%d/healthz%n",
            service.name(), host.grpcPort(), host.adminPort());
      }
    } catch (RuntimeException e) {
      stopAll(hosts);
      throw e;
    }
    out.println("Attaché is running. Ctrl-C stops it.");
    return hosts;
  }

  static void stopAll(List<ServiceHost> hosts) {
    for (int i = hosts.size() - 1; i >= 0; i--) {
      hosts.get(i).close();
    }
  }

  private static Settings settingsFor(
      String prefix, Map<String, String> defaults, Map<String, String> environment) {
    Map<String, String> values = new HashMap<>(defaults);
    values.putAll(environment);
    environment.forEach(
        (name, value) -> {
          if (name.startsWith(prefix)) {
            values.put(name.substring(prefix.length()), value);
          }
        });
    return new Settings(values);
  }
}
