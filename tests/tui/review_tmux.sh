#!/bin/sh
# The daily review in a real terminal (tmux): a short walk, then the files and
# commits it made; quit and start again resumes at the next deal. Every step
# waits for what it expects on the screen (tmux_lib.sh), never a fixed time.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux_lib.sh"
command -v tmux > /dev/null || { fail "tmux is installed (make deps)"; exit 0; }

repo=$(new_repo)
cd "$repo" || exit 1
c1=$(DEALBOARD_TODAY=2026-09-01 db add "C1 Rollout" --account "Acme" --value 48000 --stage explore)
c2=$(DEALBOARD_TODAY=2026-09-01 db add "C2 Platform" --account "Beta" --value 9000 --stage explore)
c3=$(DEALBOARD_TODAY=2026-09-01 db add "C3 Pricing" --account "Gamma" --value 7000 --stage explore)
before=$(commit_count .)

tmux_start rv 100 30 "'$DEALBOARD' -C '$repo' review"
screen_ok "review opens in a real terminal" rv "Daily review · 1 of 3 · move on?"
screen_ok "first deal" rv "C1 Rollout"
screen_ok "hints from the keymap" rv "t touch"
keys rv t
screen_ok "touch asks for a note" rv "Touch: what happened (optional):"
typetext rv "Demo booked"
keys rv Enter
screen_ok "touch commits, then asks for the next step" rv "Plan the next step"
expect_eq "touch commit" "Touch $c1: Demo booked" "$(last_message .)"
expect_eq "touch in the file" "2026-11-20" "$(field . "$c1" 'd["last_touch"]')"
typetext rv "Send the pilot plan"
keys rv Enter
typetext rv "+3"
keys rv Enter
screen_ok "then the status quo, in words" rv "What does the buyer do today, and why do they feel safe?"
typetext rv "Spreadsheets"
keys rv Enter
screen_ok "then the insight" rv "What should keep them awake at night?"
keys rv Escape
screen_ok "Esc skips it: the next deal" rv "Daily review · 2 of 3"
screen_ok "…C2" rv "C2 Platform"
expect_eq "next step in the file" "Send the pilot plan 2026-11-23" \
    "$(field . "$c1" 'd["next_step"]["text"] + " " + d["next_step"]["due"]')"
expect_eq "status quo in the file" "Spreadsheets" "$(field . "$c1" 'd["status_quo"]')"
keys rv L
screen_ok "L in the review asks what the buyer showed in Explore" rv "[ ] 1. the buyer has listed"
keys rv 1
screen_ok "1 ticks the first outcome" rv "[x] 1. the buyer has listed"
keys rv Enter
screen_ok "stage move without a next step: asks for one" rv "Plan the next step"
expect_eq "stage commit, with what was seen" \
    "Move $c2: Explore → Evaluate; seen: the buyer has listed the approaches they considered" \
    "$(last_message .)"
expect_eq "stage in the file" "evaluate" "$(field . "$c2" 'd["stage"]')"
typetext rv "Reference call"
keys rv Enter
typetext rv "+7"
keys rv Enter
screen_ok "then the status quo" rv "What does the buyer do today"
keys rv Escape
screen_ok "then the insight" rv "What should keep them awake at night?"
keys rv Escape
screen_ok "then the next deal" rv "Daily review · 3 of 3"
keys rv q
if wait_exit rv; then ok "q leaves the review"; else fail "q leaves the review" "$(capture rv)"; fi
expect_eq "five commits: touch, next step, status quo, stage, next step" $((before + 5)) "$(commit_count .)"

# again the same day: it resumes at C3
tmux_start rv2 100 30 "'$DEALBOARD' -C '$repo' review"
screen_ok "resumes at the next unhandled deal" rv2 "Daily review · 3 of 3"
screen_ok "…C3" rv2 "C3 Pricing"
keys rv2 w
screen_ok "won asks first, naming the deal" rv2 "Mark 'C3 Pricing' (7,000 EUR) as won? y/n"
keys rv2 y
screen_ok "won asks why" rv2 "Won! Why (optional):"
keys rv2 Enter
screen_ok "summary after the last deal" rv2 "Today's review is done"
screen_ok "…counts" rv2 "won              1"
expect_eq "won commit" "Won $c3" "$(last_message .)"
expect_eq "won in the file" "won" "$(field . "$c3" 'd["status"]')"
keys rv2 Escape
if wait_exit rv2; then ok "Esc closes the summary"; else fail "Esc closes the summary" "$(capture rv2)"; fi
expect_eq "six commits in all" $((before + 6)) "$(commit_count .)"
check "work tree clean" is_clean .
