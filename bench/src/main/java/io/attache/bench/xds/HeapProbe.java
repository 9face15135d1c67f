package io.attache.bench.xds;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Approximates the heap an object graph retains: used heap after full collections with it held,
 * minus the same without it. Approximate by nature ({@code System.gc()} is a request, other threads
 * allocate meanwhile), good to a few MiB; a heap dump is the exact alternative.
 */
final class HeapProbe {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private static final int COLLECTIONS = 3;

  private HeapProbe() {}

  /** Used heap in bytes after asking for a few full collections, so garbage is not counted. */
  static long settledUsedBytes() {
    for (int i = 0; i < COLLECTIONS; i++) {
      System.gc();
      try {
        // Concurrent collectors finish after gc() returns; give them a moment.
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return MEMORY.getHeapMemoryUsage().getUsed();
  }

  static double mebibytes(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
