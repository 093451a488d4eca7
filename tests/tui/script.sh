#!/bin/sh
# The board in script mode (DEALBOARD_SCRIPT): keys from a file, a virtual
# screen of a fixed size saved as text. Asserts on screens, files and commits.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"

repo=$(new_repo)
cd "$repo" || exit 1
acme=$(db add "Acme Rollout" --account Acme --value 48000 --stage define --next "Call Anna" --due 2026-11-19)
beta=$(db add "Beta Platform" --account Beta --value 120000 --stage define)
gamma=$(db add "Gamma Pricing" --account Gamma --value 9000 --stage explore --owner "Other Seller")
file_of() { echo "deals/$(printf %s "$1" | tail -c 2)/$1.json"; }


# ---- the board at 80x24 ---------------------------------------------------
board 80x24 <<EOF
screen $TMP/start.txt
EOF
expect_eq "exits at the end of the script" 0 $?
expect_eq "screen has 24 rows" 24 "$(wc -l < "$TMP/start.txt")"
expect_contains "three columns readable at 80x24" "Status quo" "$(row start 0)"
expect_contains "…Recognize" "Recognize" "$(row start 0)"
expect_contains "…Define with count and total" "Define           2 · 168k" "$(row start 0)"
expect_contains "card shows title" "Beta Platform" "$(screen start)"
expect_contains "card shows account and value" "Acme                  48k" "$(screen start)"
expect_contains "card shows days in stage, owner and next-step state" "0d Test Seller    overdue" "$(screen start)"
expect_contains "watch flag mark on a flagged card" "! Beta Platform" "$(screen start)"
expect_contains "totals line: open value and weighted forecast" "Open 3 · 177,000 EUR · weighted 37,200" "$(row start 23)"
expect_contains "status line: flagged count" "flagged" "$(row start 22)"
expect_contains "columns scroll sideways: which stages are shown" "stages 1-3/6" "$(row start 23)"
expect_not_contains "no ahead/behind without a remote" "ahead" "$(screen start)"

# ---- navigation ---------------------------------------------------------
board 80x24 <<EOF
key j
key Enter
screen $TMP/nav1.txt
key q
key l
screen $TMP/nav2.txt
key Enter
screen $TMP/nav3.txt
key End
screen $TMP/nav3b.txt
key Esc
keys G
key Enter
screen $TMP/nav4.txt
key Esc
keys gg
key Enter
screen $TMP/nav5.txt
EOF
expect_contains "j then Enter: detail of the second card" "Acme Rollout" "$(row nav1 1)"
expect_contains "l scrolls to the Explore column" "Explore" "$(row nav2 0)"
expect_contains "Enter on Explore: Gamma's detail" "Gamma Pricing" "$(row nav3 1)"
expect_contains "detail lists the flag's reasons" "no next step" "$(screen nav3)"
expect_contains "detail shows the git history" "Add $gamma: Gamma Pricing" "$(screen nav3b)"
expect_contains "detail shows the log" "note: Deal created" "$(screen nav3b)"
expect_contains "G: last card of the column (Gamma is alone)" "Gamma Pricing" "$(row nav4 1)"
expect_contains "gg: first card" "Gamma Pricing" "$(row nav5 1)"

# ---- moving a deal both ways --------------------------------------------
before=$(commit_count .)
board 80x24 <<EOF
key j
key L
key Esc
screen $TMP/move1.txt
EOF
expect_contains "L moves the deal to the next stage" '"stage": "explore"' "$(cat "$(file_of "$acme")")"
expect_eq "one commit for the move" $((before + 1)) "$(commit_count .)"
expect_eq "commit message in words" "Move $acme: Define → Explore" "$(last_message .)"
expect_contains "status line says what happened" "Move $acme: Define → Explore" "$(row move1 22)"
expect_contains "selection follows the deal into Explore" "Explore" "$(row move1 0)"
board 80x24 <<EOF
key /
type Acme
key Enter
key H
screen $TMP/move2.txt
EOF
expect_contains "H moves it back" '"stage": "define"' "$(cat "$(file_of "$acme")")"
expect_eq "commit message back" "Move $acme: Explore → Define" "$(last_message .)"
expect_eq "two commits in all" $((before + 2)) "$(commit_count .)"
check "work tree clean after moves" is_clean .

# ---- adding a deal through the form ---------------------------------------
before=$(commit_count .)
board 100x30 <<EOF
key a
type Delta 東京 Rollout
key Enter
type Delta KK
key Enter
type 75k
key Enter
key <C-u>
type evaluate
key Enter
type 31/12
key Enter
screen $TMP/add1.txt
key <C-u>
type 2027-01-31
keys Enter
type Send proposal
key Enter
type +7
key Enter
screen $TMP/add2.txt
EOF
expect_contains "the form rejects a bad date" "not a date" "$(screen add1)"
expect_contains "the form shows the fields" "Account     Delta KK" "$(screen add1)"
expect_eq "one commit for the new deal" $((before + 1)) "$(commit_count .)"
expect_contains "commit message" "Add delta-rollout-" "$(last_message .)"
delta_file=$(git show --name-only --format= HEAD)
expect_contains "new file in deals/" "deals/" "$delta_file"
expect_contains "stage from the form" '"stage": "evaluate"' "$(cat "$delta_file")"
expect_contains "value parsed (75k)" '"value": 75000' "$(cat "$delta_file")"
expect_contains "close date" '"close_date": "2027-01-31"' "$(cat "$delta_file")"
expect_contains "due date +7 normalized" '"due": "2026-11-27"' "$(cat "$delta_file")"
expect_contains "owner is the user" '"owner": "Test Seller"' "$(cat "$delta_file")"
expect_contains "board selects the new deal (its column is shown)" "Evaluate" "$(row add2 0)"
board 80x24 <<EOF
key a
type Never Saved
key Esc
screen $TMP/add3.txt
EOF
expect_eq "Esc cancels the form: no commit" $((before + 1)) "$(commit_count .)"

# ---- search and filter ----------------------------------------------------
board 80x24 <<EOF
key /
type gamma
key Enter
key Enter
screen $TMP/search1.txt
key Esc
key /
type zzz-nothing
key Enter
screen $TMP/search2.txt
EOF
expect_contains "search selects the match (case-insensitive)" "Gamma Pricing" "$(row search1 1)"
expect_contains "no match says so" "no deal matches 'zzz-nothing'" "$(screen search2)"
board 80x24 <<EOF
key /
type platform
key Enter
key /
type a
key Enter
key n
key Enter
screen $TMP/search3.txt
key Esc
key N
key Enter
screen $TMP/search4.txt
EOF
expect_contains "n goes to the next match" "Acme Rollout" "$(row search3 1)"
expect_contains "N goes back" "Beta Platform" "$(row search4 1)"
board 80x24 <<EOF
key f
type owner:Other Seller
key Enter
screen $TMP/filter1.txt
key f
key <C-u>
type mine
key Enter
screen $TMP/filter2.txt
key f
key <C-u>
type bogus
key Enter
screen $TMP/filter3.txt
EOF
expect_contains "filter shown on the status line" "filter: owner:Other Seller" "$(row filter1 22)"
expect_not_contains "filtered out: Acme" "Acme Rollout" "$(screen filter1)"
expect_contains "totals follow the filter" "Open 1 · 9,000 EUR" "$(row filter1 23)"
expect_contains "mine: my deals" "Acme Rollout" "$(screen filter2)"
expect_not_contains "mine: not the other seller's" "Gamma" "$(screen filter2)"
expect_contains "a bad filter is explained" "is not mine, flagged" "$(screen filter3)"

# ---- touch, next step, sort ------------------------------------------------
before=$(commit_count .)
board 80x24 <<EOF
key /
type Beta
key Enter
key t
type Called the CFO
key Enter
key p
type Send the ROI model
key Enter
type tomorrow
key Enter
key s
screen $TMP/edit1.txt
EOF
expect_eq "touch and next step: two commits" $((before + 2)) "$(commit_count .)"
expect_eq "next-step commit message" "Next step for $beta: Send the ROI model (due 2026-11-21)" "$(last_message .)"
expect_contains "touch logged" "Called the CFO" "$(cat "$(file_of "$beta")")"
expect_contains "sort cycles (age in stage)" "sort: age in stage" "$(row edit1 23)"

# ---- undo ----------------------------------------------------------------
before=$(commit_count .)
board 80x24 <<EOF
key u
screen $TMP/undo.txt
EOF
expect_eq "undo is a new commit" $((before + 1)) "$(commit_count .)"
expect_contains "undo commit message" "Undo: Next step for $beta" "$(last_message .)"
expect_not_contains "next step reverted in the file" "Send the ROI model" "$(cat "$(file_of "$beta")")"
check "clean after undo" is_clean .

# ---- edit the file in $EDITOR ------------------------------------------------
cat > "$TMP/bad-editor" <<'EOF'
#!/bin/sh
printf '{ "id": broken' > "$1"
EOF
cat > "$TMP/good-editor" <<'EOF'
#!/bin/sh
sed 's/"title": "Acme Rollout"/"title": "Acme Rollout Phase 2"/' "$1" > "$1.new" && mv "$1.new" "$1"
EOF
chmod +x "$TMP/bad-editor" "$TMP/good-editor"
before=$(commit_count .)
saved=$(cat "$(file_of "$acme")")
EDITOR="$TMP/bad-editor" board 80x24 <<EOF
key /
type Acme
key Enter
key E
screen $TMP/editor1.txt
EOF
expect_eq "invalid edit: nothing committed" "$before" "$(commit_count .)"
expect_eq "invalid edit: file restored" "$saved" "$(cat "$(file_of "$acme")")"
expect_contains "invalid edit: the message says why" "not saved:" "$(screen editor1)"
check "invalid edit: work tree clean" is_clean .
EDITOR="$TMP/good-editor" board 80x24 <<EOF
key /
type Acme
key Enter
key E
screen $TMP/editor2.txt
EOF
expect_eq "valid edit: one commit" $((before + 1)) "$(commit_count .)"
expect_eq "valid edit: commit message" "Edit $acme in the editor" "$(last_message .)"
expect_contains "valid edit: file changed" "Acme Rollout Phase 2" "$(cat "$(file_of "$acme")")"
expect_contains "valid edit: board shows it" "Acme Rollout Phase 2" "$(screen editor2)"

# ---- help from the active keymap, and a user's keys file -------------------
mkdir -p "$XDG_CONFIG_HOME/dealboard"
printf 'bind board X sort\nbind board K no-such-action\n' > "$XDG_CONFIG_HOME/dealboard/keys"
board 100x60 <<EOF
screen $TMP/keys1.txt
key ?
screen $TMP/help.txt
EOF
expect_contains "bad keys line shown on the status line as FILE:LINE: why" "dealboard/keys:2:" "$(row keys1 58)"
expect_contains "…and on stderr" "dealboard/keys:2:" "$(cat "$TMP/board.err")"
expect_contains "help lists default bindings" "Left, h          move the selection left" "$(screen help)"
expect_contains "help lists the user's binding" "s, X             cycle the sort order" "$(screen help)"
expect_contains "help lists prompt keys" "kill-line" "$(DEALBOARD_SCRIPT= db board --keys-table 2>/dev/null)"
rm "$XDG_CONFIG_HOME/dealboard/keys"
board 80x24 <<EOF
key X
screen $TMP/keys2.txt
EOF
expect_not_contains "without the keys file X does nothing" "sort: age" "$(screen keys2)"

# ---- resize and too small --------------------------------------------------
board 120x40 <<EOF
screen $TMP/r1.txt
resize 60x15
screen $TMP/r2.txt
resize 20x6
screen $TMP/r3.txt
key j
resize 120x40
screen $TMP/r4.txt
EOF
expect_eq "120x40: 40 rows" 40 "$(wc -l < "$TMP/r1.txt")"
expect_contains "120x40 shows five stages" "Evaluate" "$(row r1 0)"
expect_eq "60x15: 15 rows" 15 "$(wc -l < "$TMP/r2.txt")"
expect_contains "60x15: totals on the last row" "Open" "$(row r2 14)"
expect_contains "60x15: two columns" "Recognize" "$(row r2 0)"
expect_eq "60x15: no row wider than 60" "" "$(python3 -c 'import sys; [print(l) for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if len(l) > 60]' "$TMP/r2.txt")"
expect_contains "too small says so, with the minimum" "terminal too small: needs at least 24x8 (now 20x6)" "$(tr '\n' ' ' < "$TMP/r3.txt" | tr -s ' ')"
expect_eq "back to 120x40: 40 rows" 40 "$(wc -l < "$TMP/r4.txt")"
expect_contains "back to 120x40: five stages again" "Explore" "$(row r4 0)"
expect_contains "back to 120x40: totals line" "Open 4" "$(row r4 39)"
expect_not_contains "back to 120x40: no trace of the small screen" "too small" "$(screen r4)"

# ---- untrusted text: wide characters and escape sequences -----------------
db add "東京 データ platform" --account "株式会社" --value 5000 --stage status-quo > /dev/null
evil_title=$(printf 'Evil\033[31mRed\033]0;pwned\007Title')
db add "$evil_title" --account "$(printf 'X\033[2JY')" --value 7000 --stage recognize > /dev/null
board 80x24 <<EOF
screen $TMP/wide.txt
EOF
expect_not_contains "no ESC reaches the screen" "$(printf '\033')" "$(screen wide)"
expect_contains "escape sequence dropped, text kept" "EvilRedTitle" "$(screen wide)"
aligned=$(python3 - "$TMP/wide.txt" <<'PY'
import sys, unicodedata
def col(line, needle):
    i = line.find(needle)
    if i < 0: return None
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line[:i])
rows = open(sys.argv[1], encoding="utf-8").read().split("\n")
head = col(rows[0], "Recognize")
card = [col(r, "EvilRedTitle") for r in rows if "データ" in r]
acct = [col(r, "XY") for r in rows if "株式会社" in r]
third = col(rows[0], "Define")
defs = [col(r, "Beta Platform") for r in rows if "データ" in r]
ok = card and acct and head is not None and card[0] in (head, head + 2) and acct[0] == head
print("aligned" if ok else "misaligned %r %r %r" % (head, card, acct))
PY
)
expect_eq "CJK title: next column starts where its header does" aligned "$aligned"

# ---- sync and changes with the stub engine ----------------------------------
before=$(commit_count .)
board 80x24 <<EOF
key S
screen $TMP/sync.txt
key D
screen $TMP/changes.txt
EOF
expect_contains "sync failure shows the error words" "sync failed:" "$(row sync 22)"
expect_eq "failed sync commits nothing" "$before" "$(commit_count .)"
expect_contains "changes screen shows the error" "changes:" "$(screen changes)"

# ---- monochrome and NO_COLOR: flags stay visible by glyph ------------------
NO_COLOR=1 DEALBOARD_SCRIPT_TERM=vt100 board 80x24 <<EOF
screen $TMP/mono.txt
EOF
expect_contains "monochrome terminal: flag glyph drawn" "! Beta Platform" "$(screen mono)"

# ---- ASCII fallback outside UTF-8 -----------------------------------------
for i in 1 2 3 4 5 6; do db touch "$beta" > /dev/null; done
db set "$beta" close_date 2026-10-01 > /dev/null
LC_ALL=C board 80x24 <<EOF
screen $TMP/ascii.txt
EOF
expect_contains "ASCII locale: status line readable" "flagged" "$(screen ascii)"
expect_not_contains "ASCII locale: no UTF-8 rule" "─" "$(screen ascii)"

# ---- a stage pipeline.json does not have: an extra column, never dropped ---
sed 's/"stage": "explore"/"stage": "negotiation"/' "$(file_of "$gamma")" > "$TMP/g.json"
mv "$TMP/g.json" "$(file_of "$gamma")"
git add -A && git commit -qm "Gamma in a stage of another team's pipeline"
board 160x30 <<EOF2
keys l l l l l l l
screen $TMP/unknown.txt
key Enter
screen $TMP/unknown2.txt
EOF2
expect_contains "unknown stage column" "unknown stage" "$(row unknown 0)"
expect_contains "…with the deal in it" "Gamma Pricing" "$(screen unknown)"
expect_contains "detail says the stage is not in pipeline.json" "not in pipeline.json" "$(screen unknown2)"

# ---- the board holds light deals; the detail view loads the whole one -----
repo=$(new_repo light)
cd "$repo" || exit 1
known=$(db add "Why Known" --value 1000 --stage define --next "Call" --due 2026-12-01)
db set "$known" status_quo "Spreadsheets everywhere" > /dev/null
db set "$known" insight "They lose a day a month" > /dev/null
db add "Why Unknown" --value 2000 --stage define --next "Call" --due 2026-12-01 > /dev/null
board 120x30 <<EOF
keys s s
screen $TMP/light.txt
key j
key Enter
screen $TMP/light2.txt
EOF
# Only "no why change" sets them apart: a light deal must still know its status quo.
expect_contains "sorted by flag score: the deal without a why first" "Why Unknown" "$(row light 2)"
expect_contains "…the deal with one second" "Why Known" "$(row light 6)"
expect_contains "detail shows the status quo of a light card" "Spreadsheets everywhere" "$(screen light2)"
expect_contains "detail shows the log" "note: Deal created" "$(screen light2)"
before=$(commit_count .)
board 120x30 <<EOF
key L
key Esc
key L
key Esc
key Enter
screen $TMP/moved.txt
EOF
expect_eq "two stage moves, two commits" "$((before + 2))" "$(commit_count .)"
expect_contains "the moved deal's detail has the new log entry" "stage: Explore → Evaluate" "$(screen moved)"
expect_eq "the deferred index was written on quit: nothing staged" "" "$(git diff --cached --name-only)"
expect_eq "…and the work tree is clean" "" "$(git status --porcelain)"

# ---- per-key times (DEALBOARD_SCRIPT_TIMES) and idle lines ----------------
before=$(commit_count .)
cat > "$TMP/script" <<EOF2
key H
idle
key j
keys g g
key L
key Esc
resize 90x30
screen $TMP/timed.txt
EOF2
DEALBOARD_SCRIPT="$TMP/script" DEALBOARD_SCRIPT_TIMES="$TMP/times" db > /dev/null 2> "$TMP/board.err"
expect_eq "a script with idle lines and times runs" 0 $?
expect_eq "…two moves, two commits" "$((before + 2))" "$(commit_count .)"
expect_eq "one line per key taken and per idle line, in order" "H idle j g g L Esc resize" \
    "$(awk '{printf "%s%s", (NR > 1 ? " " : ""), $1}' "$TMP/times")"
expect_eq "…each with milliseconds" 8 "$(grep -cE '^[^ ]+ [0-9]+\.[0-9]{3}$' "$TMP/times")"
expect_eq "the index deferred after the last move was written on quit" "" "$(git status --porcelain)"
printf 'idle\n' > "$TMP/script"
DEALBOARD_SCRIPT="$TMP/script" DEALBOARD_SCRIPT_TIMES="$TMP/no-such-dir/times" db > /dev/null 2> "$TMP/board.err"
expect_eq "an unwritable times file is an error (exit 2: I/O)" 2 $?
expect_contains "…that names it" "DEALBOARD_SCRIPT_TIMES" "$(cat "$TMP/board.err")"

# ---- ahead of the remote after the board's own commits --------------------
# The board counts its own commits instead of walking the history again.
git init -q --bare "$TMP/origin.git"
git remote add origin "$TMP/origin.git"
branch=$(git branch --show-current)
git push -q origin "$branch"
git fetch -q origin
board 120x30 <<EOF2
screen $TMP/ahead0.txt
key L
key Esc
key H
screen $TMP/ahead2.txt
EOF2
expect_contains "pushed and fetched: nothing ahead" "ahead 0 behind 0" "$(screen ahead0)"
expect_contains "two moves: two commits ahead" "ahead 2 behind 0" "$(screen ahead2)"
expect_eq "…as git counts them" 2 "$(git rev-list --count "origin/$branch..HEAD")"
git update-ref -d "refs/remotes/origin/$branch"
total=$(git rev-list --count HEAD)
board 120x30 <<EOF2
key L
key Esc
screen $TMP/ahead3.txt
EOF2
expect_contains "never fetched: every commit is ahead, the board's one too" "ahead $((total + 1)) behind 0" "$(screen ahead3)"
git remote remove origin
