package io.attache.ratelimit.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration that cannot be used, with every error found in it. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<ConfigError> errors;

  public ConfigException(List<ConfigError> errors) {
    super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  public List<ConfigError> errors() {
    return errors;
  }
}
