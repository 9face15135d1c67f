package io.attache.events.spool;

/**
 * When the spool forces its writes to disk. Every policy forces on segment roll and on close.
 *
 * <ul>
 *   <li>{@code ALWAYS}: after every batch the sink writes; survives a machine crash, costs a disk
 *       flush per batch.
 *   <li>{@code INTERVAL} (default): at most once per interval (default 1 s); a machine crash can
 *       lose the last interval, a process crash loses nothing written.
 *   <li>{@code NEVER}: leaves it to the operating system (still forced on close).
 * </ul>
 */
public enum FsyncPolicy {
  ALWAYS,
  INTERVAL,
  NEVER
}
