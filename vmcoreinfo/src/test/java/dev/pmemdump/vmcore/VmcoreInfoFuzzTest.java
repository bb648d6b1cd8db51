package dev.pmemdump.vmcore;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pmemdump.io.CorruptInputException;
import dev.pmemdump.vmcore.devm.DevmMemmapList;

/**
 * Any bytes as a VMCOREINFO note descriptor: parsing always succeeds, and each typed read of a line
 * (by the form of its key, as the consumers ask) gives a value or a {@link CorruptInputException}.
 */
class VmcoreInfoFuzzTest {

    @FuzzTest
    void vmcoreInfo(byte[] data) {
        VmcoreInfo info = VmcoreInfo.parse(data, "fuzz.vmcoreinfo");
        info.text();
        info.buildId();
        for (VmcoreInfo.Entry e : info.entries()) {
            String k = e.key();
            int open = k.indexOf('(');
            String arg = open > 0 && k.endsWith(")") ? k.substring(open + 1, k.length() - 1) : "";
            int dot = arg.indexOf('.');
            attempt(() -> {
                switch (open > 0 ? k.substring(0, open) : k) {
                    case "SYMBOL" -> info.findSymbol(arg);
                    case "NUMBER" -> info.findNumber(arg);
                    case "SIZE" -> info.size(arg);
                    case "LENGTH" -> info.length(arg);
                    case "OFFSET" -> info.offset(dot < 0 ? arg : arg.substring(0, dot), arg.substring(dot + 1));
                    default -> info.require(k);
                }
            });
        }
        attempt(info::osRelease);
        attempt(info::pageSize);
        attempt(info::kernelOffset);
        attempt(info::crashTime);
        attempt(() -> DevmMemmapList.Layout.of(info));
    }

    private interface Read {
        void run() throws CorruptInputException;
    }

    private static void attempt(Read read) {
        try {
            read.run();
        } catch (CorruptInputException expected) {
            // a named error is a right answer to a bad line
        }
    }
}
