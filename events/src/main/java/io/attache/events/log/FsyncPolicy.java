package io.attache.events.log;

/**
 * When the event log forces what it holds to disk. Every policy keeps an answered decision's event
 * across a <em>process</em> crash (SIGKILL, the OOM killer): it is in the page cache, which belongs
 * to the kernel, before the answer leaves. They differ on a <em>machine</em> crash or power loss:
 *
 * <ul>
 *   <li>{@code ALWAYS}: an event is on disk before the answer it records leaves (one flush covers
 *       every event written while the previous flush ran); loses nothing answered, costs the
 *       request a disk flush.
 *   <li>{@code INTERVAL} (default): the log is flushed at most once per interval (default 1 s) by
 *       the shipper's thread; loses at most the events answered in the last interval.
 *   <li>{@code NEVER}: the kernel writes pages back when it chooses (Linux: within {@code
 *       vm.dirty_expire_centisecs}, 30 s by default); loses what it had not yet written. Still
 *       flushed on close.
 * </ul>
 */
public enum FsyncPolicy {
  ALWAYS,
  INTERVAL,
  NEVER
}
