package io.attache.authz.identity.jwt;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the keys that verify tokens come from. Implementations answer from memory and never block:
 * {@link #lookup} runs on the request path.
 */
public interface KeySource {

  /**
   * The keys that may have signed a token with this {@code kid} (empty: the token names none, so
   * every key that fits the algorithm is a candidate) and algorithm.
   */
  Lookup lookup(Optional<String> kid, SignatureAlgorithm algorithm);

  /** The answer to one lookup. */
  sealed interface Lookup {
    /** Candidates to try in order; never empty. */
    record Found(List<VerificationKey> keys) implements Lookup {
      public Found {
        keys = List.copyOf(keys);
        if (keys.isEmpty()) {
          throw new IllegalArgumentException("Found needs at least one key");
        }
      }
    }

    /** Keys are loaded, but none fits this kid and algorithm. */
    record Unknown() implements Lookup {}

    /** No keys have been loaded yet, so nothing can be verified. */
    record Unavailable(String why) implements Lookup {
      public Unavailable {
        Objects.requireNonNull(why, "why");
      }
    }
  }
}
