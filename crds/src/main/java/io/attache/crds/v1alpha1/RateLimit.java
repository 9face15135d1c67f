package io.attache.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** A descriptor's {@code rate_limit}, as in the reference's YAML. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
    value = "(has(self.unlimited) && self.unlimited) != (has(self.unit) || has(self.window))",
    message = "give unit (or window) and requests_per_unit, or unlimited: true, not both")
@ValidationRule(
    value = "!(has(self.unit) && has(self.window))",
    message = "give unit or window, not both",
    fieldPath = ".window")
@ValidationRule(
    value = "!has(self.burst) || (has(self.algorithm) && self.algorithm == 'token_bucket')",
    message = "burst is for algorithm token_bucket only",
    fieldPath = ".burst")
public class RateLimit {
  private String name;

  // Case-insensitive, as the reference reads it.
  @ValidationRule(
      value = "self.lowerAscii() in ['second', 'minute', 'hour', 'day', 'week', 'month', 'year']",
      message = "must be second, minute, hour, day, week, month or year")
  private String unit;

  /**
   * Our extension to the reference's YAML: a window of any length in place of {@code unit}, a whole
   * number of seconds, minutes, hours or days ({@code 5s}, {@code 10m}), aligned to the epoch.
   */
  @Pattern("^[1-9][0-9]{0,9}(s|m|h|d)$")
  private String window;

  /**
   * Our extension: {@code fixed_window} (the reference's, the default), {@code sliding_window} or
   * {@code token_bucket}.
   */
  @Pattern("^(fixed_window|sliding_window|token_bucket)$")
  private String algorithm;

  /** A token bucket's capacity; {@code requests_per_unit} unless given. */
  @Min(1)
  private Long burst;

  @JsonProperty("requests_per_unit")
  @Min(0)
  private Long requestsPerUnit;

  private Boolean unlimited;
  private List<Replaces> replaces = new ArrayList<>();

  /** A {@code replaces} entry: the name of the limit this one replaces. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public static class Replaces {
    private String name;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
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

  public String getAlgorithm() {
    return algorithm;
  }

  public void setAlgorithm(String algorithm) {
    this.algorithm = algorithm;
  }

  public Long getBurst() {
    return burst;
  }

  public void setBurst(Long burst) {
    this.burst = burst;
  }

  public Long getRequestsPerUnit() {
    return requestsPerUnit;
  }

  public void setRequestsPerUnit(Long requestsPerUnit) {
    this.requestsPerUnit = requestsPerUnit;
  }

  public Boolean getUnlimited() {
    return unlimited;
  }

  public void setUnlimited(Boolean unlimited) {
    this.unlimited = unlimited;
  }

  public List<Replaces> getReplaces() {
    return replaces;
  }

  public void setReplaces(List<Replaces> replaces) {
    this.replaces = replaces == null ? new ArrayList<>() : replaces;
  }
}
