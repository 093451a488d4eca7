#!/bin/sh
# Remotes on this machine (plain paths and file:// URLs) and what git would do there:
# two clones over file://, the push race retried by itself, a remote whose
# repository has server hooks (libgit2's local transport cannot run them, so sync
# refuses to push and says to reach the remote over ssh), a remote re-created
# empty, `init --remote` on a remote whose HEAD is master, and remote paths that
# do not exist.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

inv() { assert_invariants "$1" "$2"; }    # tests/lib.sh
# bare_fsck DESC BARE: git fsck --strict of a bare remote is clean.
bare_fsck() {
    if _bf=$(git -C "$2" fsck --strict --no-progress --no-dangling 2>&1); then
        case "$_bf" in *error*|*warning*|*missing*|*broken*) fail "$1" "$_bf" ;; *) ok "$1" ;; esac
    else
        fail "$1" "git fsck --strict exit $?:
$_bf"
    fi
}
# tip REPO [BRANCH]: the branch's commit, or "none".
tip() { git -C "$1" rev-parse -q --verify "refs/heads/${2:-main}" 2>/dev/null || echo none; }
# names_hook DESC HOOK: $ERR names HOOK as a word ("update" does not match "post-update").
names_hook() {
    if printf '%s\n' "$ERR" | grep -Eq "(^|[^A-Za-z.-])$2([^A-Za-z-]|\$)"; then ok "$1"
    else fail "$1" "does not name '$2': $ERR"; fi
}
# refused_sync DESC DIR BARE NEEDLE: sync exits 2 naming NEEDLE, and nothing moved:
# the remote's branch, our HEAD (our commits kept), a clean work tree.
refused_sync() {
    _rd=$1 _rdir=$2 _rbare=$3 _rhook=$4
    _rhead=$(git -C "$_rdir" rev-parse HEAD) _rtip=$(tip "$_rbare") _rn=$(commit_count "$_rdir")
    expect_exit "$_rd: sync refuses (exit 2)" 2 db -C "$_rdir" sync
    names_hook "$_rd: stderr names the hook" "$_rhook"
    expect_contains "$_rd: stderr says to reach the remote over ssh" "ssh" "$ERR"
    expect_eq "$_rd: the remote's branch is unchanged" "$_rtip" "$(tip "$_rbare")"
    expect_eq "$_rd: our commits are kept (HEAD unchanged)" "$_rhead" "$(git -C "$_rdir" rev-parse HEAD)"
    expect_eq "$_rd: git log still has them" "$_rn" "$(commit_count "$_rdir")"
    check "$_rd: git status clean" is_clean "$_rdir"
}

url=$(team_remote team) || { fail "team remote"; exit 1; }
bare="$TMP/team.git"
a=$(clone_as "$url" alice "Alice Ames") && b=$(clone_as "$url" bob "Bob Brown") ||
    { fail "clones"; exit 1; }
inv "$a" "alice's clone: invariants"
inv "$b" "bob's clone: invariants"

# ---- two clones over file://, one teammate push ---------------------------
id=$(db -C "$a" add "Acme rollout" --account Acme --value 48000 --stage define)
expect_exit "alice's sync pushes her deal" 0 db -C "$a" sync
inv "$a" "after alice's sync: invariants (alice)"
expect_eq "the remote has alice's commit" "$(git -C "$a" rev-parse HEAD)" "$(tip "$bare")"
id2=$(db -C "$b" add "Borealis pilot" --value 12000)
expect_exit "bob's sync merges alice's push and pushes his own" 0 db -C "$b" sync
inv "$b" "after bob's sync: invariants (bob)"
expect_eq "the remote has bob's merge" "$(git -C "$b" rev-parse HEAD)" "$(tip "$bare")"
expect_exit "alice's sync brings bob's deal in" 0 db -C "$a" sync
inv "$a" "after alice's second sync: invariants (alice)"
check "both HEAD trees equal" same_trees "$a" "$b"
expect_eq "alice's HEAD is the remote's" "$(tip "$bare")" "$(git -C "$a" rev-parse HEAD)"
check "alice has bob's deal" test -f "$(deal_file "$a" "$id2")"
bare_fsck "the remote: git fsck --strict clean" "$bare"

# ---- the push race: refused because bob pushed first, retried by itself ----
db -C "$b" note "$id" "bob: first, before alice's sync" > /dev/null
db -C "$b" sync > /dev/null
x=$(tip "$bare")
db -C "$a" note "$id" "alice: during the race" > /dev/null
mine=$(git -C "$a" rev-parse HEAD)
# Alice fetches (her tracking ref then shows bob's first push) and waits 4 s before
# pushing; bob pushes again inside that window, so her push is refused once.
DEALBOARD_TEST_PUSH_DELAY_MS=4000 "$DEALBOARD" -C "$a" sync > "$TMP/race.out" 2> "$TMP/race.err" &
race_pid=$!
i=0
while [ "$(git -C "$a" rev-parse -q --verify refs/remotes/origin/main 2>/dev/null)" != "$x" ] &&
      [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
db -C "$b" note "$id" "bob: second, inside alice's window" > /dev/null
expect_exit "bob pushes while alice waits to push" 0 db -C "$b" sync
y=$(git -C "$b" rev-parse HEAD)
if kill -0 "$race_pid" 2>/dev/null; then ok "bob's push landed inside alice's window"
else fail "bob's push landed inside alice's window" "alice's sync had already ended"; fi
wait "$race_pid"
expect_eq "alice's refused push is retried and succeeds (exit 0)" 0 "$?"
expect_contains "alice's sync says it pushed" "Pushed" "$(cat "$TMP/race.out")"
inv "$a" "after the race: invariants (alice)"
expect_eq "the remote has alice's HEAD" "$(git -C "$a" rev-parse HEAD)" "$(tip "$bare")"
check "bob's second push is in the remote's history" git -C "$bare" merge-base --is-ancestor "$y" main
check "alice's commit is in the remote's history" git -C "$bare" merge-base --is-ancestor "$mine" main
expect_exit "bob syncs after the race" 0 db -C "$b" sync
inv "$b" "after the race: invariants (bob)"
check "trees equal after the race" same_trees "$a" "$b"
notes=$(field "$b" "$id" '"|".join(e["text"] for e in d["log"] if e["kind"]=="note")')
expect_contains "alice's note survived the race" "alice: during the race" "$notes"
expect_contains "bob's note survived the race" "bob: second, inside alice's window" "$notes"

# ---- server hooks on a local remote: refused, named, nothing pushed -------
mkdir -p "$bare/hooks"
: > "$TMP/hooks-ran.log"
for h in pre-receive update post-receive post-update reference-transaction proc-receive; do
    printf '#!/bin/sh\necho %s >> "%s"\ncat > /dev/null\nexit 0\n' "$h" "$TMP/hooks-ran.log" > "$bare/hooks/$h"
    chmod +x "$bare/hooks/$h"
    db -C "$a" note "$id" "alice: while $h is installed" > /dev/null
    refused_sync "file:// remote with the $h hook" "$a" "$bare" "$h"
    rm -f "$bare/hooks/$h"
done
expect_eq "no hook ran behind the refusals" "" "$(cat "$TMP/hooks-ran.log")"

# the remote as a plain path
git -C "$a" remote set-url origin "$bare"
printf '#!/bin/sh\nexit 0\n' > "$bare/hooks/pre-receive"; chmod +x "$bare/hooks/pre-receive"
db -C "$a" note "$id" "alice: plain path, pre-receive" > /dev/null
refused_sync "plain-path remote with a pre-receive hook" "$a" "$bare" pre-receive
rm -f "$bare/hooks/pre-receive"
git -C "$a" remote set-url origin "$url"

# hooks found through core.hooksPath
mkdir -p "$TMP/srvhooks"
printf '#!/bin/sh\nexit 0\n' > "$TMP/srvhooks/pre-receive"; chmod +x "$TMP/srvhooks/pre-receive"
git -C "$bare" config core.hooksPath "$TMP/srvhooks"
db -C "$a" note "$id" "alice: core.hooksPath" > /dev/null
refused_sync "remote with core.hooksPath holding a pre-receive hook" "$a" "$bare" pre-receive
git -C "$bare" config --unset core.hooksPath

# *.sample hooks do not count; every commit kept above goes out now
for h in pre-receive update post-receive post-update reference-transaction; do
    printf '#!/bin/sh\nexit 1\n' > "$bare/hooks/$h.sample"; chmod +x "$bare/hooks/$h.sample"
done
db -C "$a" note "$id" "alice: only samples" > /dev/null
expect_exit "a remote with only *.sample hooks: sync pushes" 0 db -C "$a" sync
inv "$a" "after the push past the samples: invariants (alice)"
expect_eq "the remote now has every kept commit" "$(git -C "$a" rev-parse HEAD)" "$(tip "$bare")"
expect_eq "the refused commits are all there" 9 \
    "$(git -C "$bare" log --format=%s main | grep -cE 'alice: (while|plain path|core.hooksPath|only samples)')"
# a hook git would not run (not executable) does not count either
printf '#!/bin/sh\nexit 1\n' > "$bare/hooks/pre-receive"; chmod 644 "$bare/hooks/pre-receive"
db -C "$a" note "$id" "alice: non-executable pre-receive" > /dev/null
expect_exit "a non-executable pre-receive (git ignores it): sync pushes" 0 db -C "$a" sync
inv "$a" "after the push past a non-executable hook: invariants (alice)"
expect_eq "the remote has it" "$(git -C "$a" rev-parse HEAD)" "$(tip "$bare")"
rm -f "$bare/hooks/pre-receive"
bare_fsck "the remote after the hook tests: git fsck --strict clean" "$bare"
expect_exit "bob catches up" 0 db -C "$b" sync
inv "$b" "bob after the hook tests: invariants"

# ---- a remote re-created empty ---------------------------------------------
recreate() { rm -rf "$bare" && git init -q --bare "$bare"; }   # git's own init: *.sample hooks
# cloned_tree_equal DESC DIR: a git clone of the remote checks out DIR's HEAD tree,
# with DIR's whole history.
cloned_tree_equal() {
    rm -rf "$TMP/reclone"
    if ! _co=$(git clone -q "$bare" "$TMP/reclone" 2>&1); then fail "$1" "git clone: $_co"; return; fi
    expect_eq "$1" "$(git -C "$2" rev-parse 'HEAD^{tree}')" \
        "$(git -C "$TMP/reclone" rev-parse 'HEAD^{tree}' 2>&1)"
    expect_eq "$1: whole history" "$(commit_count "$2")" "$(commit_count "$TMP/reclone" 2>&1)"
}
recreate
expect_exit "re-created empty remote, nothing new here: sync exits 0" 0 db -C "$a" sync
inv "$a" "after the sync to the re-created remote: invariants (alice)"
expect_eq "the whole history is pushed" "$(git -C "$a" rev-parse HEAD)" "$(tip "$bare")"
bare_fsck "the re-created remote: git fsck --strict clean" "$bare"
cloned_tree_equal "a git clone of the re-created remote equals alice's HEAD tree" "$a"

recreate
db -C "$a" note "$id" "alice: after the second re-creation" > /dev/null
expect_exit "re-created empty remote, one new commit: sync exits 0" 0 db -C "$a" sync
inv "$a" "after the second re-creation: invariants (alice)"
expect_eq "the whole history is pushed again" "$(git -C "$a" rev-parse HEAD)" "$(tip "$bare")"
bare_fsck "the re-created remote (2): git fsck --strict clean" "$bare"
cloned_tree_equal "a git clone of it equals alice's HEAD tree" "$a"
expect_exit "bob syncs with the re-created remote" 0 db -C "$b" sync
inv "$b" "bob after the re-creation: invariants"
check "bob's tree equals alice's" same_trees "$a" "$b"

# ---- init --remote: a remote whose HEAD is master --------------------------
m="$TMP/master.git"
git init -q --bare -b master "$m"
expect_exit "init --remote on an empty remote whose HEAD is master" 0 \
    db init "$TMP/mi" --remote "file://$m"
expect_exit "its first sync" 0 db -C "$TMP/mi" sync
inv "$TMP/mi" "after the first sync to master: invariants"
expect_eq "the remote has exactly one branch, master" "refs/heads/master" \
    "$(git -C "$m" for-each-ref --format='%(refname)' refs/heads)"
expect_eq "master is our HEAD" "$(git -C "$TMP/mi" rev-parse HEAD)" "$(tip "$m" master)"
db -C "$TMP/mi" add "Master deal" --value 100 > /dev/null
expect_exit "the next sync" 0 db -C "$TMP/mi" sync
inv "$TMP/mi" "after the second sync to master: invariants"
expect_eq "still one branch, master" "refs/heads/master" \
    "$(git -C "$m" for-each-ref --format='%(refname)' refs/heads)"
expect_eq "master moved to our HEAD" "$(git -C "$TMP/mi" rev-parse HEAD)" "$(tip "$m" master)"

# a master branch already there, pushed by git itself
m2="$TMP/master2.git"
git init -q --bare -b master "$m2"
db init "$TMP/seed-m2" > /dev/null
git -C "$TMP/seed-m2" push -q "$m2" HEAD:refs/heads/master 2> /dev/null
expect_exit "clone of a remote whose pipeline is on master" 0 db clone "file://$m2" "$TMP/c2"
inv "$TMP/c2" "after the clone of master: invariants"
db -C "$TMP/c2" add "On master" --value 200 > /dev/null
expect_exit "edit and sync" 0 db -C "$TMP/c2" sync
inv "$TMP/c2" "after the sync to master: invariants"
expect_eq "the push went to master only" "refs/heads/master" \
    "$(git -C "$m2" for-each-ref --format='%(refname)' refs/heads)"
expect_eq "master is the clone's HEAD" "$(git -C "$TMP/c2" rev-parse HEAD)" "$(tip "$m2" master)"

# ---- remote paths that do not exist (a remote and clone of their own) -----
url2=$(team_remote far) || { fail "second team remote"; exit 1; }
c=$(clone_as "$url2" carol "Carol Cole") || { fail "carol's clone"; exit 1; }
db -C "$c" add "Far deal" --value 300 > /dev/null
missing="$TMP/no/such/team.git"
git -C "$c" remote set-url origin "$missing"
head=$(git -C "$c" rev-parse HEAD)
expect_exit "sync to a path that does not exist: exit 2" 2 db -C "$c" sync
expect_contains "says the path does not exist" "does not exist" "$ERR"
expect_contains "names the path" "$missing" "$ERR"
expect_not_contains "not 'unsupported URL protocol'" "unsupported URL protocol" "$ERR"
expect_eq "HEAD unchanged" "$head" "$(git -C "$c" rev-parse HEAD)"
check "work tree clean" is_clean "$c"

git -C "$c" remote set-url origin "file://$missing"
expect_exit "sync to a file:// URL whose path does not exist: exit 2" 2 db -C "$c" sync
expect_contains "file://: says the path does not exist" "does not exist" "$ERR"
expect_not_contains "file://: not 'unsupported URL protocol'" "unsupported URL protocol" "$ERR"
expect_eq "file://: HEAD unchanged" "$head" "$(git -C "$c" rev-parse HEAD)"
check "file://: work tree clean" is_clean "$c"
git -C "$c" remote set-url origin "$url2"

expect_exit "clone of a path that does not exist: exit 2" 2 db clone "$missing" "$TMP/nope"
expect_contains "clone: says the path does not exist" "does not exist" "$ERR"
expect_not_contains "clone: not 'unsupported URL protocol'" "unsupported URL protocol" "$ERR"
check "clone: no pipeline left behind" test ! -e "$TMP/nope/pipeline.json"

expect_exit "back on the real remote, the waiting commit goes out" 0 db -C "$c" sync
inv "$c" "after the last sync: invariants (carol)"
expect_eq "the remote has it" "$(git -C "$c" rev-parse HEAD)" "$(tip "$TMP/far.git")"
