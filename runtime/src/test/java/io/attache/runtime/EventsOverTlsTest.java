package io.attache.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.events.ConfigChange;
import io.attache.events.EventSink;
import io.attache.kafka.embedded.EmbeddedKafkaBroker;
import io.attache.testsupport.kafka.TopicReader;
import io.attache.testsupport.tls.MutualTls;
import io.attache.testsupport.tls.TestPki.Issued;
import io.attache.testsupport.tls.TestPki.KeyEncoding;
import io.attache.testsupport.tls.TestPki.Usage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events to a Kafka broker that only speaks mutual TLS on the listener the service is given, with
 * the variables the chart renders from {@code kafka.tls} ({@code KAFKA_PRODUCER_SECURITY_PROTOCOL},
 * PEM trust store and key store given as their contents), against the embedded KRaft broker with an
 * SSL listener that requires client certificates.
 */
class EventsOverTlsTest {
  @TempDir Path dir;

  @Test
  void eventsReachABrokerThatRequiresAClientCertificate() throws Exception {
    MutualTls tls = new MutualTls(dir.resolve("pki"), "attache-events");
    Issued brokerCertificate = tls.pki().issue(Usage.SERVER, "localhost", "127.0.0.1");
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.startNewWithSsl(
            new EmbeddedKafkaBroker.Ssl(
                brokerCertificate.certificatePem(),
                brokerCertificate.keyPem(KeyEncoding.PKCS8),
                Files.readString(tls.ca()),
                true))) {
      Map<String, String> env = new HashMap<>();
      env.put("KAFKA_BOOTSTRAP_SERVERS", broker.sslBootstrapServers());
      env.put("ATTACHE_TOPIC_PREFIX", "tls.");
      env.put("ATTACHE_SPOOL_DIR", dir.resolve("spool").toString());
      env.put("KAFKA_PRODUCER_SECURITY_PROTOCOL", "SSL");
      env.put("KAFKA_PRODUCER_SSL_TRUSTSTORE_TYPE", "PEM");
      env.put("KAFKA_PRODUCER_SSL_TRUSTSTORE_CERTIFICATES", Files.readString(tls.ca()));
      env.put("KAFKA_PRODUCER_SSL_KEYSTORE_TYPE", "PEM");
      env.put(
          "KAFKA_PRODUCER_SSL_KEYSTORE_CERTIFICATE_CHAIN",
          Files.readString(tls.clientCertificate()));
      env.put("KAFKA_PRODUCER_SSL_KEYSTORE_KEY", Files.readString(tls.clientKey()));

      EventSink sink = EventSinks.fromSettings(new Settings(env), "tls-test");
      try {
        assertThat(sink.publish(change("over-tls.yaml"))).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> sink.stats().published() == 1);
      } finally {
        sink.close();
      }
      // Read back over the broker's plaintext listener: the same topic, as a consumer sees it.
      var records =
          TopicReader.read(broker, List.of("tls.audit.config"), 1, Duration.ofSeconds(20));
      assertThat(records).hasSize(1);
      assertThat(records.get(0).value()).contains("over-tls.yaml");
    }
  }

  private static ConfigChange change(String name) {
    return new ConfigChange(
        "tls-test",
        "File",
        Optional.empty(),
        name,
        OptionalLong.empty(),
        ConfigChange.Outcome.APPLIED,
        "loaded",
        Optional.empty());
  }
}
