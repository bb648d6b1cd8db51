package dev.pmemdump.pmem.cli;

import dev.pmemdump.io.AtomicOutput;
import dev.pmemdump.io.MemParse;
import dev.pmemdump.io.OutputRules;
import dev.pmemdump.io.Writes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Creates an all-zero sparse image file, as QEMU's memory-backend-file would find a new one. */
@Command(name = "create-image", mixinStandardHelpOptions = true,
        description = "Create a sparse all-zero region image (no byte is written; cost does not grow with size).")
final class CreateImageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE")
    Path file;
    @Option(names = {"-s", "--size"}, required = true, description = "Image size, e.g. 512M or 1T "
            + "(for nvdimm images this includes the label area).")
    String size;
    @Option(names = "--label-size", defaultValue = "128K", description = "Label area size the image is meant for "
            + "(checked against --size only).")
    String labelSize;
    @Option(names = {"-f", "--force"}, description = "Replace an existing file.")
    boolean force;

    @Override
    public Integer call() throws Exception {
        long bytes = MemParse.parse(size);
        long labels = MemParse.parse(labelSize);
        if (bytes <= labels) {
            throw new IllegalArgumentException("--size " + size + " leaves no room for a region after a "
                    + labelSize + " label area");
        }
        // Built beside the target and renamed: a size the file system refuses leaves no empty image.
        // Synced, file and directory, so that a reset right after durable (MAP_SYNC) stores into it
        // still finds the file on a DAX file system.
        try (AtomicOutput out = AtomicOutput.create(file, OutputRules.of(force, "--force"))) {
            try {
                Writes.fully(out.channel(), ByteBuffer.allocate(1), bytes - 1);
            } catch (IOException e) {
                throw new IOException(file + ": cannot make a " + size + " image: " + e.getMessage(), e);
            }
            out.commit();
        }
        try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
        spec.commandLine().getErr().println("created " + file + " (" + bytes + " bytes, sparse)");
        return 0;
    }
}
