package io.attache.ratelimit.core;

/** Service-wide counters: the reference's {@code should_rate_limit.*} and ours. */
public interface ServiceStats {
  void storeError();

  void serviceError();

  ServiceStats NONE =
      new ServiceStats() {
        @Override
        public void storeError() {}

        @Override
        public void serviceError() {}
      };
}
