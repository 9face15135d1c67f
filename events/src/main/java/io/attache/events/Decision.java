package io.attache.events;

/** The outcome of an authorization check. */
public enum Decision {
  ALLOW,
  DENY
}
