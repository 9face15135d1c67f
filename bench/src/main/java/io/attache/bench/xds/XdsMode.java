package io.attache.bench.xds;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Channel;
import java.util.List;
import java.util.Locale;

/** The two ADS protocol variants a client may speak. */
public enum XdsMode {
  /** State of the world: every response carries all the subscribed resources of its type. */
  SOTW {
    @Override
    AdsClient client(Channel channel, int index, Node node, List<String> endpointNames) {
      return new SotwClient(channel, index, node, endpointNames);
    }
  },
  /** Incremental: a response carries only what changed. */
  DELTA {
    @Override
    AdsClient client(Channel channel, int index, Node node, List<String> endpointNames) {
      return new DeltaClient(channel, index, node, endpointNames);
    }
  };

  abstract AdsClient client(Channel channel, int index, Node node, List<String> endpointNames);

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
