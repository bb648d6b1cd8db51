# Sourced by bin/pmemdump and scripts/install: builds cli/target/pmemdump.jar when it is missing or
# older than a source file or a POM. ensure_jar ROOT
ensure_jar() {
    local root="$1" jar="$1/cli/target/pmemdump.jar"
    if [ ! -f "$jar" ] || [ -n "$(find "$root" -path "$root/*/src/main/*" -newer "$jar" -print -quit 2>/dev/null)" ] \
        || [ "$root/pom.xml" -nt "$jar" ] || [ "$root/cli/pom.xml" -nt "$jar" ]; then
        command -v mvn >/dev/null 2>&1 || { echo "pmemdump: Maven (mvn) is needed to build the tool" >&2; return 69; }
        echo "pmemdump: building (mvn package -DskipTests) ..." >&2
        (cd "$root" && mvn -q -B -DskipTests package >&2) || return 70
    fi
}
