#!/usr/bin/env bash
# Runs the whole test suite under AddressSanitizer and/or ThreadSanitizer.
#
#   bash Tools/sanitizers.sh [address|thread|all]     (default: all)
#
# Each sanitizer builds in its own scratch folder (.build-asan, .build-tsan),
# so the normal .build is untouched. Exits non-zero if a build fails, a test
# fails, or a sanitizer reports (ASan aborts the process; TSan makes it exit
# with status 66). Extra arguments after the first go to `swift test`
# (e.g. `--filter ConcurrentStressTests`).
#
# LeakSanitizer is off by default (ASAN_OPTIONS=detect_leaks=0): with it on,
# every `dwconv` run that ends in an argument-parsing error reports small
# leaks inside swift-argument-parser (and the XCTest runner some of its own),
# which land on the CLI's standard error and fail the CLI tests that expect a
# single error line. None of the reports was in this package's code. Set
# ASAN_OPTIONS=detect_leaks=1 to see them.
set -euo pipefail
cd "$(dirname "$0")/.."

which=${1:-all}
shift || true
case "$which" in
    address) kinds=(address) ;;
    thread) kinds=(thread) ;;
    all) kinds=(address thread) ;;
    *) echo "usage: $0 [address|thread|all] [swift test arguments...]" >&2; exit 2 ;;
esac

# The Swift runtime's crash backtracer can hang when it attaches to a process
# a sanitizer is aborting; the sanitizers print their own reports.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"

# ThreadSanitizer suppresses exactly one report: the standard library's benign
# race on `_swiftEmptyArrayStorage`, the shared storage of every empty array.
# `Array(unsafeUninitializedCapacity: 0) { ... }` writes the count (0) into it,
# so two threads that each build an empty result at once (here:
# `PreparedCall.run` for an empty result, e.g. depth multiplier 0, in
# ConcurrentStressTests) "race" on it. The Swift project fixed the same race
# for other Array paths (swiftlang/swift#21627, #27808). Set TSAN_OPTIONS
# yourself to run without the suppression.
suppressions=$(mktemp "${TMPDIR:-/tmp}/dwconv-tsan-suppressions.XXXXXX")
trap 'rm -f "$suppressions"' EXIT
echo 'race:_swiftEmptyArrayStorage' >"$suppressions"
export TSAN_OPTIONS="${TSAN_OPTIONS:-suppressions=$suppressions:print_suppressions=1:second_deadlock_stack=1}"

failed=()
for kind in "${kinds[@]}"; do
    case "$kind" in
        address) scratch=.build-asan ;;
        thread) scratch=.build-tsan ;;
    esac
    echo "== swift test --sanitize=$kind (scratch: $scratch)"
    start=$SECONDS
    status=0
    swift test --sanitize="$kind" --scratch-path "$scratch" "$@" || status=$?
    echo "== $kind: exit status $status after $((SECONDS - start)) s"
    if [[ $status -ne 0 ]]; then failed+=("$kind"); fi
done
if [[ ${#failed[@]} -ne 0 ]]; then
    echo "== FAILED under: ${failed[*]}"
    exit 1
fi
echo "== all sanitizer runs passed: ${kinds[*]}"
