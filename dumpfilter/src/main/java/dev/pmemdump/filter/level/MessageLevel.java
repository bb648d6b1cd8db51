package dev.pmemdump.filter.level;

/** makedumpfile's --message-level bits (its print_info.h). */
public final class MessageLevel {
    private MessageLevel() {}

    public static final int PROGRESS = 0x01;
    public static final int COMMON = 0x02;
    public static final int ERROR = 0x04;
    public static final int DEBUG = 0x08;
    public static final int REPORT = 0x10;
    /** makedumpfile's default when --message-level is not given. */
    public static final int DEFAULT = PROGRESS | COMMON | ERROR;
}
