#!/bin/sh
# Issue 14 in a real terminal (tmux): a pre-fill is shown selected (reverse
# video) and typing replaces it; w asks before closing; > then < keeps the
# stage clock; another currency is marked on its card. Every step waits for
# what it expects on the screen, then checks the files and commits.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux_lib.sh"
command -v tmux > /dev/null || { fail "tmux is installed (make deps)"; exit 0; }
export TZ=UTC

repo=$(new_repo)
cd "$repo" || exit 1
acme=$(db add "Acme Rollout" --account Acme --value 85000 --stage define --next "Call Lars" --due 2026-11-25)
franc=$(db add "Franc Deal" --account Helvetia --value 190000 --stage define --next "Call" --due 2026-11-30)
db set "$franc" currency CHF > /dev/null
clock=$(DEALBOARD_TODAY=2026-10-01 db add "Clock Deal" --account Tick --value 30000 --stage recognize --next "Call" --due 2026-11-30)
DEALBOARD_TODAY=2026-11-02 db move "$clock" define > /dev/null

tmux_start main 100 30 "'$DEALBOARD' -C '$repo'"
screen_ok "board starts" main "Open 2"
screen_ok "the CHF deal's card says CHF" main "190k CHF"

# ---- the pre-fill is selected, and typing replaces it ----------------------
before=$(commit_count .)
keys main /
typetext main "Acme"
keys main Enter
keys main e
screen_ok "e asks for the field" main "Edit which field"
typetext main "value"
keys main Enter
screen_ok "the current value is pre-filled" main "value: 85000"
# Reverse video (SGR 7, alone or with other attributes; colour resets may
# follow) right before the text.
reversed=$(capture main -e | python3 -c '
import re, sys
print("yes" if re.search(r"\x1b\[(?:[0-9]+;)*7(?:;[0-9]+)*m(?:\x1b\[[0-9;]*m)*85000", sys.stdin.read()) else "no")')
expect_eq "the pre-fill is drawn selected (reverse video)" yes "$reversed"
typetext main "50k"
screen_ok "typing replaced it" main "value: 50k"
keys main Enter
screen_ok "saved" main "Set $acme value: 85000 → 50000"
expect_eq "the file has 50,000" 50000 "$(field . "$acme" 'd["value"]')"
expect_eq "one commit" $((before + 1)) "$(commit_count .)"
typed=$(capture main -e | python3 -c '
import re, sys
print("no" if re.search(r"\x1b\[(?:[0-9]+;)*7(?:;[0-9]+)*m(?:\x1b\[[0-9;]*m)*50k", sys.stdin.read()) else "yes")')
expect_eq "typed text is not drawn selected" yes "$typed"

# ---- w asks first; a stray key cancels ---------------------------------------
keys main w
screen_ok "w names the deal" main "Mark 'Acme Rollout' (50,000 EUR) as won? y/n"
typetext main "o"
screen_ok "any other key than y: nothing changed" main "not won: nothing changed"
expect_eq "…still open" open "$(field . "$acme" 'd["status"]')"
expect_eq "…no commit" $((before + 1)) "$(commit_count .)"

# ---- > then < keeps the stage clock -----------------------------------------
keys main /
typetext main "Clock"
keys main Enter
screen_ok "Clock Deal: 18 days in Define" main "18d Test"
keys main '>'
screen_ok "> asks what the buyer showed in Define" main "Leaving Define: what did the buyer show?"
keys main Escape
screen_ok "Esc: moved on all the same, nothing recorded" main "Move $clock: Define → Explore"
keys main '<'
screen_ok "< brings it back, clock kept" main "Move $clock: Explore → Define (back: in Define since 2026-11-02)"
expect_eq "stage_entered is still 2026-11-02" 2026-11-02 "$(field . "$clock" 'd["stage_entered"]')"
screen_ok "the card says 18 days again" main "18d Test"

keys main q
if wait_exit main; then ok "q quits"; else fail "q quits" "$(capture main)"; fi
check "work tree clean at the end" is_clean .
