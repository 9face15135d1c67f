package io.attache.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.attache.events.InMemoryEventSink;
import io.attache.runtime.host.ServiceHost;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;
import io.netty.util.NettyRuntime;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EventLoopsTest {

  @Test
  void oneLoopPerCoreUnlessNettysPropertySaysOtherwise() {
    assertThat(EventLoops.threads()).isEqualTo(NettyRuntime.availableProcessors());

    System.setProperty("io.netty.eventLoopThreads", "3");
    try {
      assertThat(EventLoops.threads()).isEqualTo(3);
    } finally {
      System.clearProperty("io.netty.eventLoopThreads");
    }
  }

  @Test
  void aHostServesOnItsOwnLoopsAndStopsThemWhenItCloses() {
    ServiceHost host =
        ServiceHost.builder("loops-test").host("127.0.0.1").events(new InMemoryEventSink()).start();
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", host.grpcPort()).usePlaintext().build();
    try {
      assertThat(
              HealthGrpc.newBlockingStub(channel)
                  .check(HealthCheckRequest.getDefaultInstance())
                  .getStatus()
                  .name())
          .isEqualTo("SERVING");
      assertThat(loopThreads()).isNotEmpty().hasSizeLessThanOrEqualTo(EventLoops.threads());
    } finally {
      channel.shutdownNow();
      host.close();
    }

    // Netty completes the group's termination future just before its threads exit.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(loopThreads()).isEmpty());
  }

  private static Set<String> loopThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith("loops-test-io"))
        .collect(Collectors.toSet());
  }
}
