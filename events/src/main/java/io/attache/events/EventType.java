package io.attache.events;

/**
 * The four kinds of event, each with its CloudEvents {@code type}, the topic it goes to (after the
 * configurable prefix, default {@code attache.}) and its JSON Schema under {@code docs/events/}.
 */
public enum EventType {
  AUTHZ_DECISION("io.attache.authz.decision.v1", "audit.authz", "authz-decision"),
  CONFIG_CHANGE("io.attache.config.change.v1", "audit.config", "config-change"),
  RATELIMIT_DECISION("io.attache.ratelimit.decision.v1", "traffic.ratelimit", "ratelimit-decision"),
  ACCESS_LOG("io.attache.access.log.v1", "traffic.access", "access-log");

  private final String cloudEventType;
  private final String topicSuffix;
  private final String schemaName;

  EventType(String cloudEventType, String topicSuffix, String schemaName) {
    this.cloudEventType = cloudEventType;
    this.topicSuffix = topicSuffix;
    this.schemaName = schemaName;
  }

  /** The CloudEvents {@code type} attribute. */
  public String cloudEventType() {
    return cloudEventType;
  }

  /** The topic name without prefix, e.g. {@code audit.authz}. */
  public String topicSuffix() {
    return topicSuffix;
  }

  /** The file name of its schema, {@code docs/events/<name>.schema.json}. */
  public String schemaName() {
    return schemaName;
  }
}
