package io.attache.ratelimit.core;

import static io.attache.ratelimit.core.LimiterFixture.d;
import static org.assertj.core.api.Assertions.assertThat;

import io.attache.ratelimit.config.ConfigParser;
import io.attache.ratelimit.config.RateLimitConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Issue #25: a request whose descriptors use all three algorithms still costs one round trip. The
 * store here answers nothing until the test says so, standing in for Redis: every call must have
 * been sent before any has answered.
 */
class OneRoundTripTest {
  private final List<String> sent = new ArrayList<>();
  private final List<Runnable> answers = new ArrayList<>();

  private final CounterStore store =
      new CounterStore() {
        @Override
        public CompletionStage<long[]> increment(String[] keys, long[] hits, long[] ttls) {
          return later("increment", hits.clone());
        }

        @Override
        public CompletionStage<long[]> takeTokens(
            String[] keys, long[] hits, long[] emission, long[] capacity) {
          return later("takeTokens", new long[] {emission[0] * hits[0]});
        }

        @Override
        public CompletionStage<long[]> countSliding(
            String[] keys, long[] hits, long[] limits, long[] windows) {
          return later("countSliding", hits.clone());
        }

        @Override
        public CompletionStage<long[]> get(String[] keys) {
          return later("get", new long[keys.length]);
        }

        @Override
        public void close() {}

        private CompletionStage<long[]> later(String call, long[] value) {
          sent.add(call);
          CompletableFuture<long[]> answer = new CompletableFuture<>();
          answers.add(() -> answer.complete(value));
          return answer;
        }
      };

  @Test
  void everyAlgorithmsCallIsSentBeforeAnyAnswers() throws Exception {
    RateLimitConfig config =
        new ConfigParser(false)
            .load(
                List.of(
                    new ConfigParser.Source(
                        "config/d.yaml",
                        "domain: d\ndescriptors:\n"
                            + "  - {key: a, rate_limit: {unit: minute, requests_per_unit: 5}}\n"
                            + "  - {key: b, rate_limit: {unit: minute, requests_per_unit: 5, algorithm: token_bucket}}\n"
                            + "  - {key: c, rate_limit: {unit: minute, requests_per_unit: 5, algorithm: sliding_window}}\n")));
    RateLimiter limiter =
        new RateLimiter(
            LimiterSettings.defaults(),
            store,
            OverLimitCache.NONE,
            new RecordingStats(),
            () -> 1_900_000_000L);

    CompletableFuture<RateLimiter.Outcome> outcome =
        limiter
            .shouldRateLimit(
                config,
                new RateLimitRequest(
                    "d", List.of(d("a", "1"), d("b", "1"), d("c", "1")), 0, Optional.empty()))
            .toCompletableFuture();
    List<String> sentBeforeAnyAnswer = List.copyOf(sent);
    answers.forEach(Runnable::run);

    assertThat(sentBeforeAnyAnswer)
        .containsExactlyInAnyOrder("takeTokens", "countSliding", "increment");
    assertThat(outcome.get().response().overallCode()).isEqualTo(Code.OK);
    assertThat(outcome.get().response().statuses())
        .extracting(DescriptorStatus::remaining)
        .containsExactly(4L, 4L, 4L);
  }
}
