package io.attache.controlplane.accesslog;

import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.attache.events.AccessLog;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.RequestMethod;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.data.accesslog.v3.AccessLogCommon;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPAccessLogEntry;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPRequestProperties;
import io.envoyproxy.envoy.data.accesslog.v3.HTTPResponseProperties;
import io.envoyproxy.envoy.data.accesslog.v3.ResponseFlags;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Turns Envoy's HTTP access log entries (ALS v3) into {@link AccessLog} events. Pure. */
public final class AccessLogEntries {
  private AccessLogEntries() {}

  public static AccessLog toEvent(String logName, Optional<String> node, HTTPAccessLogEntry entry) {
    AccessLogCommon common = entry.getCommonProperties();
    HTTPRequestProperties request = entry.getRequest();
    HTTPResponseProperties response = entry.getResponse();
    return new AccessLog(
        logName,
        node,
        common.hasStartTime() ? rfc3339(common.getStartTime()) : Optional.empty(),
        method(request.getRequestMethod()),
        request.getAuthority(),
        withoutQuery(request.getPath()),
        protocol(entry.getProtocolVersion()),
        response.hasResponseCode() ? status(response.getResponseCode().getValue()) : 0,
        common.hasTimeToLastDownstreamTxByte()
            ? micros(common.getTimeToLastDownstreamTxByte())
            : OptionalLong.empty(),
        request.getRequestBodyBytes(),
        response.getResponseBodyBytes(),
        address(common.getDownstreamRemoteAddress()),
        nonEmpty(common.getUpstreamCluster()),
        address(common.getUpstreamRemoteAddress()),
        nonEmpty(common.getRouteName()),
        nonEmpty(request.getRequestId()),
        nonEmpty(request.getUserAgent()),
        common.hasResponseFlags() ? flags(common.getResponseFlags()) : Optional.empty());
  }

  /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: google.protobuf.Timestamp's valid range. */
  private static final long MIN_SECONDS = -62_135_596_800L;

  private static final long MAX_SECONDS = 253_402_300_799L;

  /**
   * RFC 3339 in UTC, e.g. {@code 2026-11-26T17:00:00.123Z}; none for a timestamp outside the range
   * its protobuf type allows (a year past 9999 has no four-digit RFC 3339 form).
   */
  static Optional<String> rfc3339(Timestamp timestamp) {
    long seconds = timestamp.getSeconds();
    int nanos = timestamp.getNanos();
    if (seconds < MIN_SECONDS || seconds > MAX_SECONDS || nanos < 0 || nanos > 999_999_999) {
      return Optional.empty();
    }
    return Optional.of(Instant.ofEpochSecond(seconds, nanos).toString());
  }

  /**
   * Envoy logs the whole {@code :path}, query included; the query can carry a credential ({@code
   * ?api_key=}, {@code ?access_token=}, which policies may read), and no event may hold one.
   */
  static String withoutQuery(String path) {
    int question = path.indexOf('?');
    return question < 0 ? path : path.substring(0, question);
  }

  /** 10,000 years: google.protobuf.Duration's valid range. */
  private static final long MAX_DURATION_SECONDS = 315_576_000_000L;

  /**
   * A duration in microseconds; none for a negative one (no request ends before it starts) or one
   * outside the range its protobuf type allows.
   */
  static OptionalLong micros(Duration duration) {
    long seconds = duration.getSeconds();
    int nanos = duration.getNanos();
    if (seconds < 0 || nanos < 0 || nanos > 999_999_999 || seconds > MAX_DURATION_SECONDS) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(seconds * 1_000_000L + nanos / 1_000);
  }

  static String method(RequestMethod method) {
    return method == RequestMethod.METHOD_UNSPECIFIED || method == RequestMethod.UNRECOGNIZED
        ? ""
        : method.name();
  }

  static String protocol(HTTPAccessLogEntry.HTTPVersion version) {
    return switch (version) {
      case HTTP10 -> "HTTP/1.0";
      case HTTP11 -> "HTTP/1.1";
      case HTTP2 -> "HTTP/2";
      case HTTP3 -> "HTTP/3";
      default -> "";
    };
  }

  /** {@code ip:port} ({@code [ip]:port} for IPv6), a pipe's path, or absent. */
  static Optional<String> address(Address address) {
    if (address.hasSocketAddress()) {
      SocketAddress socket = address.getSocketAddress();
      String host =
          socket.getAddress().contains(":") ? "[" + socket.getAddress() + "]" : socket.getAddress();
      return Optional.of(socket.hasPortValue() ? host + ":" + socket.getPortValue() : host);
    }
    if (address.hasPipe()) {
      return Optional.of(address.getPipe().getPath());
    }
    return Optional.empty();
  }

  /** Envoy's short codes ({@code %RESPONSE_FLAGS%}), comma-separated; absent when none is set. */
  static Optional<String> flags(ResponseFlags flags) {
    List<String> codes = new ArrayList<>();
    add(codes, flags.getFailedLocalHealthcheck(), "LH");
    add(codes, flags.getNoHealthyUpstream(), "UH");
    add(codes, flags.getUpstreamRequestTimeout(), "UT");
    add(codes, flags.getLocalReset(), "LR");
    add(codes, flags.getUpstreamRemoteReset(), "UR");
    add(codes, flags.getUpstreamConnectionFailure(), "UF");
    add(codes, flags.getUpstreamConnectionTermination(), "UC");
    add(codes, flags.getUpstreamOverflow(), "UO");
    add(codes, flags.getNoRouteFound(), "NR");
    add(codes, flags.getDelayInjected(), "DI");
    add(codes, flags.getFaultInjected(), "FI");
    add(codes, flags.getRateLimited(), "RL");
    add(codes, flags.hasUnauthorizedDetails(), "UAEX");
    add(codes, flags.getRateLimitServiceError(), "RLSE");
    add(codes, flags.getDownstreamConnectionTermination(), "DC");
    add(codes, flags.getUpstreamRetryLimitExceeded(), "URX");
    add(codes, flags.getStreamIdleTimeout(), "SI");
    add(codes, flags.getInvalidEnvoyRequestHeaders(), "IH");
    add(codes, flags.getDownstreamProtocolError(), "DPE");
    add(codes, flags.getUpstreamMaxStreamDurationReached(), "UMSDR");
    add(codes, flags.getResponseFromCacheFilter(), "RFCF");
    add(codes, flags.getNoFilterConfigFound(), "NFCF");
    add(codes, flags.getDurationTimeout(), "DT");
    add(codes, flags.getUpstreamProtocolError(), "UPE");
    add(codes, flags.getNoClusterFound(), "NC");
    add(codes, flags.getOverloadManager(), "OM");
    add(codes, flags.getDnsResolutionFailure(), "DF");
    add(codes, flags.getDownstreamRemoteReset(), "DR");
    return codes.isEmpty() ? Optional.empty() : Optional.of(String.join(",", codes));
  }

  private static void add(List<String> codes, boolean set, String code) {
    if (set) {
      codes.add(code);
    }
  }

  private static Optional<String> nonEmpty(String value) {
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
  }

  /**
   * The status sent downstream, or 0 for none: a uint32 outside 100..599 is no HTTP status (RFC
   * 9110 section 15; read as a Java int, one past 2^31 is negative) and the published schema allows
   * none.
   */
  static int status(int code) {
    return code >= 100 && code <= 599 ? code : 0;
  }
}
