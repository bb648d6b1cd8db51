/**
 * Mapped images with one owner per mapping, bounds-checked bytes, atomic outputs and the named
 * errors every other module reports through. Its FFM calls (file extents, mmap windows of
 * /proc/vmcore) need native access: {@code --enable-native-access=dev.pmemdump.io} on the module
 * path.
 */
module dev.pmemdump.io {
    exports dev.pmemdump.io;
}
