package io.attache.runtime;

import java.util.concurrent.ThreadFactory;

/** Background threads that never keep the JVM alive on their own: shutdown is explicit. */
public final class DaemonThreads {
  private DaemonThreads() {}

  public static ThreadFactory named(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
