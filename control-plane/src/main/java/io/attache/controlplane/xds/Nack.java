package io.attache.controlplane.xds;

import java.time.Instant;
import java.util.Optional;

/**
 * A client's rejection of one response: who rejected it, which type and version, and the client's
 * reason. The client keeps its previous configuration of that type.
 *
 * @param rejectedVersion the version of the response the client rejected; empty when the nonce
 *     named no response we remember (e.g. one sent before a reconnect)
 */
public record Nack(
    String nodeId,
    String group,
    XdsType type,
    Optional<String> rejectedVersion,
    String nonce,
    String message,
    Instant at) {}
