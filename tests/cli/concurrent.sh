#!/bin/sh
# Two processes editing one clone at the same time lose nothing: each makes
# CONCURRENT_EDITS notes (default 300) with unique texts, on its own deal and
# on a deal both write to. Every text ends up in the deal logs, every command
# exits 0, and the commit count adds up.
. "$(dirname "$0")/../lib.sh"

n=${CONCURRENT_EDITS:-300}
repo=$(new_repo) || { fail "init"; exit 1; }
own1=$(db -C "$repo" add "Writer one deal")
own2=$(db -C "$repo" add "Writer two deal")
shared=$(db -C "$repo" add "Shared deal")
before=$(commit_count "$repo")

writer() { # NAME OWN-DEAL: notes alternate between the own deal and the shared one
    i=0 errors=0
    while [ $i -lt "$n" ]; do
        i=$((i + 1))
        target=$2
        [ $((i % 2)) -eq 0 ] && target=$shared
        "$DEALBOARD" -C "$repo" note "$target" "$1-note-$i" > /dev/null 2>> "$TMP/$1.err" ||
            errors=$((errors + 1))
    done
    echo "$errors" > "$TMP/$1.errors"
}

start=$(date +%s)
writer w1 "$own1" &
p1=$!
writer w2 "$own2" &
p2=$!
wait $p1 $p2
secs=$(( $(date +%s) - start ))
echo "# $((2 * n)) concurrent edits in ${secs}s"

for w in w1 w2; do
    expect_eq "$w: every command exited 0" 0 "$(cat "$TMP/$w.errors")"
    head -5 "$TMP/$w.err" | sed 's/^/# /'
done
expect_eq "one commit per edit" $((before + 2 * n)) "$(commit_count "$repo")"
db -C "$repo" export --json > "$TMP/all.json" 2> "$TMP/export.err"
[ -s "$TMP/all.json" ] || cat "$repo"/deals/*/*.json > "$TMP/all.json"
for w in w1 w2; do
    found=$(grep -o "\"$w-note-[0-9]*\"" "$TMP/all.json" | sort -u | wc -l)
    expect_eq "$w: all $n notes are in the deal logs" "$n" "$found"
done
expect_exit "doctor: every file parses" 0 db -C "$repo" doctor
expect_eq "work tree clean" "" "$(git -C "$repo" status --porcelain)"
fsck=$(git -C "$repo" fsck --strict 2>&1)
expect_eq "git fsck clean" 0 $?
