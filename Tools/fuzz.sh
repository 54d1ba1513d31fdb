#!/usr/bin/env bash
# Builds the libFuzzer targets in Tools/fuzz with AddressSanitizer (the
# library instrumented too) and runs one of them for a while.
#
#   bash Tools/fuzz.sh TARGET SECONDS [extra libFuzzer arguments...]
#
# TARGET is FuzzNPY or FuzzOps. The committed seed corpus
# (Tools/fuzz/Corpus/TARGET) is copied to a temporary working corpus, so it
# never grows; crash, timeout and out-of-memory inputs are written to a
# temporary folder printed at the end. Exits non-zero if libFuzzer found
# anything (or the build failed). The last line repeats libFuzzer's
# "#N DONE cov: X ft: Y ..." summary.
#
# Environment: FUZZ_KEEP_CORPUS=DIR keeps the grown working corpus in DIR;
# FUZZ_SKIP_BUILD=1 reuses the last build.
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 FuzzNPY|FuzzOps SECONDS [libFuzzer arguments...]" >&2
    exit 2
fi
target=$1
seconds=$2
shift 2
case "$target" in
    FuzzNPY | FuzzOps) ;;
    *) echo "error: unknown target '$target' (FuzzNPY or FuzzOps)" >&2; exit 2 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
package="$here/fuzz"

if [[ "${FUZZ_SKIP_BUILD:-0}" != 1 ]]; then
    echo "== building $target (release, -sanitize=fuzzer,address)"
    start=$SECONDS
    swift build -c release --package-path "$package" --product "$target" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
    echo "== built in $((SECONDS - start)) s"
fi
binary="$(swift build -c release --package-path "$package" --show-bin-path \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)/$target"

work=$(mktemp -d "${TMPDIR:-/tmp}/dwconv-fuzz-$target.XXXXXX")
mkdir -p "$work/corpus" "$work/crashes"
cp "$package/Corpus/$target/"* "$work/corpus/"
log="$work/fuzz.log"

echo "== fuzzing $target for $seconds s (log: $log)"
# The Swift runtime's backtracer would otherwise attach to every crash and can
# hang; libFuzzer and AddressSanitizer print their own stack traces.
status=0
SWIFT_BACKTRACE=enable=no ASAN_OPTIONS="${ASAN_OPTIONS:-}" "$binary" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/crashes/" "$@" "$work/corpus" "$package/Corpus/$target" \
    >"$log" 2>&1 || status=$?

# libFuzzer's progress lines go to the log; show the interesting part.
grep -E '^INFO: (Loaded|Seed)|^stat::|ERROR|FINDING|Fatal error|Test unit written|SUMMARY' "$log" || true
if [[ -n "${FUZZ_KEEP_CORPUS:-}" ]]; then
    mkdir -p "$FUZZ_KEEP_CORPUS"
    cp "$work/corpus/"* "$FUZZ_KEEP_CORPUS/" 2>/dev/null || true
fi
# A slow-unit file only records the slowest input (libFuzzer still ran it to
# completion under -timeout); crashes, timeouts, leaks and OOMs count.
crashes=$(find "$work/crashes" -type f ! -name 'slow-unit-*' | wc -l)
summary=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
echo "== working corpus: $(find "$work/corpus" -type f | wc -l) inputs in $work/corpus"
if [[ $status -ne 0 || $crashes -ne 0 ]]; then
    echo "== $target FOUND A PROBLEM (libFuzzer exit status $status); inputs in $work/crashes:"
    ls -l "$work/crashes"
    echo "   reproduce: SWIFT_BACKTRACE=enable=no $binary $work/crashes/<file>"
    echo "$summary"
    exit 1
fi
echo "$summary"
