package io.attache.ratelimit.store;

import java.time.Duration;
import java.util.Objects;

/**
 * The reference's Redis variables.
 *
 * @param type {@code REDIS_TYPE}: single, sentinel or cluster
 * @param url {@code REDIS_URL}: {@code host:port} or a socket path (single); {@code
 *     master,host:port,...} (sentinel); {@code host:port,host:port} (cluster)
 * @param socketType {@code REDIS_SOCKET_TYPE}: tcp or unix
 * @param auth {@code REDIS_AUTH}: {@code password} or {@code user:password}; empty for none
 * @param tls {@code REDIS_TLS} and its files
 * @param poolSize {@code REDIS_POOL_SIZE}: connections, each multiplexing many calls
 * @param timeout {@code REDIS_TIMEOUT}: per call; past it the call fails per the failure mode
 */
public record RedisSettings(
    Type type,
    String url,
    SocketType socketType,
    String auth,
    RedisTls tls,
    int poolSize,
    Duration timeout) {

  /** {@code REDIS_TYPE}. */
  public enum Type {
    SINGLE,
    SENTINEL,
    CLUSTER
  }

  /** {@code REDIS_SOCKET_TYPE}. */
  public enum SocketType {
    TCP,
    UNIX
  }

  public RedisSettings {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(socketType, "socketType");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(timeout, "timeout");
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize must be at least 1");
    }
  }
}
