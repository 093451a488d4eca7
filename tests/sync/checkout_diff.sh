#!/bin/sh
# Differential: sync's own checkout (store/checkout.c: per file atomic, in
# commit order) against git's. The same clone is copied twice; in one copy
# dealboard syncs, in the other git pulls --ff-only. Index entries (mode,
# blob, stage, flags), HEAD and every work tree byte must be the same, and so
# must `git status`. The incoming commits hold what a checkout must get right:
# changed, added, removed and emptied-shard files, an executable bit, a link,
# eol attributes (text=auto, eol=crlf), files under a sparse checkout.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

url=$(team_remote team) || { fail "team remote"; exit 1; }
a=$(clone_as "$url" alice "Alice Seller") || { fail "clone alice"; exit 1; }
b=$(clone_as "$url" bob "Bob Buyer") || { fail "clone bob"; exit 1; }
ids=""
for t in One Two Three Four Five Six; do ids="$ids $(db -C "$a" add "Deal $t" --value 100)"; done
set -- $ids
printf 'tools/*.sh text eol=crlf\n*.txt text=auto\n' > "$a/.gitattributes"
mkdir -p "$a/tools" && printf 'echo hi\necho there\n' > "$a/tools/run.sh" && chmod +x "$a/tools/run.sh"
printf 'line one\nline two\n' > "$a/NOTES.txt"
git -C "$a" add .gitattributes tools NOTES.txt 2> /dev/null && git -C "$a" commit -qm "Tools"
expect_exit "alice pushes the base" 0 db -C "$a" sync
expect_exit "bob takes the base" 0 db -C "$b" sync
# Bob's sparse checkout leaves the shard of deal 6 out.
shard6=$(basename "$(dirname "$(deal_file "$b" "$6")")")
git -C "$b" sparse-checkout set --no-cone '/*' "!/deals/$shard6/" 2> /dev/null

# Alice's incoming commits: by dealboard and by hand with git.
db -C "$a" note "$1" "changed" > /dev/null
db -C "$a" move "$2" explore > /dev/null
db -C "$a" note "$6" "outside bob's sparse checkout" > /dev/null
git -C "$a" rm -q "$(deal_file "$a" "$3" | sed "s|^$a/||")" && git -C "$a" commit -qm "Remove three"
new=$(db -C "$a" add "Deal Seven" --value 7)
printf 'echo changed\n' >> "$a/tools/run.sh"
chmod -x "$a/tools/run.sh"; chmod +x "$a/NOTES.txt"
printf 'line three\n' >> "$a/NOTES.txt"
ln -s NOTES.txt "$a/tools/notes-link"
git -C "$a" add -A tools NOTES.txt 2> /dev/null && git -C "$a" commit -qm "Tools changed"
expect_exit "alice pushes" 0 db -C "$a" sync

cp -a "$b" "$TMP/bob-git"
expect_exit "dealboard sync (fast-forward)" 0 db -C "$b" sync
expect_contains "it took alice's commits" "in" "$OUT"
check "git pull --ff-only in the copy" git -C "$TMP/bob-git" pull -q --ff-only origin main

expect_eq "same HEAD" "$(git -C "$TMP/bob-git" rev-parse HEAD)" "$(git -C "$b" rev-parse HEAD)"
entries() { git -C "$1" ls-files --stage -v | sort; }
expect_eq "same index entries (mode, blob, stage, skip-worktree flag)" "$(entries "$TMP/bob-git")" "$(entries "$b")"
tree_bytes() { (cd "$1" && find . -path ./.git -prune -o \( -type f -o -type l \) -print | sort |
    while read -r f; do if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; else echo "$f $(stat -c %a "$f") $(cksum < "$f")"; fi; done); }
expect_eq "same work tree, byte for byte, modes and links" "$(tree_bytes "$TMP/bob-git")" "$(tree_bytes "$b")"
expect_eq "git status: clean in both" "|" "$(git -C "$b" status --porcelain)|$(git -C "$TMP/bob-git" status --porcelain)"
check "git diff --cached --quiet" git -C "$b" diff --cached --quiet
check "git fsck --strict" git -C "$b" fsck --strict
check "the deal outside the sparse checkout is not checked out" test ! -e "$(deal_file "$b" "$6")"
expect_contains "but its new version is in the index" "outside bob's sparse checkout" \
    "$(git -C "$b" show ":$(deal_file "$b" "$6" | sed "s|^$b/||")")"
check "crlf where the attributes say so" sh -c "grep -q \"\$(printf 'hi\\r')\" '$b/tools/run.sh'"
check "no temp files left" sh -c "[ -z \"\$(find '$b' -name '*.tmp-*')\" ]"
