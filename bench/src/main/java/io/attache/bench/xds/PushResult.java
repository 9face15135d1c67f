package io.attache.bench.xds;

import java.util.List;

/**
 * How one EndpointSlice change reached a fleet of ADS clients. Latencies run from {@code publish()}
 * (so they include the debounce, a full translation and the snapshot build) to the moment each
 * client sent its ACK; the percentiles pool every client of every measured round.
 *
 * @param mode {@code sotw} or {@code delta}
 * @param initialSyncMillis connecting every client and ACKing its first clusters and endpoints
 * @param fleetHeapMiB heap held once the fleet synced, mostly the server's per-stream state
 *     (approximate)
 * @param rounds measured changes (warm-up changes come first and are not counted)
 * @param allAcked whether every client ACKed every measured change in time
 * @param snapshotInstalledMillis median time until the publisher had installed the new snapshot:
 *     set it in the cache (which hands the responses to the open watches) and logged it
 * @param firstResponseMillis median time until the first client received the new endpoints
 * @param totalMillis median over rounds of the time until the last client ACKed
 * @param worstTotalMillis the slowest round's time until the last client ACKed
 * @param totalsMillis every measured round's time until the last client ACKed
 * @param cpuMillisPerChange CPU time of the whole JVM (server, clients, GC) from a publish until
 *     the last ACK, mean over the measured changes
 * @param edsResponseBytes serialized size of the endpoints response one client received (median)
 * @param edsResponseResources load assignments in that response (median)
 * @param cdsResponsesAfterChanges clusters responses any client received after the initial sync
 * @param extraEdsResponses endpoints responses beyond one per client and change
 */
public record PushResult(
    String mode,
    int clients,
    int channels,
    double initialSyncMillis,
    double fleetHeapMiB,
    int rounds,
    boolean allAcked,
    double snapshotInstalledMillis,
    double firstResponseMillis,
    double p50Millis,
    double p99Millis,
    double maxMillis,
    double totalMillis,
    double worstTotalMillis,
    List<Double> totalsMillis,
    double cpuMillisPerChange,
    int edsResponseBytes,
    int edsResponseResources,
    int cdsResponsesAfterChanges,
    int extraEdsResponses) {
  public PushResult {
    totalsMillis = List.copyOf(totalsMillis);
  }
}
