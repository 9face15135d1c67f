package io.attache.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** A descriptor's {@code rate_limit}, as in the reference's YAML. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
    value = "(has(self.unlimited) && self.unlimited) != has(self.unit)",
    message = "give unit and requests_per_unit, or unlimited: true, not both")
public class RateLimit {
  private String name;

  // Case-insensitive, as the reference reads it.
  @ValidationRule(
      value = "self.lowerAscii() in ['second', 'minute', 'hour', 'day', 'week', 'month', 'year']",
      message = "must be second, minute, hour, day, week, month or year")
  private String unit;

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
