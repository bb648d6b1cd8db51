package dev.pmemdump.cli.verify;

/**
 * One comparison of a verification run against independent truth.
 *
 * @param scope  where: case, seed and format, e.g. "D seed 3 lzo"
 * @param name   what was compared, e.g. "metadata sha256"
 * @param passed whether it matched
 * @param detail figures, or the mismatch named
 */
record Check(String scope, String name, boolean passed, String detail) {}
