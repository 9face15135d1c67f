package io.attache.bench.xds;

import java.io.PrintStream;
import java.util.Locale;

/** Prints a run as it goes: a header, a line per translation and per fleet, then the targets. */
final class ReportTable {
  private final PrintStream out;

  ReportTable(PrintStream out) {
    this.out = out;
  }

  void header(Machine machine, double loadAverage, XdsBenchmarkReport.Settings settings) {
    out.printf(
        Locale.ROOT,
        "xDS control plane benchmark: %d cores (load average %.1f), max heap %d MiB, %s, %s,"
            + " GC %s%n",
        machine.cores(),
        loadAverage,
        machine.maxHeapMiB(),
        machine.jdk(),
        machine.os(),
        String.join("+", machine.collectors()));
    out.printf(
        Locale.ROOT,
        "debounce %d ms quiet / %d ms max delay; %d channels; %d endpoint names per client"
            + " (hot one included); %d warm-up + %d measured changes%n",
        settings.debounceQuietMillis(),
        settings.debounceMaxDelayMillis(),
        settings.channels(),
        settings.endpointSample(),
        settings.warmupChanges(),
        settings.measuredChanges());
  }

  void translation(int services, int routes, TranslationResult t) {
    out.printf(
        Locale.ROOT,
        "%n%,d Services, %,d HTTPRoutes -> %,d clusters, %,d listeners, %,d virtual hosts, %,d"
            + " routes%n",
        services,
        routes,
        t.clusters(),
        t.listeners(),
        t.virtualHosts(),
        t.envoyRoutes());
    out.printf(
        Locale.ROOT,
        "  translate median %.1f ms (min %.1f, CPU %.1f, %d runs); snapshot build %.1f ms (of"
            + " which content versions %.1f); heap ~%.1f MiB resources + ~%.1f MiB snapshot"
            + " (approximate); installed from publish(): whole state %.1f ms, one HTTPRoute changed %.1f ms, one Service changed %.1f ms, the Gateway changed %.1f ms%n",
        t.translateMedianMillis(),
        t.translateMinMillis(),
        t.translateCpuMedianMillis(),
        t.runs(),
        t.snapshotMedianMillis(),
        t.versionsMedianMillis(),
        t.resourcesMiB(),
        t.snapshotMiB(),
        t.coldPublishMedianMillis(),
        t.routeChangeMedianMillis(),
        t.serviceChangeMedianMillis(),
        t.gatewayChangeMedianMillis());
    out.printf(
        "  %-5s %7s %9s %8s %9s %8s %8s %8s %8s %9s %9s %7s %9s %6s %4s%n",
        "mode",
        "clients",
        "sync ms",
        "heap MiB",
        "installed",
        "first",
        "p50",
        "p99",
        "max",
        "total ms",
        "worst ms",
        "CPU ms",
        "EDS B/cl",
        "CLAs",
        "CDS");
  }

  void push(PushResult p) {
    out.printf(
        Locale.ROOT,
        "  %-5s %7d %9.0f %8.0f %9.1f %8.1f %8.1f %8.1f %8.1f %9.1f %9.1f %7.0f %9d %6d %4d%s%n",
        p.mode(),
        p.clients(),
        p.initialSyncMillis(),
        p.fleetHeapMiB(),
        p.snapshotInstalledMillis(),
        p.firstResponseMillis(),
        p.p50Millis(),
        p.p99Millis(),
        p.maxMillis(),
        p.totalMillis(),
        p.worstTotalMillis(),
        p.cpuMillisPerChange(),
        p.edsResponseBytes(),
        p.edsResponseResources(),
        p.cdsResponsesAfterChanges(),
        p.allAcked() ? "" : "  NOT ALL CLIENTS ACKED");
  }

  void footer(XdsBenchmarkReport report) {
    out.println();
    out.println(
        "heap = held by the synced fleet (server streams), approximate. Latencies in ms from publish() (debounce + translate + snapshot + push) to each"
            + " client's ACK; installed = until the publisher had set the snapshot and logged it; CPU = this JVM's CPU time"
            + " per change (server, clients, GC); CDS = clusters responses after the initial sync"
            + " (0 expected).");
    out.println(report.heapNote());
    out.printf(
        Locale.ROOT,
        "load average at start and end: %.1f, %.1f%n",
        report.loadAverages().get(0),
        report.loadAverages().get(1));
    for (TargetResult target : report.targets()) {
      out.printf(Locale.ROOT, "[%s] %s: %s%n", target.status(), target.target(), target.evidence());
    }
  }
}
