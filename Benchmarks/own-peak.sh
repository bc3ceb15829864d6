#!/bin/sh
# Prints the peak resident memory (VmHWM) of COMMAND's own process, and of every process it starts, each read by
# the process itself as it exits. A parent's ru_maxrss cannot give this for baysh: wait4 folds in the largest
# child the waited process reaped itself, and baysh reaps its MCP server (152 MB for `baysh-test-server --tools
# 10000`). A process killed by a signal reports nothing.
#
#   Benchmarks/own-peak.sh .build/release/baysh --mcp '.build/release/baysh-test-server --tools 10000' -c ':tools'
set -eu
[ $# -gt 0 ] || { echo "usage: $0 COMMAND [ARGUMENT...]" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/own-peak-XXXXXX")
trap 'rm -rf "$work"' EXIT
cat > "$work/peak.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* Run at exit in every process that loads this library: append "name VmHWM" to $OWN_PEAK_FILE. */
__attribute__((destructor)) static void report(void) {
    const char *path = getenv("OWN_PEAK_FILE");
    FILE *status = fopen("/proc/self/status", "r");
    FILE *out = path ? fopen(path, "a") : NULL;
    char line[256], name[64] = "?";
    if (!status || !out) return;
    while (fgets(line, sizeof line, status)) {
        if (!strncmp(line, "Name:", 5)) sscanf(line + 5, "%63s", name);
        if (!strncmp(line, "VmHWM:", 6)) fprintf(out, "%s %s", name, line + 6);
    }
    fclose(status);
    fclose(out);
}
C
cc -shared -fPIC -O2 -o "$work/peak.so" "$work/peak.c"
mkdir "$work/data" "$work/state" "$work/config"
status=0
XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config" \
    OWN_PEAK_FILE="$work/peaks" LD_PRELOAD="$work/peak.so" "$@" < /dev/null > /dev/null 2>&1 || status=$?
# One line per process, e.g. "baysh 33632 kB"; then the command's exit status.
tr -s ' \t' ' ' < "$work/peaks"
echo "exit status $status"
