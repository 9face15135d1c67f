package io.attache.crds;

/**
 * What became of one version of a policy: accepted, or why not. The one verdict type the services
 * compute and {@link AcceptedStatus} writes; plain data, so the services' cores can return it.
 */
public record Verdict(boolean accepted, String reason, String message, long generation) {
  public static final String ACCEPTED = "Accepted";
  public static final String INVALID = "Invalid";
  public static final String CONFLICTED = "Conflicted";
}
