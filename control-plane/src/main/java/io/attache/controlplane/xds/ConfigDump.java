package io.attache.controlplane.xds;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.attache.runtime.AdminServer;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What each node group is served, for {@code /config_dump}: per type the snapshot's version, the
 * resource names and the last NACK from the group, and on request the resources themselves. Reads
 * the cache's current snapshots; never holds a stream or the publisher.
 */
final class ConfigDump {
  private final SimpleCache<String> cache;
  private final AckTracking acks;

  ConfigDump(SimpleCache<String> cache, AckTracking acks) {
    this.cache = cache;
    this.acks = acks;
  }

  /**
   * Every group with a snapshot: those whose clients asked, and {@link NodeGroups#DEFAULT_GROUP}
   * and {@link NodeGroups#DEFAULT_PROXYLESS_GROUP}, which the publisher always fills. Sorted by
   * name.
   */
  Set<String> groups() {
    Set<String> groups = new TreeSet<>(cache.groups());
    groups.add(NodeGroups.DEFAULT_GROUP);
    groups.add(NodeGroups.DEFAULT_PROXYLESS_GROUP);
    groups.removeIf(group -> cache.getSnapshot(group) == null);
    return groups;
  }

  /** The admin answer to {@code ?group=NAME&resources=true} (both optional). */
  AdminServer.Response answer(Map<String, String> query) {
    Optional<String> group = Optional.ofNullable(query.get("group"));
    return dump(group, "true".equals(query.get("resources")))
        .map(json -> AdminServer.Response.json(XdsJson.pretty(json) + "\n"))
        .orElseGet(() -> AdminServer.Response.text(404, "no node group " + group.get() + "\n"));
  }

  /**
   * {@code {"groups": {"default": {"clusters": {"version", "names", "lastNack"?, "resources"?},
   * ...}}}} for every group, or only for {@code only}; empty when {@code only} names no group.
   */
  Optional<JsonObject> dump(Optional<String> only, boolean withResources) {
    Map<String, Snapshot> snapshots = new TreeMap<>();
    for (String group : only.map(Set::of).orElseGet(this::groups)) {
      Snapshot snapshot = cache.getSnapshot(group);
      if (snapshot != null) {
        snapshots.put(group, snapshot);
      }
    }
    if (only.isPresent() && snapshots.isEmpty()) {
      return Optional.empty();
    }
    JsonObject groups = new JsonObject();
    snapshots.forEach(
        (group, snapshot) -> groups.add(group, group(group, snapshot, withResources)));
    JsonObject dump = new JsonObject();
    dump.add("groups", groups);
    return Optional.of(dump);
  }

  private JsonObject group(String group, Snapshot snapshot, boolean withResources) {
    JsonObject types = new JsonObject();
    for (XdsType type : XdsType.values()) {
      SnapshotResources<?> resources = type.in(snapshot);
      JsonObject json = new JsonObject();
      json.addProperty("version", resources.version());
      JsonArray names = new JsonArray();
      new TreeSet<>(resources.resources().keySet()).forEach(names::add);
      json.add("names", names);
      acks.lastNack(group, type).ifPresent(nack -> json.add("lastNack", nack(nack)));
      if (withResources) {
        json.add("resources", XdsJson.array(new TreeMap<>(resources.resources()).values()));
      }
      types.add(type.key(), json);
    }
    return types;
  }

  private static JsonObject nack(Nack nack) {
    JsonObject json = new JsonObject();
    json.addProperty("node", nack.nodeId());
    nack.rejectedVersion().ifPresent(version -> json.addProperty("version", version));
    json.addProperty("nonce", nack.nonce());
    json.addProperty("message", nack.message());
    json.addProperty("at", nack.at().truncatedTo(ChronoUnit.MILLIS).toString());
    return json;
  }
}
