package org.domus.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code domus} command. */
@Command(name = "domus", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "A dom0less hypervisor for Linux hosts.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getModule().getDescriptor() != null
                    ? Main.class.getModule().getDescriptor().rawVersion().orElse("dev") : "dev";
            return new String[] {"domus " + v};
        }
    }
}
