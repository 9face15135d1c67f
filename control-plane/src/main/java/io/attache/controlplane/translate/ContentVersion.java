package io.attache.controlplane.translate;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Versions derived from content: one per resource (a SHA-256 of its deterministic encoding), and
 * one per resource type, derived from its resources' versions in order. A type's version is thus a
 * hash of short strings: a publisher that remembers the versions of the resources it already had
 * hashes only those that changed, where hashing every encoding of 10,000 load assignments took tens
 * of milliseconds per endpoint change.
 */
public final class ContentVersion {
  private final MessageDigest digest = sha256();
  // One per instance: looking a digest up per resource cost as much as hashing a small one.
  private final MessageDigest resourceDigest = sha256();

  /** The first 32 hex digits of a SHA-256 over the deterministic encoding of {@code resource}. */
  public String of(Message resource) {
    // Exactly sized: a 4 KiB stream buffer per resource cost more than the hash.
    byte[] bytes = new byte[resource.getSerializedSize()];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.useDeterministicSerialization();
    try {
      resource.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.checkNoSpaceLeft();
    return HexFormat.of().formatHex(resourceDigest.digest(bytes), 0, 16);
  }

  /** Adds the next resource's version ({@link #of}) of the type. */
  public ContentVersion add(String resourceVersion) {
    digest.update(resourceVersion.getBytes(StandardCharsets.US_ASCII));
    digest.update((byte) '\n');
    return this;
  }

  /** The first 16 hex digits of a SHA-256 over the versions added. */
  public String value() {
    return HexFormat.of().formatHex(digest.digest(), 0, 8);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
