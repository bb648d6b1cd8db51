package dev.pmemdump.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Text inputs (/proc/iomem, VMCOREINFO text, scenario JSON) read with a bound: never more than
 * {@code maxBytes} in memory, however large the file or endless the device ({@code /dev/zero}),
 * and strict UTF-8. Both failures are a {@link CorruptInputException} naming the file and line.
 */
public final class TextInput {
    private TextInput() {}

    /**
     * The whole text of {@code file}; {@code what} names the kind of input in the bound's message
     * ("a /proc/iomem listing").
     */
    public static String read(Path file, int maxBytes, String what) throws IOException {
        InputFiles.check(file);
        byte[] buf = new byte[maxBytes];
        int n = 0;
        try (InputStream in = Files.newInputStream(file)) {
            while (n < maxBytes) {
                int r = in.read(buf, n, maxBytes - n);
                if (r < 0) {
                    return decode(file, buf, n);
                }
                n += r;
            }
            if (in.read() >= 0) {
                throw new CorruptInputException(file.toString(), -1, "line " + (lines(buf, n) + 1)
                        + ": longer than " + maxBytes + " bytes, the most " + what + " can be");
            }
        }
        return decode(file, buf, n);
    }

    private static String decode(Path file, byte[] buf, int n) throws CorruptInputException {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(buf, 0, n);
        CharBuffer out = CharBuffer.allocate(n);
        try {
            var r = d.decode(in, out, true);
            if (r.isError()) {
                r.throwException();
            }
            d.flush(out);
        } catch (CharacterCodingException e) {
            throw new CorruptInputException(file.toString(), in.position(), "line " + (lines(buf, in.position()) + 1)
                    + ": not UTF-8 text");
        }
        return out.flip().toString();
    }

    private static int lines(byte[] buf, int end) {
        int count = 0;
        for (int i = 0; i < end; i++) {
            if (buf[i] == '\n') {
                count++;
            }
        }
        return count;
    }
}
