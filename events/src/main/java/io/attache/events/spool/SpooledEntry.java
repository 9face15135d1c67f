package io.attache.events.spool;

/**
 * A record read back from the spool, with where it starts (its place in the order) and where it
 * ends (what to commit once it is delivered).
 */
public record SpooledEntry(SpoolRecord record, SpoolPosition start, SpoolPosition end) {}
