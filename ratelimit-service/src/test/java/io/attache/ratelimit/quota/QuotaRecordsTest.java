package io.attache.ratelimit.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attache.ratelimit.config.Window;
import io.attache.ratelimit.core.Entry;
import io.attache.ratelimit.core.QuotaOverrides;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The quotas topic's records: what is read, and each mistake named by its field. */
class QuotaRecordsTest {

  @Test
  void aKeyIsTheDomainAndTheEntriesAsTrafficEventsCarryThem() throws Exception {
    QuotaRecords.Key key =
        QuotaRecords.key(
            "{\"domain\":\"api\",\"entries\":[{\"key\":\"user\",\"value\":\"alice\"},"
                + "{\"key\":\"path\",\"value\":\"/a,b=\\\"c\\\"\"}]}");

    assertThat(key.domain()).isEqualTo("api");
    assertThat(key.entries())
        .containsExactly(new Entry("user", "alice"), new Entry("path", "/a,b=\"c\""));
    assertThat(key.describe()).isEqualTo("api user=alice,path=/a,b=\"c\"");
  }

  @Test
  void aValueIsALimitAWindowABurstOrUnlimited() throws Exception {
    assertThat(QuotaRecords.quota("{\"requests_per_unit\": 1000, \"unit\": \"Minute\"}"))
        .isEqualTo(
            new QuotaOverrides.Quota(1000, Optional.of(new Window(60)), Optional.empty(), false));
    assertThat(QuotaRecords.quota("{\"requests_per_unit\": 5, \"window\": \"10s\", \"burst\": 9}"))
        .isEqualTo(
            new QuotaOverrides.Quota(5, Optional.of(new Window(10)), Optional.of(9L), false));
    assertThat(QuotaRecords.quota("{\"requests_per_unit\": 0}"))
        .isEqualTo(new QuotaOverrides.Quota(0, Optional.empty(), Optional.empty(), false));
    assertThat(QuotaRecords.quota("{\"unlimited\": true}").unlimited()).isTrue();
  }

  @Test
  void everyMistakeIsNamedByItsField() {
    assertError(() -> QuotaRecords.key("[1]"), "key: must be a JSON object");
    assertError(() -> QuotaRecords.key("{\"domain\": \"api\"}"), "key.entries: required");
    // Kafka compacts by the key's bytes: a key written another way would never meet its tombstone.
    assertError(
        () ->
            QuotaRecords.key(
                "{\"domain\": \"api\", \"entries\": [{\"key\": \"user\", \"value\": \"alice\"}]}"),
        "key: not in canonical form (Kafka compacts by the key's bytes, so a quota and its"
            + " tombstone must be written alike); write it as"
            + " {\"domain\":\"api\",\"entries\":[{\"key\":\"user\",\"value\":\"alice\"}]}");
    assertError(
        () -> QuotaRecords.key("{\"domain\": \"api\", \"entries\": [{\"key\": \"user\"}]}"),
        "key.entries[0].value: required");
    assertError(
        () -> QuotaRecords.key("{\"domain\": \"\", \"entries\": [], \"tenant\": 1}"),
        "key.tenant: unknown field");
    assertError(
        () -> QuotaRecords.quota("{\"requests_per_unit\": \"many\"}"),
        "value.requests_per_unit: required, a whole number");
    assertError(
        () -> QuotaRecords.quota("{\"requests_per_unit\": 4294967296}"),
        "value.requests_per_unit: must be 0 to 4294967295, was 4294967296");
    assertError(
        () -> QuotaRecords.quota("{\"requests_per_unit\": 1, \"unit\": \"fortnight\"}"),
        "value.unit: 'fortnight' is not second");
    assertError(
        () ->
            QuotaRecords.quota(
                "{\"requests_per_unit\": 1, \"unit\": \"second\", \"window\": \"5s\"}"),
        "value.window: give unit or window, not both");
    assertError(
        () -> QuotaRecords.quota("{\"requests_per_unit\": 1, \"window\": \"1.5s\"}"),
        "value.window: '1.5s' is not a whole number");
    assertError(
        () -> QuotaRecords.quota("{\"unlimited\": true, \"requests_per_unit\": 1}"),
        "value.unlimited: alone");
    assertError(() -> QuotaRecords.quota("{\"limit\": 1}"), "value.limit: unknown field");
    assertError(() -> QuotaRecords.quota("{not json"), "value: not JSON");
  }

  private static void assertError(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String start) {
    assertThatThrownBy(call)
        .isInstanceOf(QuotaRecords.QuotaException.class)
        .message()
        .startsWith(start);
  }

  @Test
  void aQuotaReplacesTheNumbersOfTheLimitItMatchesAndKeepsTheRest() {
    QuotaOverrides quotas =
        QuotaOverrides.NONE
            .with(
                "api",
                List.of(new Entry("user", "alice")),
                new QuotaOverrides.Quota(7, Optional.empty(), Optional.empty(), false))
            .with(
                "api",
                List.of(new Entry("user", "bob")),
                new QuotaOverrides.Quota(0, Optional.empty(), Optional.empty(), true));

    QuotaOverrides withoutBob = quotas.without("api", List.of(new Entry("user", "bob")));

    assertThat(quotas.size()).isEqualTo(2);
    assertThat(withoutBob.size()).isEqualTo(1);
    assertThat(withoutBob.get("api", List.of(new Entry("user", "alice"))))
        .map(QuotaOverrides.Quota::requestsPerUnit)
        .contains(7L);
    assertThat(withoutBob.without("api", List.of(new Entry("user", "carol")))).isSameAs(withoutBob);
  }
}
