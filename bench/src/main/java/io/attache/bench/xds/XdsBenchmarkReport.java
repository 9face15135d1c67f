package io.attache.bench.xds;

import com.google.gson.GsonBuilder;
import java.util.List;

/**
 * The outcome of one {@link XdsBenchmark} run, as printed and as written to JSON.
 *
 * @param measuredAt when the run started (UTC, ISO 8601)
 * @param settings the knobs of the run
 * @param loadAverages the system's 1-minute load average at the start and at the end of the run:
 *     above the core count, other processes competed for the CPU
 * @param heapNote how far the heap figures can be trusted
 */
public record XdsBenchmarkReport(
    String measuredAt,
    Machine machine,
    List<Double> loadAverages,
    Settings settings,
    List<SizeResult> sizes,
    List<TargetResult> targets,
    String heapNote) {
  static final String HEAP_NOTE =
      "heap MiB are approximate: used heap after System.gc() with the result held, minus before";

  public XdsBenchmarkReport {
    loadAverages = List.copyOf(loadAverages);
    sizes = List.copyOf(sizes);
    targets = List.copyOf(targets);
  }

  /**
   * The knobs of a run that shape its figures.
   *
   * @param debounceQuietMillis the publisher's quiet period
   * @param debounceMaxDelayMillis the publisher's longest delay within a burst
   */
  public record Settings(
      long debounceQuietMillis,
      long debounceMaxDelayMillis,
      int channels,
      int endpointSample,
      int translateWarmups,
      int translateRuns,
      int warmupChanges,
      int measuredChanges) {
    static Settings of(BenchmarkOptions options) {
      return new Settings(
          options.quiet().toMillis(),
          options.maxDelay().toMillis(),
          options.channels(),
          options.sampleSize(),
          options.translateWarmups(),
          options.translateRuns(),
          options.warmupChanges(),
          options.measuredChanges());
    }
  }

  public String toJson() {
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(this);
  }
}
