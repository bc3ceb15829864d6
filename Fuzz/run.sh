#!/bin/sh
# Builds the libFuzzer harness (release, AddressSanitizer, own scratch path) and fuzzes one target on one core.
#
#   Fuzz/run.sh callline|transcript [RUNS]      RUNS defaults to 1000000
#
# New interesting inputs collect in .build-fuzz/corpus/TARGET; a crash, hang (over 5 s) or broken invariant stops
# the run and leaves the input in .build-fuzz/artifacts/. Reproduce one with a plain build:
#   swift run baysh-fuzz TARGET FILE
set -eu
usage="usage: Fuzz/run.sh callline|transcript [RUNS]"
target=${1:?$usage}
runs=${2:-1000000}
case $target in
callline | transcript) ;;
*)
    echo "$usage" >&2
    exit 2
    ;;
esac
cd "$(dirname "$0")/.."
swift build -c release --scratch-path .build-fuzz --product baysh-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DBAYSH_LIBFUZZER -Xswiftc -use-ld=lld
mkdir -p ".build-fuzz/corpus/$target" .build-fuzz/artifacts
# The Swift runtime's crash reporter would wait on a crash libFuzzer already reports.
BAYSH_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no exec .build-fuzz/release/baysh-fuzz \
    -runs="$runs" -max_len=4096 -timeout=5 -workers=1 -dict="Fuzz/$target.dict" -print_final_stats=1 \
    -artifact_prefix=".build-fuzz/artifacts/$target-" \
    ".build-fuzz/corpus/$target" "Fuzz/corpus/$target" "Fuzz/seeds/$target"
