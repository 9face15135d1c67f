package io.attache.events.spool;

/** A record read back from the spool, with the position just after it (what to commit). */
public record SpooledEntry(SpoolRecord record, SpoolPosition end) {}
