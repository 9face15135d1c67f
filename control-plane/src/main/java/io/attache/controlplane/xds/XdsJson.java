package io.attache.controlplane.xds;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.util.JsonFormat;
import io.attache.controlplane.translate.XdsResources;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.List;

/**
 * xDS resources as JSON in protobuf's JSON mapping (the form of Envoy's own config dump), for
 * {@code /config_dump} and {@code attache translate}. Knows the message types our listeners pack
 * into {@code Any}, so typed configs print as objects; a type missing here fails the print with
 * protobuf's "Cannot find type for url" rather than printing something partial. Private keys of SDS
 * Secrets print as {@code [redacted]}, as in Envoy's own config dump.
 */
public final class XdsJson {
  // Adding a descriptor registers every message of its file and of the files that file imports,
  // so the roots of what the translator packs into Any are enough.
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer()
          .usingTypeRegistry(
              TypeRegistry.newBuilder()
                  .add(
                      List.of(
                          HttpConnectionManager.getDescriptor(),
                          Router.getDescriptor(),
                          io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthz
                              .getDescriptor(),
                          io.envoyproxy.envoy.extensions.filters.http.ext_authz.v3.ExtAuthzPerRoute
                              .getDescriptor(),
                          io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimit
                              .getDescriptor(),
                          io.envoyproxy.envoy.extensions.filters.http.ratelimit.v3.RateLimitPerRoute
                              .getDescriptor(),
                          io.envoyproxy.envoy.config.route.v3.FilterConfig.getDescriptor(),
                          io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors.getDescriptor(),
                          io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                              .getDescriptor(),
                          DownstreamTlsContext.getDescriptor(),
                          Secret.getDescriptor(),
                          TlsInspector.getDescriptor(),
                          TcpProxy.getDescriptor()))
                  .build());
  private static final Gson PRETTY =
      new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  /** What Envoy's own config dump prints for a private key. */
  static final String REDACTED = "[redacted]";

  private XdsJson() {}

  /** One resource (or any message) as a JSON tree; an SDS Secret's private key is redacted. */
  public static JsonElement toJson(MessageOrBuilder message) {
    try {
      return JsonParser.parseString(PRINTER.print(redacted(message)));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(
          "cannot print " + message.getDescriptorForType().getFullName() + " as JSON", e);
    }
  }

  /** The translated resources keyed by {@link XdsType#key()}, e.g. {@code "clusters": [...]}. */
  public static JsonObject byType(XdsResources resources) {
    JsonObject json = new JsonObject();
    json.add(XdsType.CLUSTERS.key(), array(resources.clusters()));
    json.add(XdsType.ENDPOINTS.key(), array(resources.loadAssignments()));
    json.add(XdsType.LISTENERS.key(), array(resources.listeners()));
    json.add(XdsType.ROUTES.key(), array(resources.routes()));
    json.add(XdsType.SECRETS.key(), array(resources.secrets()));
    return json;
  }

  // Dumps and translations are read by people and pasted into issues: keys stay in Envoy.
  private static MessageOrBuilder redacted(MessageOrBuilder message) {
    if (message instanceof Secret secret && secret.getTlsCertificate().hasPrivateKey()) {
      return secret.toBuilder()
          .setTlsCertificate(
              secret.getTlsCertificate().toBuilder()
                  .setPrivateKey(DataSource.newBuilder().setInlineString(REDACTED)))
          .build();
    }
    return message;
  }

  static JsonArray array(Iterable<? extends Message> messages) {
    JsonArray array = new JsonArray();
    messages.forEach(message -> array.add(toJson(message)));
    return array;
  }

  /** Indented by two spaces, characters such as {@code =} and {@code <} left as they are. */
  public static String pretty(JsonElement json) {
    return PRETTY.toJson(json);
  }
}
