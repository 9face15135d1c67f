package io.attache.testsupport.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster of masters on loopback ports, built with {@code redis-cli --cluster create},
 * for tests of cluster-mode clients (keys spread over slots held by different nodes).
 */
public final class RedisCluster implements AutoCloseable {
  private final List<RedisServer> nodes;

  private RedisCluster(List<RedisServer> nodes) {
    this.nodes = nodes;
  }

  public static RedisCluster start(int masters) {
    List<RedisServer> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < masters; i++) {
        nodes.add(
            RedisServer.start(
                List.of(
                    "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "2000")));
      }
      List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      nodes.forEach(node -> command.add(node.hostAndPort()));
      command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      Process create = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!create.waitFor(30, TimeUnit.SECONDS) || create.exitValue() != 0) {
        throw new IllegalStateException("redis-cli --cluster create failed:\n" + output);
      }
      RedisCluster cluster = new RedisCluster(nodes);
      cluster.awaitOk();
      return cluster;
    } catch (IOException | RuntimeException e) {
      nodes.forEach(RedisServer::close);
      throw new IllegalStateException("could not start a Redis cluster", e);
    } catch (InterruptedException e) {
      nodes.forEach(RedisServer::close);
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitOk() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      boolean ok = true;
      for (RedisServer node : nodes) {
        ok &= clusterState(node).contains("cluster_state:ok");
      }
      if (ok) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the Redis cluster did not reach cluster_state:ok");
  }

  private static String clusterState(RedisServer node) {
    try {
      Process info =
          new ProcessBuilder("redis-cli", "-p", String.valueOf(node.port()), "cluster", "info")
              .redirectErrorStream(true)
              .start();
      String text = new String(info.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      info.waitFor(5, TimeUnit.SECONDS);
      return text;
    } catch (IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  /**
   * {@code host:port,host:port,...}: the form of the reference's {@code REDIS_URL} for clusters.
   */
  public String nodesUrl() {
    return nodes.stream().map(RedisServer::hostAndPort).collect(Collectors.joining(","));
  }

  public List<RedisServer> nodes() {
    return nodes;
  }

  @Override
  public void close() {
    nodes.forEach(RedisServer::close);
  }
}
