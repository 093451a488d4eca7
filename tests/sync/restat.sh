#!/bin/sh
# The index's stat data after a commit and a sync is that of the files in
# place. A rename changes a file's ctime, and git counts a ctime other than the
# index's as "not up to date": `git sparse-checkout set` then left a deal that
# a sync had just written checked out and unmarked (CI caught it when a
# second boundary fell between writing and renaming). strace holds every
# rename back for 1.1 s, so that boundary is crossed each time.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

command -v strace > /dev/null || { fail "strace is needed (scripts/deps.sh installs it)"; exit 1; }
slow_db() { # like db, with every rename held back past a second boundary.
    # LeakSanitizer cannot run under ptrace: leaks are checked everywhere else.
    _out=$(ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -o /dev/null -e trace=rename -e inject=rename:delay_enter=1100000 \
        "$DEALBOARD" "$@" 2> "$TMP/slow.err")
    _rc=$?
    OUT=$_out ERR=$(cat "$TMP/slow.err")
    return $_rc
}
fresh_stat() { # DIR DESC: git diff-files (no refresh) finds nothing. Before
    # git status, which refreshes the index.
    if _d=$(git -C "$1" diff-files --name-only 2>&1) && [ -z "$_d" ]; then ok "$2"
    else fail "$2" "stat data differs for: $_d"; fi
}

url=$(team_remote team) || { fail "team remote"; exit 1; }
a=$(clone_as "$url" alice "Alice Seller") || { fail "clone alice"; exit 1; }
b=$(clone_as "$url" bob "Bob Buyer") || { fail "clone bob"; exit 1; }
one=$(db -C "$a" add "Deal One" --value 100)
two=$(db -C "$a" add "Deal Two" --value 200)
check "alice pushes" db -C "$a" sync
check "bob takes them" db -C "$b" sync

check "a note, renames slowed: exit 0" slow_db -C "$a" note "$one" "slow note"
fresh_stat "$a" "the note: the index has the stat data of the file in place"
assert_invariants "$a" "the note: invariants"

check "alice pushes the note" db -C "$a" sync
check "bob's fast-forward, renames slowed: exit 0" slow_db -C "$b" sync
fresh_stat "$b" "the fast-forward: the index has the stat data of the files in place"
assert_invariants "$b" "the fast-forward: invariants"

# What the stale stat data broke: a sparse checkout leaving the deal out
# (after a fast-forward with nothing run since, as in checkout_diff.sh).
check "alice notes again" db -C "$a" note "$one" "second"
check "alice pushes" db -C "$a" sync
check "bob's fast-forward, renames slowed" slow_db -C "$b" sync
shard=$(basename "$(dirname "$(deal_file "$b" "$one")")")
check "git sparse-checkout set without the deal's shard" \
    git -C "$b" sparse-checkout set --no-cone '/*' "!/deals/$shard/"
check "the deal left the work tree" test ! -e "$(deal_file "$b" "$one")"
expect_contains "its index entry is marked skip-worktree" "S deals/$shard/" "$(git -C "$b" ls-files -v)"
git -C "$b" sparse-checkout disable 2> /dev/null

# A merge: both sides changed.
check "alice notes two" db -C "$a" note "$two" "alice's"
check "alice pushes" db -C "$a" sync
check "bob notes one" db -C "$b" note "$one" "bob's"
check "bob's merge sync, renames slowed: exit 0" slow_db -C "$b" sync
fresh_stat "$b" "the merge: the index has the stat data of the files in place"
assert_invariants "$b" "the merge: invariants"
expect_contains "alice's note came in" "alice's" "$(cat "$(deal_file "$b" "$two")")"
