package io.attache.testsupport.redis;

import io.attache.testsupport.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real Redis Sentinel watching one master, for tests of sentinel-mode clients. */
public final class RedisSentinel implements AutoCloseable {
  private final int port;
  private final Process process;
  private final String masterName;

  private RedisSentinel(int port, Process process, String masterName) {
    this.port = port;
    this.process = process;
    this.masterName = masterName;
  }

  public static RedisSentinel watch(RedisServer master, String masterName) {
    int port = FreePorts.next();
    try {
      Path dir = Files.createTempDirectory("attache-sentinel-");
      Path config = dir.resolve("sentinel.conf");
      Files.writeString(
          config,
          String.join(
              "\n",
              "port " + port,
              "bind 127.0.0.1",
              "dir " + dir,
              "sentinel monitor " + masterName + " 127.0.0.1 " + master.port() + " 1",
              "sentinel down-after-milliseconds " + masterName + " 5000",
              ""));
      Process process =
          new ProcessBuilder(List.of("redis-server", config.toString(), "--sentinel"))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("sentinel.log").toFile())
              .start();
      RedisSentinel sentinel = new RedisSentinel(port, process, masterName);
      sentinel.awaitMaster();
      return sentinel;
    } catch (IOException e) {
      throw new IllegalStateException("could not start redis sentinel", e);
    }
  }

  private void awaitMaster() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (firstLine("SENTINEL get-master-addr-by-name " + masterName).startsWith("*2")) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    close();
    throw new IllegalStateException("redis sentinel did not learn its master in time");
  }

  private String firstLine(String inline) {
    try {
      return RedisServer.firstLine("127.0.0.1", port, inline, 1000);
    } catch (IOException notYet) {
      return "";
    }
  }

  /**
   * {@code master,host:port}: the reference's {@code REDIS_URL} for {@code REDIS_TYPE=sentinel}.
   */
  public String url() {
    return masterName + ",127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
