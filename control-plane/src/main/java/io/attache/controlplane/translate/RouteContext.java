package io.attache.controlplane.translate;

import java.util.Optional;

/**
 * What routes of one virtual host are built with: the TrafficPolicies, the filter attachments, and
 * the Gateway ({@code namespace/name}) whose listener serves them — empty for a proxyless client's
 * API listener, which gets no ext_authz or ratelimit filter (gRPC clients support neither).
 *
 * @param listener the Gateway port (number and protocol) the routes are served on, which redirects
 *     without a port of their own use; empty for an API listener
 */
record RouteContext(
    TrafficPolicies policies,
    FilterAttachments filters,
    Optional<String> gateway,
    Optional<RouteAttachments.GatewayPort> listener) {}
