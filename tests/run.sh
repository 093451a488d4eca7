#!/bin/sh
# Runs every test: cmocka unit binaries, then the shell suites (cli, tui, sync).
# Ends with the line "N passed, N failed". TESTS=glob limits the shell suites,
# e.g. TESTS='cli/*' make test.
set -u
: "${DEALBOARD:?set DEALBOARD to the binary}" "${UNIT_DIR:?set UNIT_DIR}"
top=$(cd "$(dirname "$0")/.." && pwd)
TEST_RESULTS=$(mktemp)
# Sanitizer builds (make check): leaks inside libraries are not ours to fix.
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$top/tests/lsan.supp:print_suppressions=0}
export DEALBOARD TEST_RESULTS LSAN_OPTIONS
trap 'rm -f "$TEST_RESULTS"' EXIT

for bin in "$UNIT_DIR"/test_*; do
    [ -x "$bin" ] || continue
    name=unit/$(basename "$bin")
    out=$("$bin" 2>&1)
    rc=$?
    pass=$(printf '%s\n' "$out" | grep -c '^\[       OK \]')
    # cmocka names a failed test twice (when it fails and in the summary).
    fail=$(printf '%s\n' "$out" | grep '^\[  FAILED  \] [a-z_]' | sort -u | grep -c .)
    if [ $rc -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi   # crashed before reporting
    i=0; while [ $i -lt "$pass" ]; do echo ok >> "$TEST_RESULTS"; i=$((i + 1)); done
    i=0; while [ $i -lt "$fail" ]; do echo FAIL >> "$TEST_RESULTS"; i=$((i + 1)); done
    if [ "$fail" -gt 0 ]; then
        printf '%s\n' "$out" | grep -E 'FAILED|ERROR|error|Assert' | head -20
        echo "not ok - $name ($fail failed)"
    else
        echo "ok - $name ($pass tests)"
    fi
done

for suite in cli tui sync; do
    for script in "$top"/tests/$suite/*.sh; do
        [ -f "$script" ] || continue
        rel=$suite/$(basename "$script")
        case "$rel" in ${TESTS:-*}) ;; *) continue ;; esac
        echo "# $rel"
        sh "$script"
        rc=$?
        # A script that dies early must not pass silently.
        if [ $rc -ne 0 ]; then
            echo "not ok - $rel exited with $rc"
            echo FAIL >> "$TEST_RESULTS"
        fi
    done
done

passed=$(grep -c '^ok' "$TEST_RESULTS")
failed=$(grep -c '^FAIL' "$TEST_RESULTS")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
