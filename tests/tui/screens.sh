#!/bin/sh
# Issue 14, "Screens that hide what matters", in script mode: help scrolls and
# q closes it, the messages view shows a cut message whole, undo says
# "Undone:" and selects the deal it brought back, LANG=C keeps the columns,
# and every screen fits 60, 40 and 30x8 columns with its key texts readable.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/screen.inc"
export TZ=UTC

repo=$(new_repo)
cd "$repo" || exit 1
acme=$(db add "Acme Rollout" --account Acme --value 85000 --stage define --next "Call Lars" --due 2026-11-25)
zur=$(db add "Zürich Großprojekt – Phase 2" --account "Müller AG" --value 120000 --stage define --owner "Jörg Åström")
small=$(db add "Small Thing" --account Tiny --value 2000 --stage define)


# ---- help scrolls, q closes, ? does not stack -------------------------------
board 80x24 <<EOF
key ?
screen $TMP/help1.txt
keys j j PgDn
screen $TMP/help2.txt
key ?
screen $TMP/help3.txt
key G
screen $TMP/help4.txt
key g
screen $TMP/help5.txt
key q
screen $TMP/help6.txt
key D
keys j q
screen $TMP/changes.txt
EOF
expect_contains "help opens at the top" " 1-21 of " "$(row help1 23)"
expect_contains "j j PgDn scroll the help" " 23-43 of " "$(row help2 23)"
expect_contains "? inside help: still the help, not a second one" " 23-43 of " "$(row help3 23)"
total=$(row help1 23 | sed 's/.* of //')
expect_contains "G: the end" " of $total" "$(row help4 23)"
expect_not_contains "…not the top" " 1-21 of " "$(row help4 23)"
expect_contains "g: the top again" " 1-21 of " "$(row help5 23)"
expect_contains "the help says q closes it" "q: back" "$(row help1 23)"
expect_contains "q closes the help: the board" "Open 3" "$(row help6 23)"
expect_not_contains "…one q was enough (no help left below)" "Keys (from" "$(screen help6)"
expect_contains "D then j q: back on the board" "Open 3" "$(row changes 23)"

# ---- a cut message says how to read it; M shows it whole ---------------------
long="words far too long for a status line of sixty columns to show"
board 60x24 <<EOF
key f
type $long
key Enter
screen $TMP/msg1.txt
key M
screen $TMP/msg2.txt
key q
screen $TMP/msg3.txt
EOF
expect_contains "the cut message ends with how to read it" "… (M: all)" "$(row msg1 22)"
expect_eq "…within 60 columns" "" "$(too_wide 60 msg1)"
joined=$(tr '\n' ' ' < "$TMP/msg2.txt" | tr -s ' ')
expect_contains "M: the messages view" "Messages of this session" "$(row msg2 0)"
expect_contains "…shows the whole message" "filter: '$long' is not mine, flagged, owner:NAME, tag:NAME, cluster:NAME or clear" "$joined"
expect_contains "…and the earlier ones" "?: keys" "$joined"
expect_contains "q closes it" "Open 3" "$(row msg3 23)"

# ---- undo: "Undone: …", the restored card selected, files and commits --------
before=$(commit_count .)
{ select_deal "Acme Rollout"; cat <<EOF; } | board 80x24
key w
key y
key Enter
screen $TMP/undo0.txt
key u
screen $TMP/undo1.txt
key Enter
screen $TMP/undo2.txt
EOF
expect_eq "won then undone: two commits" $((before + 2)) "$(commit_count .)"
expect_eq "the file is open again" "open" "$(field . "$acme" 'd["status"]')"
expect_contains "the commit is the undo of the close" "Undo: " "$(last_message .)"
won_subject=$(git log -2 --format=%s | sed -n 2p)
case "$(row undo1 22)" in
"Undone: $won_subject "*) ok "the board says Undone: and what it was" ;;
*) fail "the board says Undone: and what it was" "$(row undo1 22)" ;;
esac
expect_contains "the deal is back on the board" "Acme Rollout" "$(screen undo1)"
expect_contains "…and selected: Enter opens it" "$acme" "$(screen undo2)"
# An undone add takes the deal away: the selection stays where it was.
{ select_deal "Small Thing"; cat <<EOF; } | board 80x24
key a
type New Deal
key Enter
key Enter
key Enter
key Enter
key Enter
key Enter
key Enter
screen $TMP/add1.txt
key u
screen $TMP/add2.txt
key Enter
screen $TMP/add3.txt
EOF
expect_contains "a deal was added" "New Deal" "$(screen add1)"
expect_eq "undo removed its file" "0" "$(ls deals/*/new-deal-*.json 2>/dev/null | wc -l | tr -d ' ')"
expect_contains "the board says Undone: Add" "Undone: Add new-deal-" "$(row add2 22)"
expect_not_contains "the deal is gone from the board" "New Deal" "$(head -n 20 "$TMP/add2.txt")"
expect_contains "…its column is empty: a card is selected (Enter opens a deal)" " Deal" "$(row add3 0)"
# The CLI says it the same way.
db note "$acme" "cli note" > /dev/null
expect_eq "CLI undo: Undone: and the subject" "Undone: Note on $acme: cli note" "$(db undo)"

# ---- LANG=C: one ASCII cell a character, columns aligned --------------------
cat > "$TMP/script" <<EOF
screen $TMP/c1.txt
EOF
LC_ALL=C LANG=C DEALBOARD_SCRIPT="$TMP/script" DEALBOARD_SCRIPT_SIZE=80x24 db > /dev/null 2>&1
expect_eq "LANG=C: only ASCII on screen" "" "$(LC_ALL=C grep -n '[^ -~]' "$TMP/c1.txt")"
expect_eq "LANG=C: no row wider than 80" "" "$(awk 'length > 80' "$TMP/c1.txt")"
expect_contains "LANG=C: the title transliterated" "Zurich Grossprojekt - ~" "$(screen c1)"
expect_contains "LANG=C: the account too" "Muller AG" "$(screen c1)"
expect_contains "LANG=C: the owner too" "Jorg Astrom" "$(screen c1)"
# The same screen in a UTF-8 locale: every row has as many characters (cells).
cat > "$TMP/script" <<EOF
screen $TMP/c2.txt
EOF
LC_ALL=C.UTF-8 DEALBOARD_SCRIPT="$TMP/script" DEALBOARD_SCRIPT_SIZE=80x24 db > /dev/null 2>&1
widths_c=$(awk '{ print length }' "$TMP/c1.txt" | tr '\n' ' ')
widths_utf8=$(python3 -c 'import sys
print(" ".join(str(len(l)) for l in open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]) + " ")' "$TMP/c2.txt")
expect_eq "LANG=C: every row as wide as in UTF-8 (columns aligned)" "$widths_utf8" "$widths_c"
expect_contains "…the UTF-8 screen has the real text" "Müller AG" "$(screen c2)"
account_ends=$(grep -e "Muller AG" -e "Tiny" -e "^ *Acme  " "$TMP/c1.txt" | awk '{ print length }' | sort -u)
expect_eq "LANG=C: the values end each account row at the column's edge" 77 "$account_ends"

# ---- 60, 40 and 30x8: nothing wider than the screen, key texts there ----------
for size in 60x24 40x24 30x8; do
    w=${size%x*} h=${size#*x}
    { select_deal "Acme Rollout"; cat <<EOF; } | board "$size"
screen $TMP/b-$size.txt
key Enter
screen $TMP/d-$size.txt
key q
key ?
screen $TMP/h-$size.txt
key q
key e
screen $TMP/e-$size.txt
type value
key Enter
screen $TMP/v-$size.txt
key Esc
key p
screen $TMP/p-$size.txt
key Esc
key w
screen $TMP/w-$size.txt
key n
EOF
    expect_eq "$size: no row wider than $w" "" \
        "$(too_wide "$w" "b-$size" "d-$size" "h-$size" "e-$size" "v-$size" "p-$size" "w-$size")"
    expect_eq "$size: every screen $h rows" "$h $h $h $h" \
        "$(for n in b d h w; do wc -l < "$TMP/$n-$size.txt"; done | tr '\n' ' ' | sed 's/ $//')"
    expect_contains "$size board: the totals on the last row" "Open 3" "$(row "b-$size" $((h - 1)))"
    # The message (here the search's) has room first: at 30 columns the
    # indicators give way to it.
    [ "$w" -ge 40 ] &&
        expect_contains "$size board: the flagged count" "flagged" "$(row "b-$size" $((h - 2)))"
    expect_contains "$size board: the message" "/Acme Rollout" "$(row "b-$size" $((h - 2)))"
    expect_contains "$size detail: the way back" "q: back" "$(row "d-$size" $((h - 1)))"
    expect_contains "$size help: the way back" "q: back" "$(row "h-$size" $((h - 1)))"
    expect_contains "$size help: its title" "Keys" "$(row "h-$size" 0)"
    expect_contains "$size prompt: the label starts the row" "Edit which" "$(row "e-$size" $((h - 1)))"
    expect_contains "$size edit: the value is readable" "85000" "$(row "v-$size" $((h - 1)))"
    expect_contains "$size form: its title" "Plan the next step" "$(screen "p-$size")"
    expect_contains "$size form: how to leave it" "Esc: cancel" "$(screen "p-$size")"
    expect_contains "$size confirm: the keys" "y/n" "$(row "w-$size" $((h - 1)))"
    expect_contains "$size confirm: what it asks" "as won?" "$(screen "w-$size" | tr '\n' ' ')"
    expect_eq "$size: nothing was changed" "open" "$(field . "$acme" 'd["status"]')"
done
# The column's header and the bottom line shorten instead of running together.
expect_contains "40 cols: the bottom line in full" "Open 3 · 207,000 EUR · weighted 41,400" "$(row b-40x24 23)"
expect_contains "30x8: the bottom line in short" "Open 3 · 207k EUR · wtd 41k" "$(row b-30x8 7)"
expect_contains "60 cols: a long title is cut with an ellipsis" "! Zürich Großprojekt – Phase…" "$(row b-60x24 2)"

# Prompt label vs input at 40 columns: the label is shortened, the input
# keeps its room, and the whole label is on the row above.
board 40x24 <<EOF
key f
type owner:somebody-with-a-long-name
screen $TMP/label.txt
key Esc
EOF
bottom=$(row label 23)
expect_contains "40 cols: the label ends in an ellipsis" "filter (mine, flagged" "$bottom"
input_at=$(printf '%s\n' "$bottom" | awk '{ print index($0, "… ") }')
if [ "$input_at" -gt 0 ] && [ "$input_at" -le 28 ]; then
    ok "40 cols: the input starts by column 28 (at $input_at)"
else
    fail "40 cols: the input starts by column 28" "$bottom"
fi
expect_contains "40 cols: what is typed shows (its end, by the cursor)" "long-name" "$bottom"
expect_contains "40 cols: the whole label above" "filter (mine, flagged, owner:NAME, tag:" "$(row label 22)"

# Below the minimum: it says what it needs.
cat > "$TMP/script" <<EOF
screen $TMP/tiny.txt
EOF
DEALBOARD_SCRIPT="$TMP/script" DEALBOARD_SCRIPT_SIZE=20x6 db > /dev/null 2>&1
expect_contains "20x6: too small, with the size needed" "terminal too small: needs at least 24x8" \
    "$(tr '\n' ' ' < "$TMP/tiny.txt" | tr -s ' ')"
