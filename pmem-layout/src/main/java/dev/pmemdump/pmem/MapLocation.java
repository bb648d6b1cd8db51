package dev.pmemdump.pmem;

/** Where an fsdax/devdax namespace keeps its struct pages: on the device or in RAM. */
public enum MapLocation {
    DEV(PfnInfoBlock.MODE_PMEM), MEM(PfnInfoBlock.MODE_RAM);

    private final int pfnMode;

    MapLocation(int pfnMode) {
        this.pfnMode = pfnMode;
    }

    /** The {@code nd_pfn_mode} stored in the info block. */
    public int pfnMode() {
        return pfnMode;
    }

    public String ndctlName() {
        return this == DEV ? "dev" : "mem";
    }

    public static MapLocation ofPfnMode(int mode) {
        return mode == PfnInfoBlock.MODE_PMEM ? DEV : MEM;
    }

    public static MapLocation parse(String s) {
        return switch (s) {
            case "dev" -> DEV;
            case "mem" -> MEM;
            default -> throw new IllegalArgumentException("invalid map location '" + s + "'");
        };
    }
}
