#!/bin/sh
# Maintenance: loose objects (a few per commit, thousands a year) go into one
# pack, by `doctor --repack` and by a sync past git's own threshold. Nothing is
# dropped: every object, reachable or not, is still there, git fsck is clean,
# teammates sync on.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

loose() { git -C "$1" count-objects -v | sed -n 's/^count: //p'; }
url=$(team_remote team) || { fail "team remote"; exit 1; }
a=$(clone_as "$url" alice "Alice Seller") || { fail "clone alice"; exit 1; }
id=$(db -C "$a" add "Acme rollout" --value 1000)
i=0; while [ $i -lt 20 ]; do db -C "$a" note "$id" "note $i" > /dev/null; i=$((i + 1)); done
stray=$(echo "an object nothing refers to" | git -C "$a" hash-object -w --stdin)
all_before=$(git -C "$a" cat-file --batch-all-objects --batch-check | sort)
[ "$(loose "$a")" -gt 60 ] && ok "twenty edits leave loose objects ($(loose "$a"))" ||
    fail "twenty edits leave loose objects" "$(loose "$a")"

expect_exit "doctor --repack" 0 db -C "$a" doctor --repack
expect_contains "it says what it did" "Packed" "$OUT"
expect_eq "no loose object is left" 0 "$(loose "$a")"
expect_eq "every object is still there" "$all_before" \
    "$(git -C "$a" cat-file --batch-all-objects --batch-check | sort)"
check "the object nothing refers to too" git -C "$a" cat-file -e "$stray"
assert_invariants "$a" "invariants after the repack"
expect_exit "an edit after it" 0 db -C "$a" note "$id" "after the repack"
expect_exit "and a sync" 0 db -C "$a" sync
b=$(clone_as "$url" bob "Bob Buyer") || fail "a teammate clones"
check "the teammate has every note" sh -c "grep -q 'after the repack' '$(deal_file "$b" "$id")'"

# Past git's threshold (gc.auto: about 6,700 loose objects) a sync packs them.
mkdir "$TMP/blobs"
i=0; while [ $i -lt 9000 ]; do printf 'blob %s\n' "$i" > "$TMP/blobs/$i"; i=$((i + 1)); done
ls "$TMP/blobs" | sed "s|^|$TMP/blobs/|" | git -C "$a" hash-object -w --stdin-paths > /dev/null
before=$(loose "$a")
[ "$before" -gt 8000 ] && ok "many loose objects ($before)" || fail "many loose objects" "$before"
db -C "$b" note "$id" "bob's note" > /dev/null && db -C "$b" sync > /dev/null || fail "bob syncs"
expect_exit "alice's sync" 0 db -C "$a" sync
expect_eq "left no loose object" 0 "$(loose "$a")"
assert_invariants "$a" "invariants after the automatic pack"
check "bob's note arrived" sh -c "grep -q \"bob's note\" '$(deal_file "$a" "$id")'"
