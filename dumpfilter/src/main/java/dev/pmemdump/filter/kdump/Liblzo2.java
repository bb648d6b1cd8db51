package dev.pmemdump.filter.kdump;

import dev.pmemdump.filter.kdump.PageCodec.PageCompressor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/**
 * liblzo2's {@code lzo1x_1_compress} through the FFM linker: the very function makedumpfile -l
 * calls, which under the launcher's C1-only JIT runs about twice as fast as {@link Lzo1x1Compressor}.
 * It is used only when {@code liblzo2.so.2} loads (it is there wherever makedumpfile is installed:
 * makedumpfile links it), passes its own ABI check ({@code lzo_init()}) and reports version 2.10,
 * the version whose output the Java compressor reproduces byte for byte; so a dump's bytes never
 * depend on which of the two ran. Otherwise the Java compressor runs and {@link #unavailableReason()}
 * says why.
 */
final class Liblzo2 {
    private static final int VERSION_2_10 = 0x20a0;
    private static final int LZO_E_OK = 0;
    /** lzo_init()'s ABI sizes on LP64: short, int, long, lzo_uint32_t, lzo_uint, dict entry, char *, void *, lzo_callback_t. */
    private static final int[] ABI_SIZES = {2, 4, 8, 4, 8, 8, 8, 8, 48};
    /** LZO1X_1_MEM_COMPRESS: 2^14 dictionary entries of a pointer's size. */
    private static final long WORK_MEMORY = (1L << 14) * ValueLayout.ADDRESS.byteSize();

    private static final MethodHandle COMPRESS;
    private static final String UNAVAILABLE;

    static {
        MethodHandle compress = null;
        String why;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup lib = SymbolLookup.libraryLookup("liblzo2.so.2", Arena.global());
            MethodHandle version = linker.downcallHandle(symbol(lib, "lzo_version"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT));
            MethodHandle init = linker.downcallHandle(symbol(lib, "__lzo_init_v2"), initDescriptor());
            int v = (int) version.invokeExact();
            if (v != VERSION_2_10) {
                why = "liblzo2 is version " + Integer.toHexString(v) + ", not 2.10";
            } else if ((int) init.invokeExact(VERSION_2_10, ABI_SIZES[0], ABI_SIZES[1], ABI_SIZES[2], ABI_SIZES[3],
                    ABI_SIZES[4], ABI_SIZES[5], ABI_SIZES[6], ABI_SIZES[7], ABI_SIZES[8]) != LZO_E_OK) {
                why = "liblzo2's lzo_init() refused this ABI";
            } else {
                // critical: a call of a few microseconds, on native memory or arrays of the Java heap without copies
                compress = linker.downcallHandle(symbol(lib, "lzo1x_1_compress"),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
                        Linker.Option.critical(true));
                why = null;
            }
        } catch (IllegalArgumentException e) {
            why = e.getMessage().contains(" has no ") ? e.getMessage()
                    : "liblzo2.so.2 is not installed (" + e.getMessage() + ")";
        } catch (IllegalCallerException e) {
            why = "native access is denied (java needs --enable-native-access=ALL-UNNAMED)";
        } catch (Throwable e) {
            why = "liblzo2.so.2 could not be called: " + e;
        }
        COMPRESS = compress;
        UNAVAILABLE = why;
    }

    private Liblzo2() {}

    private static MemorySegment symbol(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalArgumentException("liblzo2.so.2 has no " + name + "()"));
    }

    private static FunctionDescriptor initDescriptor() {
        ValueLayout[] args = new ValueLayout[1 + ABI_SIZES.length];
        Arrays.fill(args, ValueLayout.JAVA_INT);
        return FunctionDescriptor.of(ValueLayout.JAVA_INT, args);
    }

    /** Null when the native compressor is used, else why the built-in one is. */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** A native compressor for one thread, or null when the library cannot be used. */
    static PageCompressor newCompressor() {
        return COMPRESS == null ? null : new NativePage();
    }

    /** Its own work memory and output-length cell. */
    private static final class NativePage implements PageCompressor {
        private final MemorySegment work = Arena.ofAuto().allocate(WORK_MEMORY, 16);
        private final long[] length = new long[1];
        private final MemorySegment lengthCell = MemorySegment.ofArray(length);

        @Override
        public int compress(MemorySegment src, MemorySegment dst) {
            if (dst.byteSize() < Lzo1x1Compressor.maxCompressedLength(Math.toIntExact(src.byteSize()))) {
                return -1; // liblzo2 trusts the caller with the output's size
            }
            try {
                int rc = (int) COMPRESS.invokeExact(src, src.byteSize(), dst, lengthCell, work);
                return rc == LZO_E_OK ? (int) length[0] : -1;
            } catch (Throwable e) {
                throw new IllegalStateException("lzo1x_1_compress: " + e, e);
            }
        }
    }
}
