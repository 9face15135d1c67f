package io.attache.ratelimit.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.attache.ratelimit.core.Code;
import io.attache.ratelimit.core.RateLimitResponse;
import io.attache.ratelimit.core.RateLimitService;
import io.attache.ratelimit.grpc.ProtoMapping;
import io.attache.runtime.AdminServer;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionException;

/**
 * The reference's debugging endpoint {@code POST /json}: a {@code RateLimitRequest} in proto3 JSON,
 * answered with the {@code RateLimitResponse} in JSON, status 200 when OK and 429 when over the
 * limit. As the reference's {@code NewJsonHandler}, any error of the call (a malformed request, no
 * configuration, the counter store unreachable) is a 400.
 */
public final class JsonEndpoint implements AdminServer.Handler {
  private final RateLimitService service;

  public JsonEndpoint(RateLimitService service) {
    this.service = service;
  }

  @Override
  public AdminServer.Response handle(String method, byte[] body) {
    if (!"POST".equals(method)) {
      return AdminServer.Response.text(405, "POST a RateLimitRequest as JSON\n");
    }
    RateLimitRequest.Builder request = RateLimitRequest.newBuilder();
    try {
      JsonFormat.parser().merge(new String(body, StandardCharsets.UTF_8), request);
    } catch (InvalidProtocolBufferException e) {
      return AdminServer.Response.text(400, "bad request: " + e.getMessage() + "\n");
    }
    RateLimitResponse response;
    try {
      response =
          service
              .shouldRateLimit(ProtoMapping.toCore(request.build(), Optional.empty()))
              .toCompletableFuture()
              .join();
    } catch (CompletionException e) {
      return AdminServer.Response.text(400, "error: " + e.getCause().getMessage() + "\n");
    }
    try {
      String json = JsonFormat.printer().print(ProtoMapping.toProto(response));
      return new AdminServer.Response(
          response.overallCode() == Code.OVER_LIMIT ? 429 : 200, "application/json", json);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
