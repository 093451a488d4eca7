#!/bin/sh
# Three clones, a few hundred random edits through the CLI with syncs in random order
# (fixed seed): the trees converge and nothing a teammate wrote is lost. The model and
# the checks are in converge.py. EDITS=N SEED=N override the defaults.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

url=$(team_remote team) || { fail "team remote"; exit 1; }
python3 "$(dirname "$0")/converge.py" "$DEALBOARD" "$TMP" "$url" "${EDITS:-150}" "${SEED:-20261120}" \
    > "$TMP/converge.out"
rc=$?
cat "$TMP/converge.out"
grep -c '^ok' "$TMP/converge.out" | while read -r n; do
    i=0; while [ "$i" -lt "$n" ]; do echo ok >> "$TEST_RESULTS"; i=$((i + 1)); done
done
grep -c '^not ok' "$TMP/converge.out" | while read -r n; do
    i=0; while [ "$i" -lt "$n" ]; do echo FAIL >> "$TEST_RESULTS"; i=$((i + 1)); done
done
[ "$rc" -eq 0 ] || grep -q '^not ok' "$TMP/converge.out" || fail "converge.py exited $rc"
