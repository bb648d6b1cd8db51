#!/bin/bash
# dracut module: pmemdump's makedumpfile in the kdump initramfs (Fedora/RHEL kdump, mkdumprd).
# Installs the self-contained tree of @PREFIX@ (its own Java runtime, no JDK needed) and makes
# "makedumpfile" in the image pmemdump's launcher, so kdump.conf's
#     core_collector makedumpfile -l --message-level 7 -d 31
# runs it. Included only on request: kdump.conf "dracut_args --add pmemdump".

pmemdump_prefix=@PREFIX@

check() {
    [[ -x $pmemdump_prefix/sbin/makedumpfile && -d $pmemdump_prefix/lib/pmemdump/runtime ]] || return 1
    return 255
}

depends() {
    return 0
}

# The versioned tree and the lib/pmemdump symlink the launcher names, as they are on the host.
# The runtime's shared objects are not executable files, and dracut-install only follows the
# libraries of executable ones: the system libraries they need (libc, libdl, libpthread, libm,
# librt, the dynamic loader) are installed from ldd's answer here. The AOT cache stays out: the
# initramfs lives in the capture kernel's RAM, where 21 MB weigh more than 0.4 s of start-up.
pmemdump_install_tree() {
    local link=$pmemdump_prefix/lib/pmemdump tree f dep
    tree=$(readlink -f "$link") || return 1
    while IFS= read -r -d '' f; do
        inst_simple "$f" || return 1
        case $f in
            */bin/java | *.so)
                for dep in $(ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
                    [[ $dep == "$tree"/* ]] || inst_library "$dep" || return 1
                done
                ;;
        esac
    done < <(find "$tree" -type f ! -name .complete ! -name pmemdump.aot -print0)
    ln -sfn "$(basename "$tree")" "${initdir}${link}"
    inst_simple "$pmemdump_prefix/sbin/makedumpfile" || return 1
}

# makedumpfile -l compresses with liblzo2; the launcher calls the same library when the image has
# it (same bytes, about twice as fast as the built-in compressor), so it goes in beside the tree.
pmemdump_install_lzo() {
    local lib
    lib=$(ldconfig -p 2>/dev/null | awk '$1 == "liblzo2.so.2" {print $NF; exit}')
    [[ -z $lib ]] || inst_library "$lib"
}

# kdumpbase (99, before this module) installed the host's makedumpfile; the image's PATH
# (/usr/sbin:/usr/bin:/sbin:/bin) must find pmemdump's launcher instead.
pmemdump_take_makedumpfile() {
    local d
    for d in usr/sbin usr/bin sbin bin; do
        if [[ -f ${initdir}/$d/makedumpfile && ! -L ${initdir}/$d/makedumpfile ]] \
            || [[ -L ${initdir}/$d/makedumpfile && ! -d ${initdir}/$d/makedumpfile ]]; then
            rm -f "${initdir}/$d/makedumpfile"
        fi
    done
    mkdir -p "${initdir}/usr/sbin"
    ln -sfn "$pmemdump_prefix/sbin/makedumpfile" "${initdir}/usr/sbin/makedumpfile"
}

install() {
    pmemdump_install_tree && pmemdump_install_lzo && pmemdump_take_makedumpfile
}
