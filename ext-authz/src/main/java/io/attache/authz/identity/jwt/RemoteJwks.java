package io.attache.authz.identity.jwt;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.attache.runtime.DaemonThreads;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keys fetched from a JWKS URL, or from the {@code jwks_uri} an OpenID Connect issuer advertises at
 * {@code /.well-known/openid-configuration}.
 *
 * <p>All network I/O happens on one background thread: a refresh every {@code refreshInterval}
 * (sooner, every {@code minRefetchInterval}, while fetches fail), plus a refetch when a token names
 * a {@code kid} we do not know, which is how a rotated-in key is picked up. That refetch is
 * rate-limited to one per {@code minRefetchInterval} counting every fetch, so tokens with made-up
 * kids cannot turn us into a load generator against the identity provider. The last good key set is
 * kept and served while the endpoint is down. {@link #lookup} never waits: before the first
 * successful fetch it answers {@link KeySource.Lookup.Unavailable}.
 */
public final class RemoteJwks implements KeySource, AutoCloseable {
  private static final AttributeKey<String> URL = AttributeKey.stringKey("url.full");
  private static final AttributeKey<Long> KEYS = AttributeKey.longKey("jwks.keys");
  private static final Logger log = LoggerFactory.getLogger(RemoteJwks.class);
  private static final long NEVER = Long.MIN_VALUE;
  static final int MAX_DOCUMENT_BYTES = 512 * 1024;

  private final Location location;
  private final Duration refreshInterval;
  private final Duration minRefetchInterval;
  private final Duration requestTimeout;
  private final boolean allowHttp;
  private final HttpClient http;
  private final Clock clock;
  private final ScheduledExecutorService fetcher;
  private final AtomicReference<KeySet> current = new AtomicReference<>();
  private final AtomicLong lastFetchStartMillis = new AtomicLong(NEVER);
  private final AtomicLong successes = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final CountDownLatch firstKeys = new CountDownLatch(1);
  // Only the fetcher thread touches these two.
  private Optional<URI> discoveredJwksUri = Optional.empty();
  private boolean failing;
  private final Tracer tracer;

  private RemoteJwks(Builder builder) {
    this.location = builder.location;
    this.refreshInterval = builder.refreshInterval;
    this.minRefetchInterval = builder.minRefetchInterval;
    this.requestTimeout = builder.requestTimeout;
    this.allowHttp = builder.allowHttp;
    this.http =
        builder.http != null
            ? builder.http
            : HttpClient.newBuilder()
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    this.clock = builder.clock;
    this.tracer = builder.tracer;
    this.fetcher = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("jwks-fetcher"));
  }

  /** Keys from a JWKS document at {@code jwksUri}. */
  public static Builder fromJwksUri(URI jwksUri) {
    return new Builder(new Location(jwksUri, false));
  }

  /**
   * Keys from the {@code jwks_uri} of OpenID Connect discovery for {@code issuer}; the discovery
   * document must name the same issuer.
   */
  public static Builder fromIssuer(URI issuer) {
    return new Builder(new Location(issuer, true));
  }

  @Override
  public Lookup lookup(Optional<String> kid, SignatureAlgorithm algorithm) {
    KeySet keys = current.get();
    if (keys == null) {
      return new Lookup.Unavailable("no keys fetched yet from " + location.uri());
    }
    Lookup found = keys.lookup(kid, algorithm);
    if (found instanceof Lookup.Unknown || !keys.knowsKid(kid)) {
      refetchSoon();
    }
    return found;
  }

  /**
   * Waits until the first key set has been fetched, for startup and tests; never called on the
   * request path.
   *
   * @return whether keys are loaded; false on timeout or interrupt
   */
  public boolean awaitFirstKeys(Duration timeout) {
    try {
      return firstKeys.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The keys in use, if any were ever fetched. */
  public Optional<KeySet> keys() {
    return Optional.ofNullable(current.get());
  }

  public long fetchSuccesses() {
    return successes.get();
  }

  public long fetchFailures() {
    return failures.get();
  }

  @Override
  public void close() {
    fetcher.shutdownNow();
  }

  private RemoteJwks start() {
    fetcher.execute(this::scheduledFetch);
    return this;
  }

  /**
   * Asks for a fetch unless one started within {@code minRefetchInterval}; returns at once. The
   * compare-and-set lets exactly one of many concurrent callers through.
   */
  private void refetchSoon() {
    long now = clock.millis();
    long last = lastFetchStartMillis.get();
    if (last != NEVER && now - last < minRefetchInterval.toMillis()) {
      return;
    }
    if (!lastFetchStartMillis.compareAndSet(last, now)) {
      return;
    }
    try {
      fetcher.execute(this::fetch);
    } catch (RejectedExecutionException e) {
      log.debug("JWKS refetch not started: {} is closed", location.uri());
    }
  }

  private void scheduledFetch() {
    lastFetchStartMillis.set(clock.millis());
    boolean ok = fetch();
    Duration next = ok ? refreshInterval : retryInterval();
    try {
      fetcher.schedule(this::scheduledFetch, next.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      log.debug("JWKS refresh stopped: {} is closed", location.uri());
    }
  }

  private Duration retryInterval() {
    return minRefetchInterval.compareTo(refreshInterval) < 0 ? minRefetchInterval : refreshInterval;
  }

  /**
   * One fetch; true if it produced a usable key set. Runs on the fetcher thread only, as a {@code
   * JWKS fetch} client span of its own (it belongs to no request).
   */
  private boolean fetch() {
    Span span =
        tracer
            .spanBuilder("JWKS fetch")
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(URL, location.uri().toString())
            .startSpan();
    try {
      boolean ok = fetchOnce(span);
      if (!ok) {
        span.setStatus(StatusCode.ERROR);
      }
      return ok;
    } finally {
      span.end();
    }
  }

  private boolean fetchOnce(Span span) {
    try {
      URI jwksUri = jwksUri();
      KeySet keys = download(jwksUri);
      install(jwksUri, keys);
      span.setAttribute(KEYS, (long) keys.keys().size());
      return true;
    } catch (IOException e) {
      return failed(e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (RuntimeException e) {
      // Not expected; logged with its stack so it can be fixed, and the old keys stay.
      log.error("JWKS fetch for {} failed unexpectedly", location.uri(), e);
      return failed(e.toString());
    }
  }

  private KeySet download(URI jwksUri) throws IOException, InterruptedException {
    KeySet keys;
    try {
      keys = KeySet.parse(get(jwksUri));
    } catch (IllegalArgumentException e) {
      throw new IOException(jwksUri + ": " + e.getMessage());
    }
    if (keys.isEmpty()) {
      throw new IOException(
          jwksUri + " has no usable signature key: " + String.join("; ", keys.skipped()));
    }
    return keys;
  }

  private void install(URI jwksUri, KeySet keys) {
    KeySet previous = current.getAndSet(keys);
    successes.incrementAndGet();
    firstKeys.countDown();
    if (failing || previous == null || !kids(previous).equals(kids(keys))) {
      log.info("JWKS from {}: {} key(s), kids {}", jwksUri, keys.keys().size(), kids(keys));
      keys.skipped().forEach(why -> log.warn("JWKS from {}: key passed over, {}", jwksUri, why));
    }
    failing = false;
  }

  private boolean failed(String why) {
    failures.incrementAndGet();
    // The endpoint may stay down for hours: warn when it goes down, not on every retry.
    String keeping = current.get() == null ? "no keys yet" : "keeping the last good keys";
    if (failing) {
      log.debug("JWKS fetch for {} failed again ({}): {}", location.uri(), keeping, why);
    } else {
      log.warn("JWKS fetch for {} failed ({}): {}", location.uri(), keeping, why);
    }
    failing = true;
    if (location.discover()) {
      // The provider may have moved its keys; ask discovery again next time.
      discoveredJwksUri = Optional.empty();
    }
    return false;
  }

  private URI jwksUri() throws IOException, InterruptedException {
    if (!location.discover()) {
      return location.uri();
    }
    if (discoveredJwksUri.isEmpty()) {
      discoveredJwksUri = Optional.of(discover());
    }
    return discoveredJwksUri.get();
  }

  private URI discover() throws IOException, InterruptedException {
    String issuer = withoutTrailingSlash(location.uri().toString());
    URI discovery = URI.create(issuer + "/.well-known/openid-configuration");
    Map<String, Object> document;
    try {
      document = JSONObjectUtils.parse(get(discovery));
    } catch (ParseException e) {
      throw new IOException(discovery + " is not a JSON object");
    }
    if (!(document.get("issuer") instanceof String named)
        || !withoutTrailingSlash(named).equals(issuer)) {
      // OpenID Connect Discovery 1.0 section 4.3: a mismatch means the wrong provider answered.
      throw new IOException(discovery + " names another issuer");
    }
    if (!(document.get("jwks_uri") instanceof String jwks)) {
      throw new IOException(discovery + " has no jwks_uri");
    }
    URI uri;
    try {
      uri = new URI(jwks);
    } catch (java.net.URISyntaxException e) {
      throw new IOException(discovery + " has an invalid jwks_uri");
    }
    if (!"https".equals(uri.getScheme()) && !("http".equals(uri.getScheme()) && allowHttp)) {
      throw new IOException(
          discovery
              + " has a jwks_uri that is not "
              + (allowHttp ? "http(s)" : "https (http is refused unless allowHttp is set)"));
    }
    return uri;
  }

  private String get(URI uri) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(requestTimeout)
            .header("Accept", "application/json")
            .GET()
            .build();
    HttpResponse<InputStream> response =
        http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException("HTTP " + response.statusCode() + " from " + uri);
      }
      byte[] bytes = body.readNBytes(MAX_DOCUMENT_BYTES + 1);
      if (bytes.length > MAX_DOCUMENT_BYTES) {
        throw new IOException(uri + " answered more than " + MAX_DOCUMENT_BYTES + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private static List<String> kids(KeySet keys) {
    return keys.keys().stream().map(k -> k.kid().orElse("(none)")).toList();
  }

  private static String withoutTrailingSlash(String uri) {
    return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
  }

  /** A JWKS URL, or an issuer whose discovery document names one. */
  private record Location(URI uri, boolean discover) {}

  /** Defaults: refresh every 5 minutes, refetch at most every 30 seconds, 5 second requests. */
  public static final class Builder {
    private final Location location;
    private Duration refreshInterval = Duration.ofMinutes(5);
    private Duration minRefetchInterval = Duration.ofSeconds(30);
    private Duration requestTimeout = Duration.ofSeconds(5);
    private HttpClient http;
    private Clock clock = Clock.systemUTC();
    private Tracer tracer = OpenTelemetry.noop().getTracer("io.attache");

    private boolean allowHttp;

    private Builder(Location location) {
      Objects.requireNonNull(location.uri(), "uri");
      String scheme = location.uri().getScheme();
      if (!"https".equals(scheme) && !"http".equals(scheme)) {
        throw new IllegalArgumentException("not an http(s) URL: " + location.uri());
      }
      this.location = location;
    }

    /**
     * Whether plain {@code http://} URLs may be fetched (the configured one, or a discovered {@code
     * jwks_uri}). Off by default: keys fetched in the clear can be replaced in transit by anyone on
     * the path, and with them every token's signature is forgeable.
     */
    public Builder allowHttp(boolean allowHttp) {
      this.allowHttp = allowHttp;
      return this;
    }

    public Builder refreshInterval(Duration refreshInterval) {
      this.refreshInterval = positive("refreshInterval", refreshInterval);
      return this;
    }

    /** The shortest time between two fetches that an unknown kid may cause. */
    public Builder minRefetchInterval(Duration minRefetchInterval) {
      this.minRefetchInterval = positive("minRefetchInterval", minRefetchInterval);
      return this;
    }

    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = positive("requestTimeout", requestTimeout);
      return this;
    }

    public Builder httpClient(HttpClient http) {
      this.http = Objects.requireNonNull(http, "http");
      return this;
    }

    /** The clock that rate-limits refetches. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where each fetch is recorded as a span. */
    public Builder tracer(Tracer tracer) {
      this.tracer = Objects.requireNonNull(tracer, "tracer");
      return this;
    }

    /**
     * Checks what {@link #start} would refuse, without fetching.
     *
     * @throws IllegalArgumentException for an {@code http://} URL without {@link #allowHttp}
     */
    public Builder validate() {
      if ("http".equals(location.uri().getScheme()) && !allowHttp) {
        throw new IllegalArgumentException(
            location.uri()
                + " is http://: keys fetched in the clear can be replaced in transit; use https, or"
                + " set allowHttp: true for a network you trust");
      }
      return this;
    }

    /**
     * Starts fetching in the background and returns at once.
     *
     * @throws IllegalArgumentException for an {@code http://} URL without {@link #allowHttp}
     */
    public RemoteJwks start() {
      return new RemoteJwks(validate()).start();
    }

    private static Duration positive(String name, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + ": must be positive, was " + value);
      }
      return value;
    }
  }
}
