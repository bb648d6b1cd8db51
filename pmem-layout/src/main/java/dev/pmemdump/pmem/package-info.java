/**
 * Linux persistent-memory regions and namespaces on image files, byte-exact with the kernel's
 * drivers/nvdimm (reference: docs/pmem-formats.md).
 *
 * <ul>
 * <li>{@link dev.pmemdump.pmem.Region}: one region of an image ({@link dev.pmemdump.pmem.RegionLayout}:
 * QEMU NVDIMM or legacy e820), its namespaces, and the writing verbs.</li>
 * <li>{@link dev.pmemdump.pmem.LabelArea}, {@link dev.pmemdump.pmem.LabelIndex},
 * {@link dev.pmemdump.pmem.NamespaceLabel}: the label storage area.</li>
 * <li>{@link dev.pmemdump.pmem.InfoBlock} and its kinds {@link dev.pmemdump.pmem.PfnInfoBlock} (fsdax,
 * devdax) and {@link dev.pmemdump.pmem.BttInfoBlock} with {@link dev.pmemdump.pmem.Btt} (sector).</li>
 * <li>{@link dev.pmemdump.pmem.Namespace}: what a namespace is, with its memmap and data areas.</li>
 * </ul>
 *
 * Reading never writes; every value from the media is range-checked, and damage is a
 * {@link dev.pmemdump.io.CorruptInputException} naming file and offset. Writes go through one
 * ordered, flushed writer so that label updates are atomic the kernel's way.
 *
 * <p>To add a personality: its info block class implementing {@code InfoBlock}, a probe step in
 * {@code NamespaceAssembly.probe} (in the kernel's order), a case in {@code Region.writePersonality},
 * its mode in {@link dev.pmemdump.pmem.Mode}, and its JSON in the ndctl CLI.
 */
package dev.pmemdump.pmem;
