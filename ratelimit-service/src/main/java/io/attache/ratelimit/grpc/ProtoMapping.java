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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Translates between Envoy's rate-limit protos and the core's records, at the edge only. */
public final class ProtoMapping {
  private ProtoMapping() {}

  public static RateLimitRequest toCore(
      io.envoyproxy.envoy.service.ratelimit.v3.RateLimitRequest request,
      Optional<String> requestId) {
    List<Descriptor> descriptors = new ArrayList<>(request.getDescriptorsCount());
    for (RateLimitDescriptor descriptor : request.getDescriptorsList()) {
      List<Entry> entries = new ArrayList<>(descriptor.getEntriesCount());
      for (RateLimitDescriptor.Entry entry : descriptor.getEntriesList()) {
        entries.add(new Entry(entry.getKey(), entry.getValue()));
      }
      Optional<Descriptor.LimitOverride> override = Optional.empty();
      if (descriptor.hasLimit()) {
        int unitNumber = descriptor.getLimit().getUnitValue();
        Unit unit =
            Unit.fromProtoNumber(unitNumber)
                .orElseThrow(
                    () ->
                        new RateLimitException(
                            "descriptor limit has an unknown unit " + unitNumber));
        override =
            Optional.of(
                new Descriptor.LimitOverride(
                    Integer.toUnsignedLong(descriptor.getLimit().getRequestsPerUnit()), unit));
      }
      OptionalLong hits =
          descriptor.hasHitsAddend()
              ? OptionalLong.of(descriptor.getHitsAddend().getValue())
              : OptionalLong.empty();
      descriptors.add(new Descriptor(entries, override, hits));
    }
    return new RateLimitRequest(
        request.getDomain(),
        descriptors,
        Integer.toUnsignedLong(request.getHitsAddend()),
        requestId);
  }

  public static RateLimitResponse toProto(io.attache.ratelimit.core.RateLimitResponse response) {
    RateLimitResponse.Builder builder =
        RateLimitResponse.newBuilder().setOverallCode(code(response.overallCode()));
    for (DescriptorStatus status : response.statuses()) {
      RateLimitResponse.DescriptorStatus.Builder proto =
          RateLimitResponse.DescriptorStatus.newBuilder()
              .setCode(code(status.code()))
              .setLimitRemaining((int) status.remaining());
      status
          .currentLimit()
          .ifPresent(
              limit -> {
                RateLimitResponse.RateLimit.Builder current =
                    RateLimitResponse.RateLimit.newBuilder()
                        .setRequestsPerUnit((int) limit.requestsPerUnit())
                        .setUnitValue(limit.unit().protoNumber());
                limit.name().ifPresent(current::setName);
                proto
                    .setCurrentLimit(current)
                    .setDurationUntilReset(
                        Duration.newBuilder().setSeconds(status.secondsUntilReset()));
              });
      builder.addStatuses(proto);
    }
    for (io.attache.ratelimit.core.RateLimitResponse.Header header : response.headers()) {
      builder.addResponseHeadersToAdd(
          HeaderValue.newBuilder().setKey(header.name()).setValue(header.value()));
    }
    return builder.build();
  }

  private static RateLimitResponse.Code code(Code code) {
    return code == Code.OVER_LIMIT ? RateLimitResponse.Code.OVER_LIMIT : RateLimitResponse.Code.OK;
  }
}
