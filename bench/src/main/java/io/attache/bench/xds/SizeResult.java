package io.attache.bench.xds;

import java.util.List;

/** Everything measured for one size of synthetic cluster. */
public record SizeResult(
    int services,
    int endpointsPerService,
    int routes,
    TranslationResult translation,
    List<PushResult> pushes) {
  public SizeResult {
    pushes = List.copyOf(pushes);
  }
}
