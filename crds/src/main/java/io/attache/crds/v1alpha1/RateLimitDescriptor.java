package io.attache.crds.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/**
 * One node of the descriptor tree, field for field the reference's YAML ({@code snake_case} names
 * kept, so files and resources read the same).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class RateLimitDescriptor {
  @Required
  @Size(min = 1)
  private String key;

  private String value;

  @JsonProperty("rate_limit")
  private RateLimit rateLimit;

  @JsonProperty("shadow_mode")
  private Boolean shadowMode;

  @JsonProperty("quota_mode")
  private Boolean quotaMode;

  @JsonProperty("detailed_metric")
  private Boolean detailedMetric;

  @JsonProperty("value_to_metric")
  private Boolean valueToMetric;

  @JsonProperty("share_threshold")
  private Boolean shareThreshold;

  private List<RateLimitDescriptor> descriptors = new ArrayList<>();

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }

  public RateLimit getRateLimit() {
    return rateLimit;
  }

  public void setRateLimit(RateLimit rateLimit) {
    this.rateLimit = rateLimit;
  }

  public Boolean getShadowMode() {
    return shadowMode;
  }

  public void setShadowMode(Boolean shadowMode) {
    this.shadowMode = shadowMode;
  }

  public Boolean getQuotaMode() {
    return quotaMode;
  }

  public void setQuotaMode(Boolean quotaMode) {
    this.quotaMode = quotaMode;
  }

  public Boolean getDetailedMetric() {
    return detailedMetric;
  }

  public void setDetailedMetric(Boolean detailedMetric) {
    this.detailedMetric = detailedMetric;
  }

  public Boolean getValueToMetric() {
    return valueToMetric;
  }

  public void setValueToMetric(Boolean valueToMetric) {
    this.valueToMetric = valueToMetric;
  }

  public Boolean getShareThreshold() {
    return shareThreshold;
  }

  public void setShareThreshold(Boolean shareThreshold) {
    this.shareThreshold = shareThreshold;
  }

  public List<RateLimitDescriptor> getDescriptors() {
    return descriptors;
  }

  public void setDescriptors(List<RateLimitDescriptor> descriptors) {
    this.descriptors = descriptors == null ? new ArrayList<>() : descriptors;
  }
}
