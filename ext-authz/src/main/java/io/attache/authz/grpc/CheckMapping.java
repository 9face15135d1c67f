package io.attache.authz.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.attache.authz.core.CheckInput;
import io.attache.authz.core.Decision;
import io.attache.authz.core.FrozenMap;
import io.attache.authz.core.HttpAttributes;
import io.attache.authz.core.PeerAttributes;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Translates Envoy's {@code CheckRequest} to the core and the core's decision to a {@code
 * CheckResponse}.
 */
public final class CheckMapping {
  private static final int GRPC_OK = 0;
  private static final int GRPC_PERMISSION_DENIED = 7;
  private static final int GRPC_UNAUTHENTICATED = 16;
  private static final com.google.rpc.Status OK_STATUS =
      com.google.rpc.Status.newBuilder().setCode(GRPC_OK).build();

  /** An allow that changes nothing upstream: the same message every time. */
  private static final CheckResponse PLAIN_ALLOW =
      CheckResponse.newBuilder()
          .setStatus(OK_STATUS)
          .setOkResponse(OkHttpResponse.getDefaultInstance())
          .build();

  private CheckMapping() {}

  public static CheckInput toCore(CheckRequest request) {
    AttributeContext attributes = request.getAttributes();
    AttributeContext.HttpRequest http = attributes.getRequest().getHttp();
    // Envoy puts the query string in `path` (its `query` field stays empty).
    String target = http.getPath();
    int question = target.indexOf('?');
    String path = question < 0 ? target : target.substring(0, question);
    String query = question < 0 ? http.getQuery() : target.substring(question + 1);
    // A built message's map never changes: the core takes it without a copy.
    Map<String, String> headers = FrozenMap.of(http.getHeadersMap());
    String host =
        !http.getHost().isEmpty() ? http.getHost() : headers.getOrDefault(":authority", "");
    String method =
        !http.getMethod().isEmpty() ? http.getMethod() : headers.getOrDefault(":method", "");
    Optional<String> requestId =
        !http.getId().isEmpty()
            ? Optional.of(http.getId())
            : Optional.ofNullable(headers.get("x-request-id"));
    AttributeContext.Peer source = attributes.getSource();
    return new CheckInput(
        new HttpAttributes(method, host, path, query, headers, http.getScheme(), requestId),
        new PeerAttributes(
            address(source.getAddress()),
            source.getPrincipal().isEmpty()
                ? Optional.empty()
                : Optional.of(source.getPrincipal())),
        FrozenMap.of(attributes.getContextExtensionsMap()));
  }

  private static String address(Address address) {
    if (!address.hasSocketAddress()) {
      return "";
    }
    return address.getSocketAddress().getAddress()
        + ":"
        + address.getSocketAddress().getPortValue();
  }

  public static CheckResponse toProto(Decision decision) {
    if (decision.allowed()) {
      return allow(decision);
    }
    CheckResponse.Builder response = CheckResponse.newBuilder();
    DeniedHttpResponse.Builder denied =
        DeniedHttpResponse.newBuilder()
            .setStatus(HttpStatus.newBuilder().setCodeValue(decision.httpStatus()))
            .setBody(decision.body());
    for (Decision.Header header : decision.responseHeaders()) {
      denied.addHeaders(header(header));
    }
    int code = decision.httpStatus() == 401 ? GRPC_UNAUTHENTICATED : GRPC_PERMISSION_DENIED;
    return response
        .setStatus(
            com.google.rpc.Status.newBuilder().setCode(code).setMessage(decision.reason().code()))
        .setDeniedResponse(denied)
        .build();
  }

  private static CheckResponse allow(Decision decision) {
    List<Decision.Header> upstream = decision.upstreamHeaders();
    List<String> remove = decision.headersToRemove();
    Map<String, Object> dynamicMetadata = decision.dynamicMetadata();
    if (upstream.isEmpty()
        && remove.isEmpty()
        && dynamicMetadata.isEmpty()
        && decision.responseHeaders().isEmpty()) {
      return PLAIN_ALLOW;
    }
    OkHttpResponse.Builder ok = OkHttpResponse.newBuilder();
    for (int i = 0; i < upstream.size(); i++) {
      ok.addHeaders(header(upstream.get(i)));
    }
    for (int i = 0; i < remove.size(); i++) {
      ok.addHeadersToRemove(remove.get(i));
    }
    for (Decision.Header header : decision.responseHeaders()) {
      ok.addResponseHeadersToAdd(header(header));
    }
    CheckResponse.Builder response =
        CheckResponse.newBuilder().setStatus(OK_STATUS).setOkResponse(ok);
    if (!dynamicMetadata.isEmpty()) {
      Struct.Builder metadata = Struct.newBuilder();
      for (Map.Entry<String, Object> entry : dynamicMetadata.entrySet()) {
        metadata.putFields(
            entry.getKey(),
            Value.newBuilder().setStringValue(String.valueOf(entry.getValue())).build());
      }
      response.setDynamicMetadata(metadata);
    }
    return response.build();
  }

  private static HeaderValueOption header(Decision.Header header) {
    return HeaderValueOption.newBuilder()
        .setHeader(HeaderValue.newBuilder().setKey(header.name()).setValue(header.value()))
        .setAppendAction(
            header.overwrite()
                ? HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD
                : HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD)
        .build();
  }
}
