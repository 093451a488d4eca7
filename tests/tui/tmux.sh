#!/bin/sh
# The real binary in a real terminal (tmux): keys in, screen out, and the
# files and commits the keys made.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/tmux_lib.sh"
command -v tmux > /dev/null || { fail "tmux is installed (make deps)"; exit 0; }

repo=$(new_repo)
cd "$repo" || exit 1
acme=$(db add "Acme Rollout" --account Acme --value 48000 --stage define --next "Call Anna" --due 2026-12-01)
beta=$(db add "Beta Platform" --account Beta --value 120000 --stage define)
db add "東京 データ platform" --account "株式会社" --value 5000 --stage define > /dev/null
db add "$(printf 'Evil\033[31mRed\033]0;pwned\007Title')" --account Evil --value 7000 --stage define > /dev/null
file_of() { echo "deals/$(printf %s "$1" | tail -c 2)/$1.json"; }
cat > "$TMP/editor" <<'SH'
#!/bin/sh
sed 's/"account": "Beta"/"account": "Beta AG"/' "$1" > "$1.new" && mv "$1.new" "$1"
SH
chmod +x "$TMP/editor"

tmux_start main 120 40 "EDITOR='$TMP/editor' '$DEALBOARD' -C '$repo'"
screen_ok "board starts in a real terminal" main "Open 4"
screen_ok "columns by buyer stage" main "Status quo"
keys main j
keys main L
screen_ok "L asks what the buyer showed in Define" main "Leaving Define: what did the buyer show?"
keys main Escape
screen_ok "L moves the selected deal" main "Move $acme: Define → Explore"
expect_contains "deal file moved to explore" '"stage": "explore"' "$(cat "$(file_of "$acme")")"
expect_eq "commit says so" "Move $acme: Define → Explore" "$(last_message .)"
keys main H
screen_ok "H moves it back" main "Move $acme: Explore → Define"
expect_contains "deal file back in define" '"stage": "define"' "$(cat "$(file_of "$acme")")"

# the title's escape sequences must not reach the terminal
plain=$(capture main)
colored=$(capture main -e)
expect_not_contains "no ESC in the text" "$(printf '\033')" "$plain"
expect_contains "escaped title drawn as plain text (no SGR inside it)" "EvilRedTitle" "$colored"
expect_not_contains "no OSC title sequence" "pwned" "$(tm display -p -t main '#{pane_title}')"
cjk_line=$(printf '%s\n' "$plain" | grep -n "データ" | head -1 | cut -d: -f1)
expect_eq "CJK card keeps the line within 120 columns" "" "$(printf '%s\n' "$plain" | python3 -c '
import sys, unicodedata
for l in sys.stdin.read().split("\n"):
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
    if w > 120: print(l)')"
[ -n "$cjk_line" ] && ok "CJK title on screen" || fail "CJK title on screen" "$plain"

# colours are on by default (the control for the NO_COLOR test)
case "$colored" in *"$(printf '\033')[3"[1-7]m*|*"$(printf '\033')[38"*) ok "colours used by default" ;;
    *) fail "colours used by default" "$colored" ;; esac

# another process commits: the board reloads within ~2 s
db move "$beta" explore > /dev/null
screen_ok "board reloads after another process commits" main "reloaded: the repository changed" 3
screen_ok "…and shows the move" main "Explore        1 · 120k"

# help from the active keymap
keys main '?'
screen_ok "help screen lists bindings" main "move the selection left"
keys main Escape
wait_gone main "Keys (from the active keymap)"

# edit the deal file in $EDITOR (a script here)
keys main /
typetext main "Beta"
keys main Enter
keys main E
screen_ok "valid editor save commits" main "Edit $beta in the editor"
expect_contains "file changed by the editor" '"account": "Beta AG"' "$(cat "$(file_of "$beta")")"

# resize at any time
tm resize-window -t main -x 60 -y 15
screen_ok "60x15: redrawn at the new size" main "stages"
expect_eq "60x15: 15 rows" 15 "$(capture main | wc -l)"
tm resize-window -t main -x 20 -y 6
screen_ok "too small says so" main "terminal too small"
tm resize-window -t main -x 120 -y 40
screen_ok "back to 120x40" main "Evaluate"
wait_gone main "terminal too small"
expect_eq "120x40: 40 rows" 40 "$(capture main | wc -l)"

# idle: no busy loop (CPU time stays near zero while nothing happens)
pid=$(tm display -p -t main '#{pane_pid}')
t0=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
wait_for main "NEVER-APPEARS" 2
t1=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
[ $((t1 - t0)) -lt 20 ] && ok "idle board uses ~no CPU ($((t1 - t0)) ticks in 2 s)" ||
    fail "idle board uses ~no CPU" "$((t1 - t0)) ticks in 2 s"

keys main q
if wait_exit main; then ok "q quits"; else fail "q quits" "$(capture main)"; fi
check "work tree clean at the end" is_clean .

# NO_COLOR: attributes only, no colour escapes
tmux_start mono 100 30 "NO_COLOR=1 '$DEALBOARD' -C '$repo'"
screen_ok "NO_COLOR board starts" mono "Open 4"
colored=$(capture mono -e)
case "$colored" in *"$(printf '\033')[3"[0-7]m*|*"$(printf '\033')[38;"*|*"$(printf '\033')[9"[0-7]m*)
    fail "NO_COLOR: no colour escapes" "$colored" ;;
    *) ok "NO_COLOR: no colour escapes" ;; esac
expect_contains "NO_COLOR: flags still visible by glyph" "! Beta" "$(capture mono)"
keys mono q
wait_exit mono
