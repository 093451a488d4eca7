#!/bin/sh
# S on the board syncs in a child process: the board keeps drawing and moving
# while the sync runs, then shows the teammate's work, "synced HH:MM" on the
# status line, and the merge in git. Quitting mid-sync waits for the push.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux_lib.sh"
. "$(dirname "$0")/../sync/team.inc"
command -v tmux > /dev/null || { fail "tmux is installed (make deps)"; exit 0; }

url=$(team_remote team) || { fail "team remote"; exit 1; }
a=$(clone_as "$url" alice "Alice Ames") && b=$(clone_as "$url" bob "Bob Brown") ||
    { fail "clones"; exit 1; }
db -C "$a" add "Alpha Local" --account Alpha --value 1000 --stage define > /dev/null
db -C "$a" add "Another Local" --account Another --value 2000 --stage define > /dev/null
db -C "$b" add "Bobs Teammate Deal" --account Bobco --value 3000 --stage define > /dev/null
db -C "$b" sync > /dev/null || fail "bob pushes via the CLI"

# The card area (everything above the status and totals lines), with attributes.
cards() { capture "$1" -e | head -n 28; }

# The push waits 3 s (test-only hook): long enough to act while it runs.
tmux_start main 100 30 "DEALBOARD_TEST_PUSH_DELAY_MS=3000 '$DEALBOARD' -C '$a'"
screen_ok "board starts" main "Alpha Local"
before=$(cards main)
keys main S
screen_ok "status line says syncing" main "syncing"
keys main j
moved=no
limit=$(( $(date +%s) + TMUX_WAIT ))
while [ "$(date +%s)" -lt "$limit" ]; do
    now=$(capture main)
    case "$now" in *"synced:"*) break ;; esac   # too late: the sync ended first
    if [ "$(cards main)" != "$before" ]; then
        case "$(capture main)" in *syncing*) moved=yes ;; esac
        break
    fi
    sleep 0.05
done
expect_eq "j moves the selection while the sync runs" yes "$moved"
keys main S
screen_ok "a second S says one is running" main "a sync is already running"
keys main t
screen_ok "edits are refused while it runs" main "a sync is running"
screen_ok "the result arrives" main "synced: 1 in" 15
screen_ok "board shows the teammate's deal" main "Bobs Teammate Deal"
status=$(capture main | grep "ahead 0 behind 0")
case "$status" in
    *"synced "[0-2][0-9]:[0-5][0-9]*) ok "status line shows the time of the last sync" ;;
    *) fail "status line shows the time of the last sync" "$(capture main)" ;;
esac
expect_contains "A's history has bob's commit" "Bob Brown" "$(git -C "$a" log --format=%an)"
expect_eq "A made a merge commit" 1 "$(git -C "$a" rev-list --merges --count HEAD)"
expect_eq "A's work reached the remote" "$(git -C "$a" rev-parse HEAD)" \
    "$(git --git-dir="$TMP/team.git" rev-parse HEAD)"
keys main q
wait_exit main && ok "board quits" || fail "board quits" "$(capture main)"

# Quitting while a sync runs waits for it rather than killing it mid-push.
db -C "$a" add "Quit Midway" --account Quit --value 500 --stage define > /dev/null
tmux_start quit 100 30 "DEALBOARD_TEST_PUSH_DELAY_MS=2000 '$DEALBOARD' -C '$a'"
screen_ok "second board starts" quit "Quit Midway"
keys quit S
screen_ok "syncing again" quit "syncing"
keys quit q
screen_ok "quitting says it finishes the sync" quit "finishing sync"
wait_exit quit 15 && ok "board quits after the sync" || fail "board quits after the sync"
expect_eq "the sync finished its push" "$(git -C "$a" rev-parse HEAD)" \
    "$(git --git-dir="$TMP/team.git" rev-parse HEAD)"
