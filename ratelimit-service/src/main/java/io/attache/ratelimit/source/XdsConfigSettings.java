package io.attache.ratelimit.source;

import io.attache.runtime.Settings;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The reference's variables for {@code CONFIG_TYPE=GRPC_XDS_SOTW}, with its defaults: {@code
 * CONFIG_GRPC_XDS_NODE_ID} ({@code default}), {@code CONFIG_GRPC_XDS_NODE_METADATA} ({@code
 * k1=v1,k2=v2}), {@code CONFIG_GRPC_XDS_SERVER_URL} ({@code localhost:18000}), {@code
 * CONFIG_GRPC_XDS_CLIENT_ADDITIONAL_HEADERS} ({@code k1:v1,k2:v2}, sent on the stream), {@code
 * CONFIG_GRPC_XDS_SERVER_USE_TLS} with {@code CONFIG_GRPC_XDS_SERVER_TLS_CACERT}, {@code
 * CONFIG_GRPC_XDS_CLIENT_TLS_CERT}/{@code _KEY} and {@code CONFIG_GRPC_XDS_SERVER_TLS_SAN} (the
 * name the server's certificate must carry), {@code XDS_CLIENT_BACKOFF_INITIAL_INTERVAL} (10s),
 * {@code _MAX_INTERVAL} (60s), {@code _RANDOM_FACTOR} (0.5), {@code _JITTER} (true) and {@code
 * XDS_CLIENT_MAX_MSG_SIZE_IN_BYTES}. {@code CONFIG_GRPC_XDS_SERVER_CONNECT_RETRY_INTERVAL} is
 * accepted: grpc-java reconnects a channel with its own backoff.
 */
public record XdsConfigSettings(
    String nodeId,
    Map<String, String> nodeMetadata,
    String serverUrl,
    Map<String, String> headers,
    boolean useTls,
    Optional<String> caCert,
    Optional<String> clientCert,
    Optional<String> clientKey,
    Optional<String> serverSan,
    Duration backoffInitial,
    Duration backoffMax,
    double backoffRandomFactor,
    boolean backoffJitter,
    int maxMessageBytes) {

  public static XdsConfigSettings fromSettings(Settings settings) {
    settings.duration("CONFIG_GRPC_XDS_SERVER_CONNECT_RETRY_INTERVAL", Duration.ofSeconds(3));
    return new XdsConfigSettings(
        settings.string("CONFIG_GRPC_XDS_NODE_ID", "default"),
        pairs(settings.string("CONFIG_GRPC_XDS_NODE_METADATA", ""), '='),
        settings.string("CONFIG_GRPC_XDS_SERVER_URL", "localhost:18000"),
        pairs(settings.string("CONFIG_GRPC_XDS_CLIENT_ADDITIONAL_HEADERS", ""), ':'),
        settings.bool("CONFIG_GRPC_XDS_SERVER_USE_TLS", false),
        settings.optional("CONFIG_GRPC_XDS_SERVER_TLS_CACERT").filter(s -> !s.isEmpty()),
        settings.optional("CONFIG_GRPC_XDS_CLIENT_TLS_CERT").filter(s -> !s.isEmpty()),
        settings.optional("CONFIG_GRPC_XDS_CLIENT_TLS_KEY").filter(s -> !s.isEmpty()),
        settings.optional("CONFIG_GRPC_XDS_SERVER_TLS_SAN").filter(s -> !s.isEmpty()),
        settings.duration("XDS_CLIENT_BACKOFF_INITIAL_INTERVAL", Duration.ofSeconds(10)),
        settings.duration("XDS_CLIENT_BACKOFF_MAX_INTERVAL", Duration.ofSeconds(60)),
        settings.decimal("XDS_CLIENT_BACKOFF_RANDOM_FACTOR", 0.5, 0, 1),
        settings.bool("XDS_CLIENT_BACKOFF_JITTER", true),
        settings.integer("XDS_CLIENT_MAX_MSG_SIZE_IN_BYTES", 0, 0, Integer.MAX_VALUE));
  }

  /** {@code a=1,b=2} as the reference splits it: entries without the separator are skipped. */
  static Map<String, String> pairs(String text, char separator) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (String entry : text.split(",")) {
      int at = entry.indexOf(separator);
      if (at > 0) {
        pairs.put(entry.substring(0, at).strip(), entry.substring(at + 1).strip());
      }
    }
    return pairs;
  }

  /** A channel to the server, with TLS and the additional headers as configured. */
  ManagedChannel channel() {
    ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(serverUrl, credentials());
    serverSan.ifPresent(builder::overrideAuthority);
    if (maxMessageBytes > 0) {
      builder.maxInboundMessageSize(maxMessageBytes);
    }
    if (!headers.isEmpty()) {
      Metadata metadata = new Metadata();
      headers.forEach(
          (k, v) ->
              metadata.put(Metadata.Key.of(k.toLowerCase(), Metadata.ASCII_STRING_MARSHALLER), v));
      builder.intercept(MetadataUtils.newAttachHeadersInterceptor(metadata));
    }
    return builder.build();
  }

  private ChannelCredentials credentials() {
    if (!useTls) {
      return InsecureChannelCredentials.create();
    }
    try {
      TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
      if (caCert.isPresent()) {
        tls.trustManager(new File(caCert.get()));
      }
      if (clientCert.isPresent() && clientKey.isPresent()) {
        tls.keyManager(new File(clientCert.get()), new File(clientKey.get()));
      }
      return tls.build();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "CONFIG_GRPC_XDS_*: cannot read a TLS file: " + e.getMessage(), e);
    }
  }
}
