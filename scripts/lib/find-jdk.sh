# Sourced by bin/pmemdump, scripts/setup and scripts/install: the one place that finds a JDK.
# find_jdk [MIN] prints the home of the newest JDK >= MIN (default 22) found in JAVA_HOME,
# /usr/lib/jvm, /opt, ~/.sdkman and PATH, or nothing (status 1).

jdk_major() {  # prints the feature version of the JDK whose home is $1, or nothing
    local v
    # A JDK's release file names its version; reading it is much faster than starting a JVM.
    if [ -r "$1/release" ]; then
        v="$(sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9][0-9]*\).*/\2/p' "$1/release")"
        [ -n "$v" ] && { echo "$v"; return; }
    fi
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n1
}

find_jdk() {
    local min="${1:-22}" homes=() d best="" best_v=0 v
    [ -n "${JAVA_HOME:-}" ] && homes+=("$JAVA_HOME")
    for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* "${HOME:-/nonexistent}"/.sdkman/candidates/java/*; do
        homes+=("$d")
    done
    command -v java >/dev/null 2>&1 && homes+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
    for d in "${homes[@]}"; do
        [ -x "$d/bin/java" ] || continue
        v="$(jdk_major "$d")"
        if [ -n "$v" ] && [ "$v" -ge "$min" ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
    done
    [ -n "$best" ] && echo "$best"
}
