#!/bin/sh
# A short scripted CLI session under valgrind: no leaks (definite or
# possible), no invalid reads or writes, no use of uninitialised memory.
# Runs only when valgrind is installed, and not on the sanitizer build
# (make check), whose binary valgrind cannot run.
. "$(dirname "$0")/../lib.sh"

if ! command -v valgrind > /dev/null 2>&1; then
    echo "# skipped: valgrind is not installed"
    exit 0
fi
if grep -qa __asan_init "$DEALBOARD"; then
    echo "# skipped: the sanitizer build runs under ASan instead"
    exit 0
fi

vg() { # DESC CMD…: the command under valgrind exits 0 (or $EXPECT) with no valgrind error
    desc=$1; shift
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite,possible \
        --error-exitcode=99 --log-file="$TMP/vg.log" "$DEALBOARD" "$@" > "$TMP/vg.out" 2>&1
    rc=$?
    if [ $rc -eq "${EXPECT:-0}" ] && [ ! -s "$TMP/vg.log" ]; then ok "$desc"
    else fail "$desc (exit $rc)" "$(cat "$TMP/vg.log" "$TMP/vg.out")"; fi
}

repo=$TMP/repo
vg "init" init "$repo"
vg "add" -C "$repo" add "Acme rollout" --value 48000 --next "Call" --due 2026-12-01
id=$(db -C "$repo" list --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["deals"][0]["id"])')
vg "move" -C "$repo" move "$id" define
vg "note with escapes" -C "$repo" note "$id" "$(printf 'hi \033]0;x\007 there')"
vg "set close_date" -C "$repo" set "$id" close_date 2027-01-31
vg "list" -C "$repo" list
vg "list --json" -C "$repo" list --json
vg "show" -C "$repo" show "$id"
vg "flags" -C "$repo" flags
vg "log" -C "$repo" log "$id"
vg "undo" -C "$repo" undo
vg "doctor" -C "$repo" doctor
vg "report --json" -C "$repo" report --json
EXPECT=1 vg "unknown id (error path)" -C "$repo" show nosuchdeal
