package dev.pmemdump.filter;

import dev.pmemdump.filter.flat.FlattenedReader;
import dev.pmemdump.filter.flat.FlattenedSink;
import dev.pmemdump.filter.kdump.KdumpReader;
import dev.pmemdump.filter.kdump.KdumpWriter;
import dev.pmemdump.filter.kdump.PageCodec;
import dev.pmemdump.filter.page.FileSink;
import dev.pmemdump.filter.page.PageBitmap;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.io.Progress;
import dev.pmemdump.testing.Fixtures;
import dev.pmemdump.testing.Tools;
import dev.pmemdump.testing.OracleTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kdump-compressed writer and reader against makedumpfile 1.7.2 and libkdumpfile on the real
 * 6.1 vmcore: makedumpfile's own -l output is the input, and every file we write must be read back
 * page for page by us, by libkdumpfile and (zlib, lzo) by makedumpfile itself.
 */
@OracleTest
class KdumpFormatTest {
    static final String VMCORE = "linux-6.1-qemu/kdump-file/vmcore.raw.zst";
    /** sha256 of makedumpfile -l -d 31 on the fixture, from host-analysis/outputs-sha256.txt. */
    static final String RECORDED_L31 = "87589579c455e487f4c77bbc6cedc6da0d6eee3a912ab33c23ed095884e514d1";

    @TempDir
    static Path dir;
    static Path l31;

    @BeforeAll
    static void makedumpfileOutput() throws Exception {
        Path mdf = Tools.require("makedumpfile");
        Path vmcore = Fixtures.unzstd(VMCORE);
        l31 = dir.resolve("l31.kdump");
        Tools.run(List.of(mdf.toString(), "-l", "-d", "31", vmcore.toString(), l31.toString()), dir, 120).assertOk();
        assertEquals(RECORDED_L31, sha256(l31), "makedumpfile did not reproduce the recorded -l -d 31 output");
    }

    @Test
    void readsMakedumpfileHeaders() throws IOException {
        try (KdumpReader r = KdumpReader.open(l31)) {
            assertEquals(0x17fdf, r.maxMapnr());
            assertEquals(2, r.crashInfo().nrCpus());
            assertEquals(31, r.header().dumpLevel());
            assertEquals(PageCodec.LZO, r.header().codec());
            assertEquals("Linux", r.header().utsField(0));
            assertEquals("6.1.0-56-amd64", r.header().utsField(2));
            assertTrue(r.vmcoreinfo().startsWith("OSRELEASE=6.1.0-56-amd64\n"));
            // Report of that run: remaining 0x7036 counts the 0x3430 kernel-text pages twice and
            // leaves out the 0x5606 zero pages, which stay in the 2nd bitmap of a kdump file.
            assertEquals(0x7036 - 0x3430 + 0x5606, r.readable().cardinality());
            // Original pages 0x1330f also counts the text twice.
            assertEquals(0x1330f - 0x3430, r.present().cardinality());
        }
    }

    @ParameterizedTest
    @EnumSource(PageCodec.class)
    void everyCodecRoundTrips(PageCodec codec) throws IOException {
        Path out = dir.resolve("rt-" + codec + ".kdump");
        write(l31, out, 31, codec, 2);
        byte[] a = new byte[4096], b = new byte[4096];
        int compressed = 0;
        try (KdumpReader in = KdumpReader.open(l31); KdumpReader ours = KdumpReader.open(out)) {
            assertEquals(codec, ours.header().codec());
            PageBitmap pages = in.readable();
            assertArrayEquals(bits(pages), bits(ours.readable()));
            for (long pfn = pages.nextSet(0); pfn >= 0; pfn = pages.nextSet(pfn + 1)) {
                in.read(pfn, a);
                ours.read(pfn, b);
                assertArrayEquals(a, b, "pfn 0x" + Long.toHexString(pfn));
                int flags = ours.desc(pfn).flags();
                assertTrue(flags == 0 || flags == codec.flag());
                compressed += flags != 0 ? 1 : 0;
            }
            assertArrayEquals(in.crashInfo().notes(), ours.crashInfo().notes());
        }
        assertTrue(codec == PageCodec.NONE ? compressed == 0 : compressed > 10_000, codec + ": " + compressed);
    }

    @Test
    void zlibOutputIsByteIdenticalToMakedumpfile() throws IOException {
        Path theirs = dir.resolve("mdf-c.kdump");
        runMakedumpfile("-c", "-d", "1", l31.toString(), theirs.toString());
        Path ours = dir.resolve("ours-c.kdump");
        // makedumpfile ORs the input's dump level into a re-filtered dump's header: 1 | 31.
        write(l31, ours, 31, PageCodec.ZLIB, 1);
        assertEquals(sha256(theirs), sha256(ours));
        Path threaded = dir.resolve("ours-c-3.kdump");
        write(l31, threaded, 31, PageCodec.ZLIB, 3);
        assertEquals(sha256(ours), sha256(threaded), "--num-threads changed the output");
    }

    @ParameterizedTest
    @EnumSource(value = PageCodec.class, names = {"LZO", "NONE"})
    void makedumpfileRefiltersOurFiles(PageCodec codec) throws IOException {
        Path ours = dir.resolve("for-mdf-" + codec + ".kdump");
        write(l31, ours, 31, codec, 1);
        Path fromOurs = dir.resolve("mdf-from-ours-" + codec + ".kdump");
        Path fromTheirs = dir.resolve("mdf-from-theirs-" + codec + ".kdump");
        runMakedumpfile("-c", "-d", "1", ours.toString(), fromOurs.toString());
        runMakedumpfile("-c", "-d", "1", l31.toString(), fromTheirs.toString());
        assertEquals(sha256(fromTheirs), sha256(fromOurs));
    }

    @ParameterizedTest
    @EnumSource(value = PageCodec.class, names = {"LZO", "SNAPPY", "ZSTD"})
    void libkdumpfileReadsTheSamePages(PageCodec codec) throws IOException {
        Path py = Tools.requirePython("kdumpfile");
        Path ours = dir.resolve("for-libkdumpfile-" + codec + ".kdump");
        write(l31, ours, 31, codec, 2);
        String script = """
                import kdumpfile, hashlib, sys
                k = kdumpfile.kdumpfile(sys.argv[1]); h = hashlib.sha256(); n = 0
                for pfn in range(0, 0x17fdf):
                    try: b = k.read(kdumpfile.KDUMP_MACHPHYSADDR, pfn * 4096, 4096)
                    except Exception: continue
                    h.update(pfn.to_bytes(8, 'little')); h.update(b); n += 1
                print(n, h.hexdigest())
                """;
        String theirs = Tools.run(List.of(py.toString(), "-c", script, l31.toString()), dir, 300).assertOk().stdout();
        String mine = Tools.run(List.of(py.toString(), "-c", script, ours.toString()), dir, 300).assertOk().stdout();
        assertTrue(theirs.startsWith((0x7036 - 0x3430 + 0x5606) + " "), theirs);
        assertEquals(theirs, mine);
    }

    @Test
    void flattenedStreamRebuildsToTheSameFile() throws IOException {
        Path direct = dir.resolve("direct.kdump");
        write(l31, direct, 31, PageCodec.LZO, 1);
        Path flat = dir.resolve("stream.flat");
        try (KdumpReader r = KdumpReader.open(l31);
             OutputStream os = new BufferedOutputStream(Files.newOutputStream(flat))) {
            FlattenedSink sink = new FlattenedSink(os);
            new KdumpWriter(r, KdumpWriter.Options.whole(31, PageCodec.LZO, 1))
                    .write(r.present(), r.readable(), sink, Progress.silent());
            sink.finish();
        }
        Path byMakedumpfile = dir.resolve("rebuilt-mdf.kdump");
        Tools.Run run = Tools.run(List.of("sh", "-c", "makedumpfile -R " + byMakedumpfile + " < " + flat), dir, 120);
        run.assertOk();
        assertEquals(sha256(direct), sha256(byMakedumpfile));
        Path byUs = dir.resolve("rebuilt-ours.kdump");
        try (InputStream in = Files.newInputStream(flat);
             FileChannel ch = FileChannel.open(byUs, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            new FlattenedReader(flat.toString(), in).rebuild(new FileSink(ch));
        }
        assertEquals(sha256(direct), sha256(byUs));
    }

    @Test
    void truncatedFlattenedStreamIsNamed() throws IOException {
        byte[] head = new byte[4096 + 16 + 10];
        System.arraycopy("makedumpfile".getBytes(), 0, head, 0, 12);
        ByteBuffer.wrap(head).order(ByteOrder.BIG_ENDIAN).putLong(16, 1).putLong(24, 1).putLong(4096, 0).putLong(4104, 100);
        IOException e = assertThrows(IOException.class, () -> new FlattenedReader("stdin",
                new java.io.ByteArrayInputStream(head)).rebuild(new FileSink(null)));
        assertTrue(e.getMessage().startsWith("stdin: offset 0x101a: stream ends inside the record data"), e.getMessage());
    }

    @Test
    void corruptPageDescriptorIsNamed() throws IOException {
        Path bad = dir.resolve("bad-desc.kdump");
        Files.copy(l31, bad);
        long pdTable;
        long firstRaw;
        try (KdumpReader r = KdumpReader.open(l31)) {
            pdTable = r.header().pageDescOffset();
            firstRaw = r.readable().nextSet(0);
        }
        try (FileChannel ch = FileChannel.open(bad, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE - 10), pdTable);
        }
        try (KdumpReader r = KdumpReader.open(bad)) {
            CorruptInputException e = assertThrows(CorruptInputException.class, () -> r.read(firstRaw, new byte[4096]));
            assertEquals(pdTable, e.offset());
            assertTrue(e.getMessage().startsWith(bad + ": offset 0x" + Long.toHexString(pdTable) + ": page_desc of pfn"));
        }
    }

    @Test
    void truncatedDumpIsNamed() throws IOException {
        Path cut = dir.resolve("cut.kdump");
        try (InputStream in = Files.newInputStream(l31)) {
            Files.write(cut, in.readNBytes(0x3000));
        }
        IOException e = assertThrows(IOException.class, () -> KdumpReader.open(cut));
        assertTrue(e.getMessage().startsWith(cut.toString() + ": offset 0x"), e.getMessage());
        Path notKdump = dir.resolve("zeros.kdump");
        Files.write(notKdump, new byte[8192]);
        CorruptInputException c = assertThrows(CorruptInputException.class, () -> KdumpReader.open(notKdump));
        assertTrue(c.getMessage().contains("no \"KDUMP   \" signature"));
    }

    static void write(Path in, Path out, int level, PageCodec codec, int threads) throws IOException {
        try (KdumpReader r = KdumpReader.open(in);
             FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            new KdumpWriter(r, KdumpWriter.Options.whole(level, codec, threads))
                    .write(r.present(), r.readable(), new FileSink(ch), Progress.silent());
        }
    }

    static void runMakedumpfile(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(Tools.require("makedumpfile").toString()));
        cmd.addAll(Arrays.asList(args));
        Tools.run(cmd, dir, 120).assertOk();
    }

    static long[] bits(PageBitmap b) {
        long[] out = new long[(int) b.cardinality()];
        int i = 0;
        for (long p = b.nextSet(0); p >= 0; p = b.nextSet(p + 1)) {
            out[i++] = p;
        }
        return out;
    }

    static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
