#!/bin/sh
# Git is the user's too (SPEC §7): a teammate uses git by hand in the same
# clone. Sparse checkouts, skip-worktree and assume-unchanged, core.fileMode,
# other processes' locks, split and sparse indexes, linked worktrees, git's
# identity variables, a deal file that does not parse, shallow clones and
# safe.directory. After every dealboard command: exit 0 means committed and
# git's invariants hold (status clean, index = HEAD, fsck clean); a non-zero
# exit means HEAD, index and work tree are exactly as before.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

# run DESC DIR CODE ARGS…: `dealboard -C DIR ARGS…` (bounded by a timeout);
# CODE is the exit expected: a number, nz (any non-zero) or any. Leaves
# $rc, $OUT, $ERR. With $DIRTY set (a path), that file alone may show as
# modified in git status after a successful command.
DIRTY=
run() {
    _d=$1 _dir=$2 _code=$3; shift 3
    _before=$(state "$_dir")
    timeout -k 5 120 "$DEALBOARD" -C "$_dir" "$@" > "$TMP/.out" 2> "$TMP/.err"
    rc=$?
    OUT=$(cat "$TMP/.out") ERR=$(cat "$TMP/.err")
    _got="exit $rc
stdout: $OUT
stderr: $ERR"
    case $_code in
        any) ;;
        nz) if [ "$rc" -ne 0 ]; then ok "$_d: exits non-zero"; else fail "$_d: exits non-zero" "$_got"; fi ;;
        *) if [ "$rc" = "$_code" ]; then ok "$_d: exit $_code"; else fail "$_d: exit $_code" "$_got"; fi ;;
    esac
    if [ "$rc" != 0 ]; then
        expect_unchanged "$_d: nothing changed" "$_dir" "$_before"
    elif [ -n "$DIRTY" ]; then
        expect_eq "$_d: only the hand-edited file differs" " M $DIRTY" \
            "$(git -C "$_dir" status --porcelain 2>&1)"
        check "$_d: index equals HEAD" git -C "$_dir" diff --cached --quiet
        check "$_d: fsck clean" git -C "$_dir" fsck --strict --no-dangling
    else
        assert_invariants "$_dir" "$_d: invariants"
    fi
}
shard() { printf '%s' "$1" | tail -c 2; }
rel() { echo "deals/$(shard "$1")/$1.json"; }
ndeals() { git -C "$1" ls-tree -r --name-only "${2:-HEAD}" -- deals | grep -c '\.json$'; }
deletions() { git -C "$1" log --all --diff-filter=D --name-only --format=; }
remote_head() { git --git-dir="$1" rev-parse -q --verify refs/heads/main; }
parses() { python3 -c 'import json,sys; json.loads(sys.stdin.buffer.read().decode("utf-8"))'; }
# set_title FILE TITLE: edits a deal file by hand, as a text editor would
set_title() {
    python3 - "$1" "$2" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p)); d["title"] = sys.argv[2]
open(p, "w").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
PY
}
# six_deals DIR PREFIX: adds six deals through run; ids in $ids
six_deals() {
    ids=
    for _n in 1 2 3 4 5 6; do
        run "$2: add deal $_n" "$1" 0 add "$2 deal $_n" --value 1000
        ids="$ids $OUT"
    done
}

# ---- a. sparse checkout ----------------------------------------------------
url=$(team_remote team) || { fail "team remote"; exit 1; }
bare=$TMP/team.git
a=$(clone_as "$url" alice "Alice Ames") && b=$(clone_as "$url" bob "Bob Brown") ||
    { fail "clones"; exit 1; }
six_deals "$a" "a: sparse"
# shellcheck disable=SC2086
set -- $ids; d1=$1
run "a: alice pushes six deals" "$a" 0 sync
run "a: bob fetches them" "$b" 0 sync
git -C "$b" sparse-checkout set --cone "deals/$(shard "$d1")" ||
    fail "a: git sparse-checkout set --cone"
outside='' dout='' d2=''
for id in $ids; do
    if [ ! -e "$b/$(rel "$id")" ]; then outside="$outside $id"; [ -n "$dout" ] || dout=$id; fi
    [ -z "$d2" ] && [ "$(shard "$id")" != "$(shard "$d1")" ] && d2=$id
done
if [ -n "$outside" ]; then ok "a: setup: deals outside bob's cone:$outside"
else fail "a: setup: some deal is outside bob's cone" "$ids"; fi
: "${dout:=$d1}" "${d2:=$d1}"
run "a: sync in a cone-mode sparse checkout" "$b" 0 sync
expect_eq "a: bob's HEAD still lists all six deals" 6 "$(ndeals "$b")"
expect_eq "a: nothing committed as deleted (bob)" "" "$(deletions "$b")"
run "a: note on a deal inside the cone" "$b" 0 note "$d1" "noted in a sparse checkout"
expect_eq "a: bob's HEAD still lists all six deals after the note" 6 "$(ndeals "$b")"
run "a: bob pushes from the sparse checkout" "$b" 0 sync
expect_eq "a: the remote still has all six deals" 6 "$(ndeals "$bare" main)"
run "a: alice syncs" "$a" 0 sync
missing=
for id in $ids; do [ -f "$a/$(rel "$id")" ] || missing="$missing $id"; done
expect_eq "a: alice still has all six deal files" "" "$missing"
expect_eq "a: nothing committed as deleted (alice)" "" "$(deletions "$a")"
expect_contains "a: alice has bob's note" "noted in a sparse checkout" "$(cat "$a/$(rel "$d1")")"
# a merge while sparse: alice changes a deal outside bob's cone, bob one inside
run "a: alice notes a deal outside bob's cone" "$a" 0 note "$dout" "alice outside the cone"
run "a: alice pushes it" "$a" 0 sync
run "a: bob notes inside the cone" "$b" 0 note "$d1" "bob inside the cone again"
run "a: bob merges while sparse" "$b" 0 sync
expect_eq "a: six deals after the sparse merge" 6 "$(ndeals "$b")"
expect_eq "a: nothing deleted by the sparse merge" "" "$(deletions "$b")"
expect_contains "a: bob's HEAD has alice's change outside the cone" "alice outside the cone" \
    "$(git -C "$b" show "HEAD:$(rel "$dout")")"
run "a: alice syncs the merge" "$a" 0 sync
check "a: alice and bob have the same tree" same_trees "$a" "$b"
# non-cone patterns
git -C "$b" sparse-checkout set --no-cone '/pipeline.json' "/deals/$(shard "$d2")/" ||
    fail "a: git sparse-checkout set --no-cone"
check "a: setup: the non-cone deal is checked out" test -f "$b/$(rel "$d2")"
run "a: note in a non-cone sparse checkout" "$b" 0 note "$d2" "noted with non-cone patterns"
run "a: sync in a non-cone sparse checkout" "$b" 0 sync
expect_eq "a: six deals after the non-cone sync" 6 "$(ndeals "$b")"
expect_eq "a: nothing deleted with non-cone patterns" "" "$(deletions "$b")"
run "a: alice syncs after the non-cone push" "$a" 0 sync
missing=
for id in $ids; do [ -f "$a/$(rel "$id")" ] || missing="$missing $id"; done
expect_eq "a: alice still has all six deal files at the end" "" "$missing"
git -C "$b" sparse-checkout disable || fail "a: git sparse-checkout disable"
assert_invariants "$b" "a: after sparse-checkout disable, bob's files equal HEAD"

# ---- b. skip-worktree and assume-unchanged -------------------------------
url2=$(team_remote team2) || { fail "team2 remote"; exit 1; }
bare2=$TMP/team2.git
c=$(clone_as "$url2" carol "Carol Cole") || { fail "clone carol"; exit 1; }
six_deals "$c" "b: local"
# shellcheck disable=SC2086
set -- $ids; d1=$1 d2=$2 d3=$3 d4=$4 d5=$5 d6=$6
all_ids=$ids
run "b: carol pushes six deals" "$c" 0 sync
for flag in skip-worktree assume-unchanged; do
    case $flag in skip-worktree) id=$d3 other=$d4 ;; *) id=$d4 other=$d3 ;; esac
    f=$(rel "$id")
    git -C "$c" update-index "--$flag" "$f" || fail "b: git update-index --$flag"
    hblob=$(git -C "$c" rev-parse "HEAD:$f") rblob=$(git --git-dir="$bare2" rev-parse "main:$f")
    set_title "$c/$f" "LOCAL ONLY $flag"
    run "b: $flag: sync" "$c" 0 sync
    expect_eq "b: $flag: the change is not committed" "$hblob" "$(git -C "$c" rev-parse "HEAD:$f")"
    expect_eq "b: $flag: the change is not pushed" "$rblob" "$(git --git-dir="$bare2" rev-parse "main:$f")"
    run "b: $flag: note on another deal" "$c" 0 note "$other" "beside a $flag file"
    run "b: $flag: sync the note" "$c" 0 sync
    expect_eq "b: $flag: still not committed" "$hblob" "$(git -C "$c" rev-parse "HEAD:$f")"
    expect_eq "b: $flag: the remote never saw it" "" \
        "$(git --git-dir="$bare2" grep -l "LOCAL ONLY" main -- 2>&1)"
    expect_contains "b: $flag: the note was pushed" "beside a $flag file" \
        "$(git --git-dir="$bare2" show "main:$(rel "$other")")"
    check "b: $flag: the hand edit is still on disk" grep -q "LOCAL ONLY $flag" "$c/$f"
    git -C "$c" update-index "--no-$flag" "$f" && git -C "$c" checkout -q -- "$f" ||
        fail "b: $flag: restoring the file with git"
done
assert_invariants "$c" "b: carol is clean again"

# ---- c. core.fileMode=false and chmod +x ------------------------------------
git -C "$c" config core.fileMode false
chmod +x "$c"/deals/*/*.json
n=$(commit_count "$c") rh=$(remote_head "$bare2")
run "c: sync after chmod +x, core.fileMode=false" "$c" 0 sync
expect_eq "c: no commit" "$n" "$(commit_count "$c")"
expect_eq "c: nothing pushed" "$rh" "$(remote_head "$bare2")"
run "c: note with core.fileMode=false" "$c" 0 note "$d5" "file mode note"
expect_eq "c: one commit" $((n + 1)) "$(commit_count "$c")"
expect_eq "c: every mode in HEAD stays 100644" 100644 \
    "$(git -C "$c" ls-tree -r HEAD | awk '{print $1}' | sort -u)"
run "c: sync the note" "$c" 0 sync
expect_eq "c: every mode on the remote stays 100644" 100644 \
    "$(git --git-dir="$bare2" ls-tree -r main | awk '{print $1}' | sort -u)"
chmod -x "$c"/deals/*/*.json
git -C "$c" config --unset core.fileMode

# ---- d. locks held by another process ----------------------------------------
l=$(new_repo locks) || { fail "d: init"; exit 1; }
run "d: add a deal" "$l" 0 add "Lock deal" --value 1000
lid=$OUT
: > "$l/.git/index.lock"
start=$(date +%s)
run "d: note while index.lock exists" "$l" 2 note "$lid" "under index.lock"
secs=$(($(date +%s) - start))
if [ "$secs" -le 10 ]; then ok "d: index.lock: gave up within 10 seconds (${secs}s)"
else fail "d: index.lock: gave up within 10 seconds" "took ${secs}s"; fi
expect_contains "d: index.lock: says which lock" "index.lock" "$ERR"
check "d: index.lock is kept" test -e "$l/.git/index.lock"
rm -f "$l/.git/index.lock"
run "d: the note after the index lock is gone" "$l" 0 note "$lid" "under index.lock"
for lock in refs/heads/main.lock HEAD.lock; do
    : > "$l/.git/$lock"
    h=$(git -C "$l" rev-parse HEAD)
    start=$(date +%s)
    case $lock in HEAD.lock) code=any ;; *) code=2 ;; esac
    run "d: note while $lock exists" "$l" $code note "$lid" "under $lock"
    secs=$(($(date +%s) - start))
    if [ "$secs" -le 10 ]; then ok "d: $lock: done within 10 seconds (${secs}s)"
    else fail "d: $lock: done within 10 seconds" "took ${secs}s"; fi
    [ "$rc" = 0 ] || expect_contains "d: $lock: says it is locked" "lock" "$ERR"
    [ "$rc" = 0 ] || assert_head_unchanged "$l" "$h" "d: $lock: HEAD unchanged"
    check "d: $lock is kept" test -e "$l/.git/$lock"
    rm -f "$l/.git/$lock"
    run "d: the note after $lock is gone" "$l" 0 note "$lid" "after $lock"
done
# a real race: `git commit -a` holds index.lock while its editor runs
cat > "$TMP/editor.sh" <<EOF
#!/bin/sh
: > "$TMP/editor.started"
i=0
while [ ! -e "$TMP/editor.release" ] && [ \$i -lt 600 ]; do sleep 0.1; i=\$((i + 1)); done
echo "Hand-written commit while dealboard waited" > "\$1"
EOF
chmod +x "$TMP/editor.sh"
echo "by hand" > "$l/NOTES.txt"
git -C "$l" add NOTES.txt && git -C "$l" commit -qm "Notes by hand" || fail "d: setup commit"
run "d: invariants after a hand commit" "$l" 0 list
echo "more by hand" >> "$l/NOTES.txt"
GIT_EDITOR="$TMP/editor.sh" git -C "$l" commit -a > "$TMP/gitcommit.out" 2>&1 &
gpid=$!
i=0
while [ ! -e "$TMP/editor.started" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "d: race: git commit holds index.lock in its editor" test -e "$l/.git/index.lock"
h=$(git -C "$l" rev-parse HEAD)
run "d: race: note while git commit runs" "$l" 2 note "$lid" "during git commit"
assert_head_unchanged "$l" "$h" "d: race: HEAD unchanged"
check "d: race: git's index.lock is kept" test -e "$l/.git/index.lock"
: > "$TMP/editor.release"
i=0
while kill -0 "$gpid" 2> /dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
wait "$gpid"
expect_eq "d: race: git's commit succeeds" 0 $? 
sed 's/^/# git: /' "$TMP/gitcommit.out"
expect_eq "d: race: with its message" "Hand-written commit while dealboard waited" "$(last_message "$l")"
expect_eq "d: race: git committed its parent's successor" "$h" "$(git -C "$l" rev-parse HEAD~1)"
assert_invariants "$l" "d: race: invariants after git's commit"
expect_not_contains "d: race: the refused note never landed" "during git commit" \
    "$(git -C "$l" show "HEAD:$(rel "$lid")")"
run "d: race: the note afterwards" "$l" 0 note "$lid" "after git commit"

# ---- e. split index and sparse index -------------------------------------------
s=$(new_repo split) || { fail "e: init"; exit 1; }
run "e: add a deal" "$s" 0 add "Split deal" --value 1000
sid=$OUT
git -C "$s" config core.splitIndex true && git -C "$s" update-index --split-index ||
    fail "e: git update-index --split-index"
check "e: setup: the index is split" sh -c "ls '$s'/.git/sharedindex.* > /dev/null"
run "e: note on a split index" "$s" 2 note "$sid" "on a split index"
expect_contains "e: split index: names the fix" "git update-index --no-split-index" "$ERR"
run "e: doctor on a split index" "$s" nz doctor
expect_contains "e: doctor names the fix for a split index" "git update-index --no-split-index" \
    "$OUT$ERR"
git -C "$s" config core.splitIndex false && git -C "$s" update-index --no-split-index ||
    fail "e: git update-index --no-split-index"
run "e: note after --no-split-index" "$s" 0 note "$sid" "index whole again"
run "e: doctor after --no-split-index" "$s" 0 doctor

p=$(new_repo sparseidx) || { fail "e: init sparse"; exit 1; }
pids=
for n in 1 2 3 4; do run "e: add sparse-index deal $n" "$p" 0 add "Sparse index $n" --value 1000; pids="$pids $OUT"; done
# shellcheck disable=SC2086
set -- $pids; pin=$1
git -C "$p" sparse-checkout set --cone --sparse-index "deals/$(shard "$pin")" ||
    fail "e: git sparse-checkout set --sparse-index"
if git -C "$p" ls-files --sparse | grep -q '/$'; then ok "e: setup: the index is sparse"
else ok "e: setup: every deal in one shard; the index has no sparse entry (weak)"; fi
run "e: note on a sparse index" "$p" 2 note "$pin" "on a sparse index"
expect_contains "e: sparse index: names the fix" "--no-sparse-index" "$ERR"
run "e: doctor on a sparse index" "$p" nz doctor
expect_contains "e: doctor names the fix for a sparse index" "--no-sparse-index" "$OUT$ERR"
git -C "$p" sparse-checkout set --cone --no-sparse-index "deals/$(shard "$pin")" ||
    fail "e: git sparse-checkout set --no-sparse-index"
run "e: note with a sparse checkout and a full index" "$p" 0 note "$pin" "full index again"
expect_eq "e: HEAD still lists all four deals" 4 "$(ndeals "$p")"
expect_eq "e: nothing deleted" "" "$(deletions "$p")"

# ---- f. linked worktree ------------------------------------------------------
m=$(new_repo wtmain) || { fail "f: init"; exit 1; }
run "f: add a deal" "$m" 0 add "Worktree deal" --value 1000
mid=$OUT
git -C "$m" worktree add -q -b side ../wt 2> "$TMP/wt.err" || fail "f: git worktree add" "$(cat "$TMP/wt.err")"
mhead=$(git -C "$m" rev-parse HEAD)
cd "$m" || exit 1
run "f: note in a linked worktree (-C ../wt)" ../wt 0 note "$mid" "from the worktree"
cd "$TMP" || exit 1
expect_eq "f: the worktree's last commit is the note" "Note on $mid: from the worktree" \
    "$(git -C "$TMP/wt" log -1 --format=%s)"
expect_eq "f: it is on the worktree's branch" "$(git -C "$TMP/wt" rev-parse HEAD)" \
    "$(git -C "$m" rev-parse -q --verify refs/heads/side)"
check "f: the main repository has the commit" git -C "$m" cat-file -e "$(git -C "$TMP/wt" rev-parse HEAD)^{commit}"
assert_head_unchanged "$m" "$mhead" "f: the main worktree's HEAD is unchanged"
assert_invariants "$m" "f: the main worktree is clean"
run "f: a second edit in the worktree" "$TMP/wt" 0 move "$mid" explore
run "f: an edit in the main worktree" "$m" 0 note "$mid" "from main"
assert_invariants "$TMP/wt" "f: the linked worktree is still clean"

# ---- g. git's identity variables ---------------------------------------------
export GIT_AUTHOR_NAME=Ann GIT_AUTHOR_EMAIL=ann@x.test GIT_COMMITTER_NAME=Cid GIT_COMMITTER_EMAIL=cid@x.test
run "g: note with GIT_AUTHOR_*/GIT_COMMITTER_*" "$m" 0 note "$mid" "identity"
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
expect_eq "g: author and committer from the environment" "Ann|ann@x.test|Cid|cid@x.test" \
    "$(git -C "$m" log -1 --format='%an|%ae|%cn|%ce')"
export GIT_AUTHOR_NAME=Ann GIT_AUTHOR_EMAIL=ann@x.test
run "g: note with GIT_AUTHOR_* only" "$m" 0 note "$mid" "author only"
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL
expect_eq "g: committer falls back to user.name/user.email" \
    "Ann|ann@x.test|Test Seller|seller@example.com" "$(git -C "$m" log -1 --format='%an|%ae|%cn|%ce')"
run "g: note without the variables" "$m" 0 note "$mid" "config identity"
expect_eq "g: both from user.name/user.email" \
    "Test Seller|seller@example.com|Test Seller|seller@example.com" \
    "$(git -C "$m" log -1 --format='%an|%ae|%cn|%ce')"

# ---- h. a deal file that does not parse is never committed --------------------
run "h: carol is in sync" "$c" 0 sync
fa=$(rel "$d6")
goodblob=$(git -C "$c" rev-parse "HEAD:$fa")
head -c 40 "$c/$fa" > "$TMP/trunc" && mv "$TMP/trunc" "$c/$fa"
h=$(git -C "$c" rev-parse HEAD) rh=$(remote_head "$bare2")
run "h: sync with a truncated deal file" "$c" nz sync
expect_contains "h: sync names the file" "$fa" "$ERR"
expect_contains "h: sync says it does not parse" "parse" "$ERR"
assert_head_unchanged "$c" "$h" "h: sync: HEAD unchanged"
expect_eq "h: sync: nothing pushed" "$rh" "$(remote_head "$bare2")"
DIRTY=$fa
run "h: note on another deal" "$c" 0 note "$d1" "beside a broken file"
check "h: HEAD's copy of the broken deal parses" sh -c "git -C '$c' show 'HEAD:$fa' | python3 -c 'import json,sys; json.load(sys.stdin)'"
expect_eq "h: HEAD's copy is the last good one" "$goodblob" "$(git -C "$c" rev-parse "HEAD:$fa")"
run "h: add a deal beside a broken file" "$c" 0 add "Beside broken" --value 5
run "h: move a deal beside a broken file" "$c" 0 move "$d2" explore
DIRTY=
run "h: note on the broken deal itself" "$c" nz note "$d6" "on the broken deal"
run "h: doctor" "$c" nz doctor
expect_contains "h: doctor names the broken file" "$fa" "$OUT$ERR"
run "h: sync again with commits waiting" "$c" any sync
expect_eq "h: the broken text never reached the remote" "$goodblob" \
    "$(git --git-dir="$bare2" rev-parse "main:$fa")"
expect_eq "h: no commit in carol's clone holds a deal that does not parse" "" "$(bad_deal_blobs "$c")"
expect_eq "h: no commit on the remote holds a deal that does not parse" "" "$(bad_deal_blobs "$bare2")"
git -C "$c" checkout -q -- "$fa" || fail "h: git checkout restores the file"
run "h: sync once the file is restored" "$c" 0 sync
expect_eq "h: everything pushed" "$(git -C "$c" rev-parse HEAD)" "$(remote_head "$bare2")"

# ---- i. shallow clone -----------------------------------------------------------
sh=$TMP/shallow
git clone -q --depth 1 "$url2" "$sh" 2> "$TMP/clone.err" || fail "i: git clone --depth 1" "$(cat "$TMP/clone.err")"
check "i: setup: the clone is shallow" test -f "$sh/.git/shallow"
run "i: log in a shallow clone" "$sh" 0 log "$d1"
if [ -n "$OUT" ]; then ok "i: log prints something"; else fail "i: log prints something" "$ERR"; fi
run "i: note in a shallow clone" "$sh" 0 note "$d1" "from a shallow clone"
# libgit2 1.5 cannot merge or push from a shallow clone: sync refuses before
# anything changes and names the git command that makes it whole.
remote_before=$(remote_head "$bare2")
run "i: sync from a shallow clone" "$sh" 2 sync
expect_contains "i: it says how to fix it" "git -C $sh fetch --unshallow" "$ERR"
expect_eq "i: the remote is as it was" "$remote_before" "$(remote_head "$bare2")"
run "i: carol notes another deal" "$c" 0 note "$d2" "carol before the shallow merge"
run "i: carol pushes" "$c" 0 sync
run "i: note in the shallow clone again" "$sh" 0 note "$d3" "shallow merge note"
git -C "$sh" fetch -q --unshallow 2> "$TMP/unshallow.err" || fail "i: git fetch --unshallow" "$(cat "$TMP/unshallow.err")"
run "i: once unshallowed, the clone merges and pushes" "$sh" 0 sync
expect_eq "i: the remote has the merge" "$(git -C "$sh" rev-parse HEAD)" "$(remote_head "$bare2")"
expect_contains "i: carol's note kept" "carol before the shallow merge" "$(git --git-dir="$bare2" show "main:$(rel "$d2")")"
expect_contains "i: the shallow note kept" "shallow merge note" "$(git --git-dir="$bare2" show "main:$(rel "$d3")")"
expect_contains "i: the first shallow note kept" "from a shallow clone" "$(git --git-dir="$bare2" show "main:$(rel "$d1")")"
run "i: carol syncs" "$c" 0 sync
check "i: carol's tree equals the shallow clone's" same_trees "$c" "$sh"
expect_eq "i: no commit on the remote holds a deal that does not parse" "" "$(bad_deal_blobs "$bare2")"

# ---- j. safe.directory -----------------------------------------------------------
if [ "$(id -u)" = 0 ] && id nobody > /dev/null 2>&1; then
    o=$(new_repo others) || { fail "j: init"; exit 1; }
    run "j: add a deal" "$o" 0 add "Someone else's deal" --value 1000
    oid=$OUT
    chown -R nobody "$o"
    sgit() { git -c safe.directory='*' -C "$o" "$@"; }
    h=$(sgit rev-parse HEAD) sum=$(cksum < "$o/$(rel "$oid")")
    for cmd in list note; do
        case $cmd in list) set -- list ;; note) set -- note "$oid" "not mine" ;; esac
        timeout -k 5 60 "$DEALBOARD" -C "$o" "$@" > "$TMP/.out" 2> "$TMP/.err"
        rc=$? ERR=$(cat "$TMP/.err")
        if [ "$rc" -ne 0 ]; then ok "j: $cmd in a repository owned by another user: exits non-zero"
        else fail "j: $cmd in a repository owned by another user: exits non-zero" "exit 0
stdout: $(cat "$TMP/.out")"; fi
        expect_contains "j: $cmd: names safe.directory" "safe.directory" "$ERR"
        expect_eq "j: $cmd: HEAD unchanged" "$h" "$(sgit rev-parse HEAD)"
        expect_eq "j: $cmd: the deal file unchanged" "$sum" "$(cksum < "$o/$(rel "$oid")")"
    done
    git config --global --add safe.directory '*'
    run "j: list once safe.directory is '*'" "$o" 0 list
    expect_contains "j: lists the deal" "Someone else's deal" "$OUT"
    run "j: note once safe.directory is '*'" "$o" 0 note "$oid" "allowed now"
    git config --global --unset-all safe.directory
    chown -R 0 "$o"
else
    ok "j: safe.directory: needs root to chown (skipped)"
fi
