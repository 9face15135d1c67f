package io.attache.controlplane.translate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Versions derived from content: one per resource (a SHA-256 of its deterministic encoding), and
 * one per resource type, derived from its resources' versions. A type's version is a sum of its
 * resources' versions (each read as two 64-bit numbers), so it does not depend on their order and a
 * publisher can update it for the resources that changed alone: taking one resource's old version
 * out and adding its new one costs the same at 50,000 resources as at 10, where hashing every
 * version in order grew with the type.
 */
public final class ContentVersion {
  private static final int SPLIT_VIRTUAL_HOSTS = 64;
  // By identity (weak keys): messages are immutable, and hashing a key by content would cost
  // what the digest does.
  private static final Cache<VirtualHost, byte[]> HOST_DIGESTS =
      Caffeine.newBuilder().weakKeys().executor(Runnable::run).build(); // upkeep on the caller

  // One per instance: looking a digest up per resource cost as much as hashing a small one.
  private final MessageDigest resourceDigest = sha256();
  private byte[] buffer = new byte[0]; // grown by of(), so that sums carry none
  private long high;
  private long low;

  /**
   * The first 32 hex digits of a SHA-256 over the deterministic encoding of {@code resource}; for a
   * RouteConfiguration of many virtual hosts, over the encoding of the rest of it followed by each
   * virtual host's SHA-256, in order.
   */
  public String of(Message resource) {
    byte[] digest =
        resource instanceof RouteConfiguration config
                && config.getVirtualHostsCount() > SPLIT_VIRTUAL_HOSTS
            ? routesDigest(config)
            : digest(resource);
    return HexFormat.of().formatHex(digest, 0, 16);
  }

  /**
   * One Gateway port's routes can be a single resource of tens of megabytes (50,000 hostnames):
   * encoded and hashed whole, it took 200 ms on one core after every change to any route. Its
   * virtual hosts are hashed on all cores instead, each once: a virtual host a translation kept
   * (the very object) has its digest remembered for as long as it lives.
   */
  private byte[] routesDigest(RouteConfiguration config) {
    List<byte[]> hosts =
        Parallel.mapSlices(
            config.getVirtualHostsList(),
            () -> {
              ContentVersion slice = new ContentVersion();
              return host -> HOST_DIGESTS.get(host, slice::digest);
            });
    byte[] rest = digest(config.toBuilder().clearVirtualHosts().build());
    resourceDigest.update(rest);
    hosts.forEach(resourceDigest::update);
    return resourceDigest.digest();
  }

  private byte[] digest(Message resource) {
    // One buffer per instance, grown as needed: an array per resource was a fifth of what a full
    // translation allocated (a 4 KiB stream buffer per resource cost more than the hash).
    int size = resource.getSerializedSize();
    if (buffer.length < size) {
      buffer = new byte[Math.max(size, Math.max(1024, buffer.length * 2))];
    }
    CodedOutputStream out = CodedOutputStream.newInstance(buffer, 0, size);
    out.useDeterministicSerialization();
    try {
      resource.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.checkNoSpaceLeft();
    resourceDigest.update(buffer, 0, size);
    return resourceDigest.digest();
  }

  /**
   * Each resource's version ({@link #of}), in order; many are encoded and hashed on all cores,
   * since at 50,000 Services this was as long as the translation itself.
   */
  public static List<String> versions(List<? extends Message> resources) {
    return Parallel.mapSlices(resources, () -> new ContentVersion()::of);
  }

  /** Adds a resource's version ({@link #of}) to the type's. */
  public ContentVersion add(String resourceVersion) {
    high += HexFormat.fromHexDigitsToLong(resourceVersion, 0, 16);
    low += HexFormat.fromHexDigitsToLong(resourceVersion, 16, 32);
    return this;
  }

  /** Takes a resource's version out of the type's: that resource changed or is gone. */
  public ContentVersion remove(String resourceVersion) {
    high -= HexFormat.fromHexDigitsToLong(resourceVersion, 0, 16);
    low -= HexFormat.fromHexDigitsToLong(resourceVersion, 16, 32);
    return this;
  }

  /** A copy, to be changed without changing this one. */
  public ContentVersion copy() {
    ContentVersion copy = new ContentVersion();
    copy.high = high;
    copy.low = low;
    return copy;
  }

  /** 16 hex digits of the type's version, from the versions added (and not removed). */
  public String value() {
    return HexFormat.of().toHexDigits(high ^ Long.rotateLeft(low, 29));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
