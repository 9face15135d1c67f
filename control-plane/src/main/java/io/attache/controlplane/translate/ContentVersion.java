package io.attache.controlplane.translate;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Versions derived from content: one per resource (a SHA-256 of its deterministic encoding), and
 * one per resource type, derived from its resources' versions. A type's version is a sum of its
 * resources' versions (each read as two 64-bit numbers), so it does not depend on their order and a
 * publisher can update it for the resources that changed alone: taking one resource's old version
 * out and adding its new one costs the same at 50,000 resources as at 10, where hashing every
 * version in order grew with the type.
 */
public final class ContentVersion {
  // One per instance: looking a digest up per resource cost as much as hashing a small one.
  private final MessageDigest resourceDigest = sha256();
  private long high;
  private long low;

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
