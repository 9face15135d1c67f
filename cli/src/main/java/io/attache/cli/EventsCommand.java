package io.attache.cli;

import picocli.CommandLine.Command;

/** {@code attache events ...}: reading the event stream. */
@Command(
    name = "events",
    mixinStandardHelpOptions = true,
    description = "Event stream tools.",
    subcommands = {EventsTailCommand.class})
final class EventsCommand {}
