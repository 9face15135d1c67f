package io.attache.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * {@code spec.local} of a RateLimitPolicy: a token bucket Envoy keeps for each targeted route (its
 * {@code local_ratelimit} filter), so a flood is shed in Envoy before it reaches ratelimit-service.
 * {@code requests_per_unit} tokens come back every {@code unit} (or {@code window}); the bucket
 * holds {@code burst} (default {@code requests_per_unit}).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "has(self.unit) != has(self.window)", message = "give unit or window")
public class LocalRateLimit {
  @JsonProperty("requests_per_unit")
  @Required
  @Min(1)
  @Max(4_294_967_295L)
  private Long requestsPerUnit;

  @ValidationRule(
      value = "self.lowerAscii() in ['second', 'minute', 'hour', 'day']",
      message = "must be second, minute, hour or day")
  private String unit;

  /**
   * How often tokens come back: a whole number of ms, s, m or h, from 50ms (Envoy's least) to 24h.
   */
  @Pattern("^[1-9][0-9]{0,9}(ms|s|m|h)$")
  @ValidationRule(
      value = "duration(self) >= duration('50ms') && duration(self) <= duration('24h')",
      message = "from 50ms to 24h")
  private String window;

  @Min(1)
  @Max(4_294_967_295L)
  private Long burst;

  public Long getRequestsPerUnit() {
    return requestsPerUnit;
  }

  public void setRequestsPerUnit(Long requestsPerUnit) {
    this.requestsPerUnit = requestsPerUnit;
  }

  public String getUnit() {
    return unit;
  }

  public void setUnit(String unit) {
    this.unit = unit;
  }

  public String getWindow() {
    return window;
  }

  public void setWindow(String window) {
    this.window = window;
  }

  public Long getBurst() {
    return burst;
  }

  public void setBurst(Long burst) {
    this.burst = burst;
  }
}
