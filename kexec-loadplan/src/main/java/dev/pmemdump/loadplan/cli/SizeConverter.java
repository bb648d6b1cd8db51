package dev.pmemdump.loadplan.cli;

import dev.pmemdump.io.MemParse;
import picocli.CommandLine.ITypeConverter;

/** Option values like {@code 2G}, {@code 0x40020} or {@code 512M}, read as the kernel's memparse does. */
final class SizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        return MemParse.parse(value);
    }
}
