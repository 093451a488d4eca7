#!/bin/sh
# A team remote that is a local bare repository: sync copies the objects itself
# (store/packcopy.c). What it copies must be complete (git fsck on every side),
# and a push after a merge sends only what the remote lacks.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

url=$(team_remote team) || { fail "team remote"; exit 1; }
team=$TMP/team.git
a=$(clone_as "$url" alice "Alice Ames") && b=$(clone_as "$url" bob "Bob Brown") ||
    { fail "clones"; exit 1; }
objects() { # DIR: objects in the repository, loose and packed
    git -C "$1" count-objects -v | awk '$1 == "count:" || $1 == "in-pack:" { n += $2 } END { print n }'
}

i=0; ids=""
while [ $i -lt 12 ]; do ids="$ids $(db -C "$a" add "Deal number $i" --value $((i + 1)))"; i=$((i + 1)); done
set -- $ids
db -C "$a" sync > /dev/null && db -C "$b" sync > /dev/null || fail "first syncs"

# Bob edits three deals and adds one; Alice, meanwhile, notes on another.
db -C "$b" set "$1" value 100 > /dev/null
db -C "$b" note "$2" "bob was here" > /dev/null
db -C "$b" move "$3" explore > /dev/null
new=$(db -C "$b" add "Bob's own deal")
expect_exit "bob pushes" 0 db -C "$b" sync
db -C "$a" note "$4" "alice was here" > /dev/null
bob_tip=$(git -C "$team" rev-parse main)
remote_before=$(objects "$team")

expect_exit "alice fetches, merges and pushes" 0 db -C "$a" sync
expect_contains "it was a merge" "merged" "$OUT"
# Every object of Alice's commits that Bob's side cannot reach arrived (libgit2's
# push, the same for every remote since SPEC 7, may send a few more: the old
# versions of files Bob changed), and the remote is whole.
missing=$(git -C "$a" rev-list --objects HEAD --not "$bob_tip" | cut -d' ' -f1 |
    git -C "$team" cat-file --batch-check | grep -c missing)
expect_eq "the push sent every object the remote lacked" 0 "$missing"
sent=$(($(objects "$team") - remote_before))
needed=$(git -C "$a" rev-list --objects HEAD --not "$bob_tip" | wc -l)
[ "$sent" -le $((needed * 2 + 8)) ] && ok "and not much more ($sent for $needed)" ||
    fail "the push sent $sent objects for $needed"
check "the remote passes git fsck --strict" git -C "$team" fsck --strict
expect_eq "the remote's branch is alice's merge" "$(git -C "$a" rev-parse HEAD)" \
    "$(git -C "$team" rev-parse main)"
expect_eq "alice's tracking branch too" "$(git -C "$a" rev-parse HEAD)" \
    "$(git -C "$a" rev-parse origin/main)"
check "alice has bob's new deal" test -f "$(deal_file "$a" "$new")"

expect_exit "bob fast-forwards to the merge" 0 db -C "$b" sync
check "same trees" same_trees "$a" "$b"
check "the remote is complete (fsck)" git -C "$team" fsck --strict --no-dangling
check "alice's repository is complete (fsck)" git -C "$a" fsck --strict --no-dangling
check "bob's repository is complete (fsck)" git -C "$b" fsck --strict --no-dangling
expect_exit "a fresh clone of the remote works" 0 db clone "$url" "$TMP/carol"
check "the clone is complete (fsck)" git -C "$TMP/carol" fsck --strict --no-dangling
check "the clone's tree is alice's" same_trees "$a" "$TMP/carol"

# Nothing new on either side: nothing copied.
remote_before=$(objects "$team"); alice_before=$(objects "$a")
expect_exit "sync with nothing to do" 0 db -C "$a" sync
expect_eq "no objects sent" "$remote_before" "$(objects "$team")"
expect_eq "no objects fetched" "$alice_before" "$(objects "$a")"

# The remote named by a plain path (not file://) works the same.
git -C "$b" remote set-url origin "$team"
db -C "$b" note "$5" "over a plain path" > /dev/null
expect_exit "sync over a plain path" 0 db -C "$b" sync
expect_exit "alice gets it" 0 db -C "$a" sync
expect_contains "the note arrived" "over a plain path" "$(cat "$(deal_file "$a" "$5")")"
check "the remote is still complete (fsck)" git -C "$team" fsck --strict --no-dangling

# A remote that is not bare goes through libgit2, which refuses to push to it.
git clone -q "$team" "$TMP/worktree-remote"
git -C "$a" remote set-url origin "$TMP/worktree-remote"
db -C "$a" note "$6" "to a work tree" > /dev/null
expect_exit "push to a non-bare remote: exit 2" 2 db -C "$a" sync
expect_contains "libgit2 says why" "non-bare" "$ERR"
