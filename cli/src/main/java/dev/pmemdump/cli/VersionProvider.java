package dev.pmemdump.cli;

import picocli.CommandLine.IVersionProvider;

/** Version from the jar manifest, with the Java runtime that runs it ({@link Main#versionLines()}). */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return Main.versionLines();
    }
}
