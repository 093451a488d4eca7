#!/bin/sh
# The push race: a teammate pushes between our fetch and our push. The refused push
# is noticed (libgit2 reports it through push_update_reference or as a local
# non-fast-forward) and sync fetches, merges and pushes again by itself.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

url=$(team_remote team) || { fail "team remote"; exit 1; }
a=$(clone_as "$url" alice "Alice Ames") && b=$(clone_as "$url" bob "Bob Brown") ||
    { fail "clones"; exit 1; }
id=$(db -C "$a" add "Race deal" --value 1000)
db -C "$a" sync > /dev/null && db -C "$b" sync > /dev/null

db -C "$a" note "$id" "alice during the race" > /dev/null
db -C "$b" set "$id" value 2000 > /dev/null
# Alice fetches, then waits 1.5 s before pushing; Bob pushes in that window.
DEALBOARD_TEST_PUSH_DELAY_MS=1500 "$DEALBOARD" -C "$a" sync > "$TMP/a.out" 2> "$TMP/a.err" &
pid=$!
sleep 0.5
expect_exit "bob pushes while alice waits" 0 db -C "$b" sync
wait $pid
expect_eq "alice's sync still succeeds" "0" "$?"
expect_contains "alice merged bob's change on the second round" "merged" "$(cat "$TMP/a.out")"
expect_contains "and pushed" "Pushed" "$(cat "$TMP/a.out")"
db -C "$b" sync > /dev/null
expect_eq "both trees equal" "$(git -C "$a" rev-parse 'HEAD^{tree}')" "$(git -C "$b" rev-parse 'HEAD^{tree}')"
expect_eq "bob's value kept" 2000 "$(field "$a" "$id" 'd["value"]')"
expect_contains "alice's note kept" "alice during the race" "$(field "$b" "$id" 'd["log"]')"
expect_eq "the remote has alice's note" "$(git -C "$a" rev-parse HEAD)" "$(git -C "$TMP/team.git" rev-parse main)"

# Two syncs started at the same moment, repeatedly: both always end well.
i=0; bad=0 lost=0
while [ $i -lt 5 ]; do
    db -C "$a" note "$id" "a $i" > /dev/null; db -C "$b" note "$id" "b $i" > /dev/null
    "$DEALBOARD" -C "$a" sync > /dev/null 2>&1 & p1=$!
    "$DEALBOARD" -C "$b" sync > /dev/null 2>&1 & p2=$!
    wait $p1 || bad=$((bad + 1)); wait $p2 || bad=$((bad + 1))
    # Each sync that said "pushed" has its commit on the remote: neither push
    # overwrote the other (libgit2's local transport writes the branch forced).
    for c in "$a" "$b"; do
        git --git-dir="$TMP/team.git" merge-base --is-ancestor "$(git -C "$c" rev-parse HEAD)" main ||
            lost=$((lost + 1))
    done
    i=$((i + 1))
done
expect_eq "10 simultaneous syncs, none failed" 0 "$bad"
expect_eq "after each pair, both clones' commits are on the remote" 0 "$lost"
db -C "$a" sync > /dev/null; db -C "$b" sync > /dev/null
expect_eq "trees equal after simultaneous syncs" "$(git -C "$a" rev-parse 'HEAD^{tree}')" "$(git -C "$b" rev-parse 'HEAD^{tree}')"
expect_eq "all 10 notes present" 10 "$(field "$a" "$id" 'sum(1 for e in d["log"] if e["text"][:2] in ("a ","b "))')"
