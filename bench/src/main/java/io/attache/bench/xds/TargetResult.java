package io.attache.bench.xds;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A target from the benchmark issue and whether this run met it.
 *
 * @param target the target as the issue states it
 * @param status {@code met}, {@code missed} or {@code not measured} (no run was large enough)
 * @param evidence the figures the status rests on
 */
public record TargetResult(String target, String status, String evidence) {
  static final String TRANSLATE_TARGET = "10k Services translate in < 1 s";
  static final String PUSH_TARGET = "an EndpointSlice change reaches 500 clients in < 1 s";
  private static final double LIMIT_MILLIS = 1000;

  /** Met when every size of at least 10k Services translates (median) in under a second. */
  static TargetResult translation(List<SizeResult> sizes) {
    List<String> evidence = new ArrayList<>();
    boolean met = true;
    for (SizeResult size : sizes) {
      if (size.services() >= 10_000) {
        double millis = size.translation().translateMedianMillis();
        met &= millis < LIMIT_MILLIS;
        evidence.add(
            String.format(Locale.ROOT, "%d Services: median %.0f ms", size.services(), millis));
      }
    }
    return result(TRANSLATE_TARGET, met, evidence, sizes);
  }

  /**
   * Met when, at every size, every mode with at least 500 clients has all of them ACK the change
   * (median over the measured changes) in under a second, counted from {@code publish()}.
   */
  static TargetResult push(List<SizeResult> sizes) {
    List<String> evidence = new ArrayList<>();
    boolean met = true;
    for (SizeResult size : sizes) {
      for (PushResult push : size.pushes()) {
        if (push.clients() >= 500) {
          met &= push.allAcked() && push.totalMillis() < LIMIT_MILLIS;
          evidence.add(
              String.format(
                  Locale.ROOT,
                  "%d Services, %d %s clients: all ACKed in %.0f ms (median of %d, worst %.0f)%s",
                  size.services(),
                  push.clients(),
                  push.mode(),
                  push.totalMillis(),
                  push.rounds(),
                  push.worstTotalMillis(),
                  push.allAcked() ? "" : ", NOT ALL ACKED"));
        }
      }
    }
    return result(PUSH_TARGET, met, evidence, sizes);
  }

  private static TargetResult result(
      String target, boolean met, List<String> evidence, List<SizeResult> sizes) {
    if (evidence.isEmpty()) {
      int largest = sizes.stream().mapToInt(SizeResult::services).max().orElse(0);
      return new TargetResult(
          target,
          "not measured",
          "no run at the target's size (largest: %d Services, %d clients)"
              .formatted(
                  largest,
                  sizes.stream()
                      .flatMap(s -> s.pushes().stream())
                      .mapToInt(PushResult::clients)
                      .max()
                      .orElse(0)));
    }
    return new TargetResult(target, met ? "met" : "missed", String.join("; ", evidence));
  }
}
