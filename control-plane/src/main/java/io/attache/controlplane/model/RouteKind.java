package io.attache.controlplane.model;

import java.util.Set;

/**
 * The Gateway API route kinds the control plane serves: HTTPRoutes and GRPCRoutes ride on HTTP and
 * HTTPS listeners, TLSRoutes (passthrough, by SNI) on TLS listeners, TCPRoutes on TCP listeners.
 */
public enum RouteKind {
  HTTP("HTTPRoute"),
  GRPC("GRPCRoute"),
  TLS("TLSRoute"),
  TCP("TCPRoute");

  /** What an HTTP or HTTPS listener carries unless {@code allowedRoutes.kinds} narrows it. */
  public static final Set<RouteKind> ON_HTTP = Set.of(HTTP, GRPC);

  private final String kindName;

  RouteKind(String kindName) {
    this.kindName = kindName;
  }

  /** Whether its routes take whole connections (TLS passthrough, TCP) rather than requests. */
  public boolean streams() {
    return this == TLS || this == TCP;
  }

  /** The kind as the API names it: {@code HTTPRoute}, {@code GRPCRoute}. */
  public String kindName() {
    return kindName;
  }
}
