#!/bin/sh
# The board with git beside it (SPEC 7): once a move shows on the screen, the
# index matches HEAD, so a `git commit` in another terminal while the board
# waits for the next key records nothing stale and never takes the move back.
# And a `git commit` that holds the index lock makes the board's move fail in
# words, with nothing committed.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux_lib.sh"
command -v tmux > /dev/null || { fail "tmux is installed (make deps)"; exit 0; }

repo=$(new_repo)
cd "$repo" || exit 1
acme=$(db add "Acme Rollout" --account Acme --value 48000 --stage define)
tmux_start main 120 40 "'$DEALBOARD' -C '$repo'"
screen_ok "board starts" main "Open 1"
keys main L
keys main Escape
screen_ok "L moves the deal" main "Move $acme: Define → Explore"
# The board is waiting for a key now: git sees HEAD, index and files agree.
expect_eq "git status is clean while the board waits" "" "$(git status --porcelain)"
check "the index equals HEAD while the board waits" git diff --cached --quiet
# A teammate at this terminal commits by hand: the move stays.
echo "notes" > NOTES.txt
git add NOTES.txt && git commit -qm "Notes by hand"
expect_contains "the move survives a git commit beside the board" '"stage": "explore"' \
    "$(git show "HEAD:deals/$(printf %s "$acme" | tail -c 2)/$acme.json")"

# git holds the index lock (as a running `git commit` does): the move is
# refused in words, nothing committed, the lock left alone.
head=$(git rev-parse HEAD)
: > .git/index.lock
keys main L
keys main Escape
screen_ok "a move while git holds the lock says so" main "index.lock"
expect_eq "nothing was committed" "$head" "$(git rev-parse HEAD)"
check "git's lock is left alone" test -e .git/index.lock
rm -f .git/index.lock
expect_eq "the work tree is as it was" "" "$(git status --porcelain)"
keys main q
wait_exit main || fail "the board quits"
