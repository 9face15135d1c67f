package io.attache.bench.xds;

/**
 * What translating one synthetic state costs.
 *
 * @param clusters Clusters (and as many load assignments) produced
 * @param listeners Listeners produced: one per Service port plus the Gateway's
 * @param virtualHosts virtual hosts over all RouteConfigurations
 * @param envoyRoutes Envoy routes over all virtual hosts
 * @param translateMedianMillis {@code Translator.translate}, median of the measured runs
 * @param translateMinMillis the fastest measured run
 * @param translateCpuMedianMillis CPU time of the translating thread, median (GC threads excluded)
 * @param versionsMedianMillis the four content versions of {@code XdsResources}, median
 * @param snapshotMedianMillis the snapshot build: content versions plus {@code Snapshot.create}
 * @param resourcesMiB heap retained by the {@code XdsResources}, approximate
 * @param snapshotMiB heap the snapshot adds on top of its resources, approximate
 * @param coldPublishMedianMillis {@code publish()} to a fresh publisher until its snapshot is
 *     installed (translation, per-resource versions for both client kinds, install), median
 * @param routeChangeMedianMillis one HTTPRoute changed: from {@code publish()} to installed, median
 * @param serviceChangeMedianMillis one Service given a port, likewise
 * @param gatewayChangeMedianMillis the Gateway's generation bumped, likewise: a full translation
 *     whose output equals the last one's, every object built anew
 * @param warmups runs before measuring, not counted
 * @param runs measured runs
 */
public record TranslationResult(
    int clusters,
    int listeners,
    int virtualHosts,
    int envoyRoutes,
    double translateMedianMillis,
    double translateMinMillis,
    double translateCpuMedianMillis,
    double versionsMedianMillis,
    double snapshotMedianMillis,
    double resourcesMiB,
    double snapshotMiB,
    double coldPublishMedianMillis,
    double routeChangeMedianMillis,
    double serviceChangeMedianMillis,
    double gatewayChangeMedianMillis,
    int warmups,
    int runs) {}
