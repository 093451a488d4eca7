# Shared by the shell test suites. Source it first: it makes a private
# temporary world (HOME, git identity, DEALBOARD_TODAY) and assertion helpers
# that record every result for tests/run.sh.
set -u
: "${DEALBOARD:?run through make test}"
TEST_RESULTS=${TEST_RESULTS:-/dev/null}
TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dealboard-test-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export HOME="$TMP/home" XDG_CONFIG_HOME="$TMP/home/.config"
mkdir -p "$HOME"
export GIT_CONFIG_GLOBAL="$HOME/.gitconfig" GIT_CONFIG_NOSYSTEM=1
git config --global user.name "Test Seller"
git config --global user.email "seller@example.com"
git config --global init.defaultBranch main
export DEALBOARD_TODAY=${DEALBOARD_TODAY:-2026-11-20}
unset DEALBOARD_REPO
export LC_ALL=C.UTF-8
db() { "$DEALBOARD" "$@"; }

ok() { echo "ok - $TEST_NAME: $1"; echo ok >> "$TEST_RESULTS"; }
fail() {
    echo "not ok - $TEST_NAME: $1"
    [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/#   /' | head -40
    echo FAIL >> "$TEST_RESULTS"
}
# check DESC CMD…: passes when CMD succeeds.
check() { desc=$1; shift; if out=$("$@" 2>&1); then ok "$desc"; else fail "$desc" "$out"; fi; }
expect_eq() { # DESC EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected: $2
actual:   $3"; fi
}
expect_contains() { # DESC NEEDLE HAYSTACK
    case "$3" in *"$2"*) ok "$1" ;; *) fail "$1" "missing: $2
in: $3" ;; esac
}
expect_not_contains() {
    case "$3" in *"$2"*) fail "$1" "unexpected: $2
in: $3" ;; *) ok "$1" ;; esac
}
# expect_exit DESC CODE CMD…: runs CMD, checks its exit code; output in $OUT, stderr in $ERR.
expect_exit() {
    desc=$1 code=$2; shift 2
    "$@" > "$TMP/.out" 2> "$TMP/.err"
    rc=$?
    OUT=$(cat "$TMP/.out") ERR=$(cat "$TMP/.err")
    if [ "$rc" = "$code" ]; then ok "$desc"; else fail "$desc" "exit $rc, expected $code
stdout: $OUT
stderr: $ERR"; fi
}
# A fresh pipeline repository; prints its path.
# The path is printed even when init fails: an empty one would turn a later
# `git -C "$R" commit -a` into a commit in the directory the suite runs from
# (the source tree, e.g. with a wrong DEALBOARD), not a failed test.
new_repo() {
    dir="$TMP/${1:-repo}"
    echo "$dir"
    db init "$dir" > /dev/null || return 1
}
commit_count() { git -C "$1" rev-list --count HEAD; }
last_message() { git -C "$1" log -1 --format=%s; }
is_clean() { [ -z "$(git -C "$1" status --porcelain)" ]; }

# ---- helpers for the CLI suites ------------------------------------------
TOP=$(cd "$(dirname "$0")/../.." && pwd)
# pyjson EXPR: evaluates a Python expression over the JSON document on stdin
# (bound to d) and prints the result; lists and dicts print as JSON.
pyjson() {
    python3 -c 'import json, sys
d = json.load(sys.stdin)
r = eval(sys.argv[1])
print(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False))' "$1"
}
# deal_path REPO ID: the deal's file, deals/<last two characters>/<id>.json.
deal_path() { printf '%s/deals/%s/%s.json' "$1" "$(printf '%s' "$2" | tail -c 2)" "$2"; }
# field REPO ID EXPR: pyjson over the deal's file.
field() { pyjson "$3" < "$(deal_path "$1" "$2")"; }
# state REPO: HEAD, index and every file's name and bytes outside .git.
state() {
    git -C "$1" rev-parse HEAD 2>/dev/null
    git -C "$1" ls-files -s 2>/dev/null | cksum
    (cd "$1" && find . -path ./.git -prune -o -print | LC_ALL=C sort | while read -r f; do
        if [ -f "$f" ]; then printf '%s %s\n' "$f" "$(cksum < "$f")"; else echo "$f"; fi
    done)
}
# expect_unchanged DESC REPO BEFORE: the repository is as `state` saw it before.
expect_unchanged() {
    now=$(state "$2")
    if [ "$3" = "$now" ]; then ok "$1"; else fail "$1" "$(printf '%s\n' "$3" > "$TMP/.before";
        printf '%s\n' "$now" | diff "$TMP/.before" - )"; fi
}
# expect_error DESC: $ERR (from expect_exit) is one "dealboard: <what>: <why>" line.
expect_error() {
    lines=$(printf '%s\n' "$ERR" | wc -l)
    case "$ERR" in
        "dealboard: "?*": "?*) [ "$lines" -eq 1 ] && ok "$1" || fail "$1" "more than one line: $ERR" ;;
        *) fail "$1" "not 'dealboard: <what>: <why>': $ERR" ;;
    esac
}
# rejects DESC REPO CODE NEEDLE CMD…: CMD fails with CODE, says NEEDLE in the
# standard error format, and changes nothing in REPO.
rejects() {
    _rdesc=$1 _rrepo=$2 _rcode=$3 _rneedle=$4; shift 4
    _rbefore=$(state "$_rrepo")
    expect_exit "$_rdesc: exit $_rcode" "$_rcode" "$@"
    expect_error "$_rdesc: error format"
    expect_contains "$_rdesc: says why" "$_rneedle" "$ERR"
    expect_unchanged "$_rdesc: changes nothing" "$_rrepo" "$_rbefore"
}
# author REPO [REV]: "Name <email>" of a commit.
author() { git -C "$1" log -1 --format='%an <%ae>' "${2:-HEAD}"; }

# ---- the repository contract (SPEC §7) -----------------------------------
# assert_invariants DIR DESC: one result: git status is clean, the index equals
# HEAD and `git fsck --strict` finds no error (dangling objects are fine).
assert_invariants() {
    _iwhy=
    _ist=$(git -C "$1" status --porcelain 2>&1) || _iwhy="git status failed"
    [ -z "$_ist" ] || _iwhy="$_iwhy
status: $_ist"
    git -C "$1" diff --cached --quiet 2> /dev/null ||
        _iwhy="$_iwhy
index differs from HEAD: $(git -C "$1" diff --cached --name-status 2> /dev/null)"
    _ifsck=$(git -C "$1" fsck --strict 2>&1) || _iwhy="$_iwhy
fsck failed: $(printf '%s\n' "$_ifsck" | grep -v '^dangling')"
    _ibad=$(printf '%s\n' "$_ifsck" | grep -v '^dangling' |
        grep -Ei 'error|broken|missing|bad|corrupt|invalid')
    [ -z "$_ibad" ] || _iwhy="$_iwhy
fsck: $_ibad"
    if [ -z "$_iwhy" ]; then ok "$2"; else fail "$2" "$_iwhy"; fi
}
# assert_head_unchanged DIR OLDHEAD DESC
assert_head_unchanged() { expect_eq "$3" "$2" "$(git -C "$1" rev-parse -q --verify HEAD)"; }
# bad_deal_blobs DIR: prints "COMMIT PATH" for every deals/**.json blob, in any
# commit reachable from any ref, that is not valid UTF-8 JSON (nothing: all parse).
bad_deal_blobs() {
    python3 - "$1" <<'PYEOF'
import json, subprocess, sys
def git(*a):
    return subprocess.run(["git", "-C", sys.argv[1]] + list(a), check=True,
                          stdout=subprocess.PIPE).stdout
good = {}
for c in git("rev-list", "--all").decode().split():
    for ent in git("ls-tree", "-r", "-z", c, "--", "deals").split(b"\0"):
        if not ent:
            continue
        meta, path = ent.split(b"\t", 1)
        mode, kind, oid = meta.decode().split()
        if kind != "blob" or not path.endswith(b".json"):
            continue
        if oid not in good:
            try:
                json.loads(git("cat-file", "blob", oid).decode("utf-8"))
                good[oid] = True
            except ValueError:
                good[oid] = False
        if not good[oid]:
            print(c, path.decode("utf-8", "replace"))
PYEOF
}

# too_wide WIDTH NAME…: rows of the screens $TMP/NAME.txt wider than WIDTH
# characters, not bytes (none: "").
too_wide() {
    w=$1; shift
    for n in "$@"; do
        python3 -c 'import sys
w = int(sys.argv[1])
for i, l in enumerate(open(sys.argv[2], encoding="utf-8").read().split("\n")):
    if len(l) > w: print(sys.argv[2], i, len(l), l)' "$w" "$TMP/$n.txt"
    done
}
