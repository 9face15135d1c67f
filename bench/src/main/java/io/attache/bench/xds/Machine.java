package io.attache.bench.xds;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The machine and JVM a report was measured on: figures mean little without them.
 *
 * @param cores processors available to this JVM
 * @param maxHeapMiB the heap limit ({@code -Xmx})
 * @param jdk runtime name and version
 * @param os name, version, architecture
 * @param collectors the garbage collectors in use
 */
public record Machine(int cores, long maxHeapMiB, String jdk, String os, List<String> collectors) {
  public Machine {
    collectors = List.copyOf(collectors);
  }

  /**
   * CPU time this JVM has used so far, all threads (server, clients, GC), in nanoseconds; -1 where
   * the JVM does not tell.
   */
  static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : -1;
  }

  /** The system's load average over the last minute; negative where the OS does not tell. */
  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  static Machine current() {
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() / (1024 * 1024),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName)
            .toList());
  }
}
