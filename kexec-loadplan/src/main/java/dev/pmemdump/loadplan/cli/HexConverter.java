package dev.pmemdump.loadplan.cli;

import picocli.CommandLine.ITypeConverter;

/** Addresses such as {@code 0xffff8885c0000000}, which do not fit a signed long in decimal. */
final class HexConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        String v = value.startsWith("0x") || value.startsWith("0X") ? value.substring(2) : value;
        try {
            return Long.parseUnsignedLong(v, 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a hex address: '" + value + "'");
        }
    }
}
