package io.attache.bench.jmh;

import com.google.rpc.Status;
import io.attache.authz.app.JwtPolicyFactory;
import io.attache.authz.app.LocalPolicyParser;
import io.attache.authz.decision.Authorizer;
import io.attache.authz.decision.AuthzService;
import io.attache.authz.grpc.AuthorizationGrpcService;
import io.attache.authz.policy.AuthPolicy;
import io.attache.authz.policy.PolicyParser;
import io.attache.bench.servers.Fixtures;
import io.attache.events.EventSink;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.grpc.stub.StreamObserver;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The ext-authz {@code Check} as the gRPC server runs it, minus the network: the request's bytes
 * parsed (as the server's marshaller does, so lazily decoded strings and the header map cost what
 * they cost there), the service method called with a trivial observer, on the same fixture policies
 * and Envoy-shaped requests as {@code bin/bench run}'s authz scenarios. The baseline parses and
 * answers a prebuilt OK, as the no-op server does; the difference is what the service adds per
 * call. Run with {@code -prof gc} for bytes per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ExtAuthzCheckBenchmark {
  private static final CheckResponse OK =
      CheckResponse.newBuilder()
          .setStatus(Status.newBuilder().setCode(0))
          .setOkResponse(OkHttpResponse.getDefaultInstance())
          .build();

  private AuthorizationGrpcService service;
  private JwtPolicyFactory jwtFactory;
  private LocalPolicyParser localParser;
  private final Observer observer = new Observer();
  private byte[] apiKey;
  private byte[] jwt;
  private byte[] cel;

  /** Keeps the last answer, so nothing of the call is dead code. */
  static final class Observer implements StreamObserver<CheckResponse> {
    CheckResponse last;

    @Override
    public void onNext(CheckResponse value) {
      last = value;
    }

    @Override
    public void onError(Throwable t) {
      throw new IllegalStateException(t);
    }

    @Override
    public void onCompleted() {}
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    KeyPair keys = Fixtures.rsaKeys();
    Path dir = Files.createTempDirectory("attache-jmh-authz");
    Fixtures.write(dir, keys);
    jwtFactory = new JwtPolicyFactory(Clock.systemUTC());
    // Every identity method, as the fixture policies use them all (credentials from files).
    localParser = new LocalPolicyParser(jwtFactory);
    PolicyParser parser = localParser.parser();
    List<AuthPolicy> policies =
        List.copyOf(
            parser.parse("bench.yaml", Files.readString(dir.resolve("policies/bench.yaml"))));
    service =
        new AuthorizationGrpcService(
            new AuthzService(new Authorizer(() -> policies, false), EventSink.discarding()),
            // The registry the server keeps: its Check timer is part of every call.
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    apiKey = request("/key/orders", Map.of("x-api-key", Fixtures.API_KEY));
    jwt = request("/jwt/orders", Map.of("authorization", "Bearer " + Fixtures.token(keys)));
    cel = request("/cel/orders", Map.of("x-api-key", Fixtures.API_KEY));
    for (byte[] request : List.of(apiKey, jwt, cel)) {
      service.check(CheckRequest.parseFrom(request), observer);
      if (observer.last.getStatus().getCode() != 0) {
        throw new IllegalStateException("fixture request denied: " + observer.last);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    localParser.close();
    jwtFactory.close();
  }

  /** The request {@code bin/bench}'s scenarios send, as bytes on the wire. */
  static byte[] request(String path, Map<String, String> headers) {
    return CheckRequest.newBuilder()
        .setAttributes(
            AttributeContext.newBuilder()
                .setSource(
                    AttributeContext.Peer.newBuilder()
                        .setAddress(
                            Address.newBuilder()
                                .setSocketAddress(
                                    SocketAddress.newBuilder()
                                        .setAddress("10.0.0.7")
                                        .setPortValue(41234))))
                .setRequest(
                    AttributeContext.Request.newBuilder()
                        .setHttp(
                            AttributeContext.HttpRequest.newBuilder()
                                .setId("bench")
                                .setMethod("GET")
                                .setHost("api.bench")
                                .setPath(path)
                                .setScheme("https")
                                .setProtocol("HTTP/2")
                                .putAllHeaders(headers)
                                .putHeaders(":authority", "api.bench")
                                .putHeaders(":path", path)
                                .putHeaders(":method", "GET"))))
        .build()
        .toByteArray();
  }

  @Benchmark
  public Object baselineNoop() throws Exception {
    CheckRequest request = CheckRequest.parseFrom(apiKey);
    observer.onNext(OK);
    observer.onCompleted();
    return request;
  }

  /** The same for the JWT scenario's larger request. */
  @Benchmark
  public Object baselineNoopJwtRequest() throws Exception {
    CheckRequest request = CheckRequest.parseFrom(jwt);
    observer.onNext(OK);
    observer.onCompleted();
    return request;
  }

  @Benchmark
  public Object apiKey() throws Exception {
    service.check(CheckRequest.parseFrom(apiKey), observer);
    return observer.last;
  }

  @Benchmark
  public Object jwt() throws Exception {
    service.check(CheckRequest.parseFrom(jwt), observer);
    return observer.last;
  }

  @Benchmark
  public Object cel() throws Exception {
    service.check(CheckRequest.parseFrom(cel), observer);
    return observer.last;
  }
}
