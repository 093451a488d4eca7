#!/bin/sh
# An edit that cannot be completed — full disk, read-only repository, git
# refusing the commit — ends in a clear error, leaves no partial or temp
# file, commits nothing half-way and changes nothing the user can see.
#
# Tests run as root in CI, and root ignores permission bits, so a read-only
# directory proves nothing. Instead: a tiny tmpfs (full, then remounted
# read-only) where mounting is allowed; a file-size limit (RLIMIT_FSIZE, which
# binds root too) standing in for a full disk everywhere; and a directory in
# the place of git's ref lock file, which makes the commit itself fail after
# the deal file has been written.
. "$(dirname "$0")/../lib.sh"

snapshot() { # REPO: HEAD, the status and every deal file's bytes
    git -C "$1" rev-parse HEAD
    git -C "$1" status --porcelain 2> /dev/null
    cat "$1"/deals/*/*.json 2> /dev/null | cksum
}
leftovers() { find "$1" -name '*.tmp-*' | wc -l; }

# 1. The commit fails after the file was written: the file is put back.
repo=$(new_repo) || { fail "init"; exit 1; }
id=$(db -C "$repo" add "Acme rollout")
before=$(snapshot "$repo")
mkdir "$repo/.git/refs/heads/main.lock"
expect_exit "commit refused by git: exit 2" 2 db -C "$repo" note "$id" "will not land"
expect_contains "a clear message" "refs/heads/main is locked by another git command" "$ERR"
echo "# $ERR"
expect_eq "HEAD, status and files as before" "$before" "$(snapshot "$repo")"
expect_eq "no temp file" 0 "$(leftovers "$repo")"
rmdir "$repo/.git/refs/heads/main.lock"
expect_exit "the next edit works" 0 db -C "$repo" note "$id" "lands"
expect_not_contains "the failed note never lands later" "will not land" "$(cat "$repo"/deals/*/*.json)"
expect_eq "clean" "" "$(git -C "$repo" status --porcelain)"

# 2. A full disk, simulated with a file-size limit below the deal's size.
big=$(head -c 60000 /dev/zero | tr '\0' x)
db -C "$repo" set "$id" insight "$big" > /dev/null
before=$(snapshot "$repo")
(trap '' XFSZ; ulimit -f 40; exec "$DEALBOARD" -C "$repo" note "$id" "no room") \
    > "$TMP/out" 2> "$TMP/err"
expect_eq "file too large: exit 2" 2 $?
expect_contains "says it cannot write" "cannot write" "$(cat "$TMP/err")"
expect_eq "nothing changed" "$before" "$(snapshot "$repo")"
expect_eq "no temp file left by the failed write" 0 "$(leftovers "$repo")"
expect_exit "doctor: all good" 0 db -C "$repo" doctor

# 3. A real full disk and a read-only file system, where mounting works.
mnt="$TMP/mnt"
mkdir -p "$mnt"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=2m dealboard-test "$mnt" 2> /dev/null; then
    trap 'umount "$mnt" 2> /dev/null; rm -rf "$TMP"' EXIT
    small=$(new_repo mnt/repo)
    id=$(db -C "$small" add "Borealis pilot")
    db -C "$small" set "$id" insight "$(head -c 20000 /dev/zero | tr '\0' y)" > /dev/null
    before=$(snapshot "$small")
    dd if=/dev/zero of="$mnt/filler" bs=4k 2> /dev/null       # fills the disk
    expect_exit "disk full: exit 2" 2 db -C "$small" note "$id" "no space"
    expect_contains "says why" "No space left on device" "$ERR"
    echo "# $ERR"
    expect_eq "disk full: nothing changed" "$before" "$(snapshot "$small")"
    expect_eq "disk full: no temp file" 0 "$(leftovers "$small")"
    rm -f "$mnt/filler"
    expect_exit "space again: the edit works" 0 db -C "$small" note "$id" "space"
    before=$(snapshot "$small")
    mount -o remount,ro "$mnt"
    expect_exit "read-only: exit 2" 2 db -C "$small" note "$id" "read only"
    expect_contains "read-only: says why" "Read-only file system" "$ERR"
    expect_eq "read-only: nothing changed" "$before" "$(snapshot "$small")"
    expect_exit "read-only: reading still works" 0 db -C "$small" show "$id"
    expect_exit "read-only: doctor still checks" 0 db -C "$small" doctor
    mount -o remount,rw "$mnt"
    expect_exit "writable again: doctor" 0 db -C "$small" doctor
    umount "$mnt"
else
    echo "# skipped: tmpfs full-disk and read-only checks (mounting needs root)"
fi
