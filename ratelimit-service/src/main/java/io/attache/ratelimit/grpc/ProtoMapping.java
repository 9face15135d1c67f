package io.attache.ratelimit.grpc;

import com.google.protobuf.Duration;
import io.attache.ratelimit.config.Unit;
import io.attache.ratelimit.core.Code;
import io.attache.ratelimit.core.Descriptor;
import io.attache.ratelimit.core.DescriptorStatus;
import io.attache.ratelimit.core.Entry;
import io.attache.ratelimit.core.RateLimitException;
import io.attache.ratelimit.core.RateLimitRequest;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.extensions.common.ratelimit.v3.RateLimitDescriptor;
import io.envoyproxy.envoy.service.ratelimit.v3.RateLimitResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Translates between Envoy's rate-limit protos and the core's records, at the edge only. */
public final class ProtoMapping {
  private ProtoMapping() {}

  public static RateLimitRequest toCore(
      io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest request,
      Optional<String> requestId) {
    return toCore(request, requestId, Optional.empty());
  }

  /** As above, for a traced call: its events carry {@code traceparent}. */
  public static RateLimitRequest toCore(
      io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest request,
      Optional<String> requestId,
      Optional<String> traceparent) {
    // Arrays wrapped by List.of: the records keep immutable lists as they are, without copies.
    Descriptor[] descriptors = new Descriptor[request.getDescriptorsCount()];
    for (int d = 0; d < descriptors.length; d++) {
      RateLimitDescriptor descriptor = request.getDescriptors(d);
      Entry[] entries = new Entry[descriptor.getEntriesCount()];
      for (int e = 0; e < entries.length; e++) {
        RateLimitDescriptor.Entry entry = descriptor.getEntries(e);
        entries[e] = new Entry(entry.getKey(), entry.getValue());
      }
      Optional<Descriptor.LimitOverride> override = Optional.empty();
      if (descriptor.hasLimit()) {
        int unitNumber = descriptor.getLimit().getUnitValue();
        Optional<Unit> unit = Unit.fromProtoNumber(unitNumber);
        if (unit.isEmpty()) {
          throw new RateLimitException("descriptor limit has an unknown unit " + unitNumber);
        }
        override =
            Optional.of(
                new Descriptor.LimitOverride(
                    Integer.toUnsignedLong(descriptor.getLimit().getRequestsPerUnit()),
                    unit.get()));
      }
      OptionalLong hits =
          descriptor.hasHitsAddend()
              ? OptionalLong.of(descriptor.getHitsAddend().getValue())
              : OptionalLong.empty();
      descriptors[d] = new Descriptor(List.of(entries), override, hits);
    }
    return new RateLimitRequest(
        request.getDomain(),
        List.of(descriptors),
        Integer.toUnsignedLong(request.getHitsAddend()),
        requestId,
        traceparent);
  }

  public static RateLimitResponse toProto(io.attache.ratelimit.core.RateLimitResponse response) {
    return toProto(response, null);
  }

  /** As above, with the limits and durations of earlier answers reused unless parts is null. */
  static RateLimitResponse toProto(
      io.attache.ratelimit.core.RateLimitResponse response, ResponseParts parts) {
    List<DescriptorStatus> statuses = response.statuses();
    RateLimitResponse.DescriptorStatus[] messages =
        new RateLimitResponse.DescriptorStatus[statuses.size()];
    for (int i = 0; i < messages.length; i++) {
      DescriptorStatus status = statuses.get(i);
      RateLimitResponse.DescriptorStatus.Builder proto =
          RateLimitResponse.DescriptorStatus.newBuilder()
              .setCode(code(status.code()))
              .setLimitRemaining((int) status.remaining());
      if (status.currentLimit().isPresent()) {
        DescriptorStatus.CurrentLimit limit = status.currentLimit().get();
        long reset = status.secondsUntilReset();
        proto
            .setCurrentLimit(parts != null ? parts.limit(limit) : limit(limit))
            .setDurationUntilReset(
                parts != null
                    ? parts.seconds(reset)
                    : Duration.newBuilder().setSeconds(reset).build());
      }
      messages[i] = proto.build();
    }
    // Added all at once: the builder's list is then sized to fit, not grown from ten.
    RateLimitResponse.Builder builder =
        RateLimitResponse.newBuilder()
            .setOverallCode(code(response.overallCode()))
            .addAllStatuses(Arrays.asList(messages));
    List<io.attache.ratelimit.core.RateLimitResponse.Header> headers = response.headers();
    for (int i = 0; i < headers.size(); i++) {
      builder.addResponseHeadersToAdd(
          HeaderValue.newBuilder().setKey(headers.get(i).name()).setValue(headers.get(i).value()));
    }
    return builder.build();
  }

  static RateLimitResponse.RateLimit limit(DescriptorStatus.CurrentLimit limit) {
    RateLimitResponse.RateLimit.Builder message =
        RateLimitResponse.RateLimit.newBuilder()
            .setRequestsPerUnit((int) limit.requestsPerUnit())
            .setUnitValue(limit.unit().map(Unit::protoNumber).orElse(0));
    if (limit.name().isPresent()) {
      message.setName(limit.name().get());
    }
    return message.build();
  }

  private static RateLimitResponse.Code code(Code code) {
    return code == Code.OVER_LIMIT ? RateLimitResponse.Code.OVER_LIMIT : RateLimitResponse.Code.OK;
  }
}
