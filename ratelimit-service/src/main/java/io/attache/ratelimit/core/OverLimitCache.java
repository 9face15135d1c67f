package io.attache.ratelimit.core;

/**
 * The near cache ({@code LOCAL_CACHE_SIZE_IN_BYTES}): counters known to be over their limit, kept
 * until their window ends, so repeat offenders are answered without a store round trip.
 */
public interface OverLimitCache {
  boolean isOverLimit(String counterKey);

  void markOverLimit(String counterKey, long expiresAtEpochSecond);

  OverLimitCache NONE =
      new OverLimitCache() {
        @Override
        public boolean isOverLimit(String counterKey) {
          return false;
        }

        @Override
        public void markOverLimit(String counterKey, long expiresAtEpochSecond) {}
      };
}
