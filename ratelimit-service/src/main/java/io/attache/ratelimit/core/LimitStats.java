package io.attache.ratelimit.core;

/**
 * The reference service's per-limit statistics, keyed by its stat name ({@code domain.key_value}).
 * Implementations must be cheap: they are called on every request.
 */
public interface LimitStats {
  void totalHits(String statsKey, long hits);

  void overLimit(String statsKey, long hits);

  void nearLimit(String statsKey, long hits);

  void withinLimit(String statsKey, long hits);

  void shadowMode(String statsKey, long hits);

  void overLimitWithLocalCache(String statsKey, long hits);

  /** A request for a domain no configuration defines. */
  void domainNotFound(String domain);

  /** Global shadow mode turned an OVER_LIMIT answer into OK. */
  void globalShadowMode();

  LimitStats NONE =
      new LimitStats() {
        @Override
        public void totalHits(String statsKey, long hits) {}

        @Override
        public void overLimit(String statsKey, long hits) {}

        @Override
        public void nearLimit(String statsKey, long hits) {}

        @Override
        public void withinLimit(String statsKey, long hits) {}

        @Override
        public void shadowMode(String statsKey, long hits) {}

        @Override
        public void overLimitWithLocalCache(String statsKey, long hits) {}

        @Override
        public void domainNotFound(String domain) {}

        @Override
        public void globalShadowMode() {}
      };
}
