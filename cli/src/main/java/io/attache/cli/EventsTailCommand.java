package io.attache.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code attache events tail}: prints Attaché's CloudEvents from a Kafka topic, one line each. */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Prints events from a topic, one line each: time, type, subject, then the full JSON with --json.",
      "Example: attache events tail --bootstrap localhost:9092 --topic attache.audit.authz --from-beginning",
      "Exit codes: 0 done (--max reached or Ctrl-C), 2 bad usage."
    })
final class EventsTailCommand implements Callable<Integer> {
  private static final Pattern FIELD =
      Pattern.compile("\"(time|type|subject|sequence)\":\"((?:[^\"\\\\]|\\\\.)*)\"");

  @Option(
      names = "--bootstrap",
      defaultValue = "localhost:9092",
      description = "Kafka bootstrap servers")
  String bootstrap;

  @Option(names = "--topic", required = true, description = "e.g. attache.audit.authz")
  String topic;

  @Option(names = "--from-beginning", description = "start at the oldest event instead of new ones")
  boolean fromBeginning;

  @Option(
      names = "--max",
      defaultValue = "0",
      description = "stop after this many events (0: never)")
  int max;

  @Option(names = "--json", description = "print each event's full JSON after its summary")
  boolean json;

  @Override
  public Integer call() {
    return tail(bootstrap, topic, fromBeginning, max, json, Duration.ofDays(3650), System.out);
  }

  static int tail(
      String bootstrap,
      String topic,
      boolean fromBeginning,
      int max,
      boolean json,
      Duration idleLimit,
      PrintStream out) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                "bootstrap.servers",
                bootstrap,
                "group.id",
                "attache-tail-" + UUID.randomUUID(),
                "auto.offset.reset",
                fromBeginning ? "earliest" : "latest",
                "enable.auto.commit",
                "false"),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      int printed = 0;
      long idleSince = System.nanoTime();
      while (max == 0 || printed < max) {
        var records = consumer.poll(Duration.ofMillis(250));
        if (records.isEmpty() && System.nanoTime() - idleSince > idleLimit.toNanos()) {
          break;
        }
        for (ConsumerRecord<String, String> record : records) {
          idleSince = System.nanoTime();
          out.println(summary(record));
          if (json) {
            out.println("  " + record.value());
          }
          if (++printed == max) {
            break;
          }
        }
      }
    }
    return 0;
  }

  static String summary(ConsumerRecord<String, String> record) {
    Map<String, String> fields = new java.util.HashMap<>();
    Matcher matcher = FIELD.matcher(record.value());
    while (matcher.find()) {
      fields.putIfAbsent(matcher.group(1), matcher.group(2));
    }
    return String.join(
        "  ",
        fields.getOrDefault("time", "?"),
        fields.getOrDefault("type", "?"),
        "#" + fields.getOrDefault("sequence", "?").replaceFirst("^0+(?=.)", ""),
        "key=" + record.key(),
        fields.getOrDefault("subject", ""));
  }
}
