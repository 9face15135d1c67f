package io.attache.cli;

import picocli.CommandLine.Command;

/** {@code attache ratelimit ...}: offline tools for rate-limit configuration. */
@Command(
    name = "ratelimit",
    mixinStandardHelpOptions = true,
    description = "Offline rate-limit tools.",
    subcommands = {RateLimitCheckCommand.class})
final class RateLimitCommand {}
