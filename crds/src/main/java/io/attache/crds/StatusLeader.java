package io.attache.crds;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects one replica, through a {@code coordination.k8s.io/v1} Lease, to write status: every
 * replica computes the same conditions, only the leader writes them, so replicas never fight over a
 * resource's status. Leadership is a hint, not a lock: a write from a replica that just lost the
 * Lease is still a correct status. Runs on its own thread; never blocks a caller.
 */
public final class StatusLeader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusLeader.class);

  private final String identity;
  private final Runnable onElected;
  private volatile boolean leader;
  private final CompletableFuture<?> election;

  /**
   * Starts campaigning for the Lease {@code leaseName} in {@code namespace}; {@code onElected} runs
   * (on the election thread) each time this replica becomes the leader, so it can write what it
   * held back.
   */
  public StatusLeader(
      KubernetesClient client,
      String namespace,
      String leaseName,
      Duration leaseDuration,
      Runnable onElected,
      Executor executor) {
    this.identity = newIdentity();
    this.onElected = onElected;
    LeaderElector elector =
        new LeaderElector(
            client,
            new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseLock(namespace, leaseName, identity))
                .withLeaseDuration(leaseDuration)
                .withRenewDeadline(leaseDuration.multipliedBy(2).dividedBy(3))
                .withRetryPeriod(leaseDuration.dividedBy(5))
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(
                    new LeaderCallbacks(this::elected, this::deposed, this::newLeader))
                .build(),
            executor);
    this.election = elector.start();
  }

  private static String newIdentity() {
    String host = System.getenv().getOrDefault("HOSTNAME", "attache");
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private void elected() {
    leader = true;
    log.info("{} now writes status (Lease held)", identity);
    try {
      onElected.run();
    } catch (RuntimeException e) {
      log.error("writing status after the election failed", e);
    }
  }

  private void deposed() {
    leader = false;
    log.info("{} no longer writes status", identity);
  }

  private void newLeader(String name) {
    if (!name.equals(identity)) {
      log.info("status is written by {}", name);
    }
  }

  /** Whether this replica holds the Lease now. */
  public boolean isLeader() {
    return leader;
  }

  public String identity() {
    return identity;
  }

  @Override
  public void close() {
    leader = false;
    election.cancel(true);
  }
}
