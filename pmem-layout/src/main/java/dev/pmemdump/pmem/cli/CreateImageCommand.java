package dev.pmemdump.pmem.cli;

import dev.pmemdump.io.MappedImage;
import dev.pmemdump.io.MemParse;
import dev.pmemdump.pmem.dax.DaxMapping;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
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
        if (Files.exists(file) && !force) {
            throw new FileAlreadyExistsException(file + ": exists, use --force to replace it");
        }
        try (MappedImage m = DaxMapping.create(file, bytes, spec.commandLine().getErr()::println)) {
            spec.commandLine().getErr().println("created " + m.path() + " (" + bytes + " bytes, sparse)");
        }
        return 0;
    }
}
