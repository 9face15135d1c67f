package io.attache.cli;

import picocli.CommandLine.Command;

/** {@code attache authz ...}: offline tools for authorization policies. */
@Command(
    name = "authz",
    mixinStandardHelpOptions = true,
    description = "Offline authorization tools.",
    subcommands = {AuthzCheckCommand.class})
final class AuthzCommand {}
