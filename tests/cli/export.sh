# dealboard export --csv / --json, and the round trip export → import → export.
. "$(dirname "$0")/../lib.sh"
DATA=$(cd "$(dirname "$0")/data" && pwd)

HEADER="id,title,account,owner,stage,status,value,currency,created,stage_entered,last_touch,close_date,close_date_pushes,next_step_text,next_step_due,status_quo,insight,persona,champion,cluster,tags,snooze_until,snooze_reason,moved_on_reason,moved_on_revisit,plan,evidence,reference,people"

repo=$(new_repo empty)
expect_exit "export of an empty pipeline" 0 db -C "$repo" export
expect_eq "is the header only" "$HEADER" "$OUT"
expect_exit "export --json of an empty pipeline" 0 db -C "$repo" export --json
expect_eq "is an empty list" '{
  "deals": []
}' "$OUT"
expect_exit "--csv and --json together" 1 db -C "$repo" export --csv --json

# ---- a pipeline that uses every field
repo=$(new_repo source)
db -C "$repo" import "$DATA/crm.csv" > /dev/null 2>&1
db -C "$repo" import "$DATA/sheet.csv" > /dev/null 2>&1
id() { basename "$(grep -lF "\"title\": \"$1\"" "$repo"/deals/*/*.json | head -1)" .json; }
claims=$(id 'Claims hub rollout') cold=$(id 'Cold chain monitoring')
audience=$(id 'Audience data') esg=$(id 'ESG data feed') porto=$(id 'Warehouse BI')
{
    db -C "$repo" snooze "$claims" --until 2027-01-10 --reason "budget freeze, back in January"
    db -C "$repo" set "$claims" status_quo 'Claims in "three" spreadsheets;
reconciled by hand every Friday'
    db -C "$repo" set "$claims" insight '=SUM(lost hours) is 2 FTE'
    db -C "$repo" set "$claims" persona '@CFO, risk-averse'
    db -C "$repo" set "$claims" champion "Jürgen Weiß"
    db -C "$repo" set "$cold" close_date 2027-05-01
    db -C "$repo" set "$cold" close_date 2027-06-01
    db -C "$repo" set "$cold" tags "cold-chain,q2"
    db -C "$repo" set "$cold" currency CHF
    db -C "$repo" moveon "$audience" --reason "no budget before 2028" --revisit 2027-06-01
    db -C "$repo" touch "$esg" "call with Maria"
    db -C "$repo" next "$esg" "-5% offer if signed in Q1" --due 2027-01-15
    db -C "$repo" set "$porto" title "  Warehouse BI, phase 1 "
} > /dev/null
check "the source pipeline is healthy" db -C "$repo" doctor

expect_exit "export --csv" 0 db -C "$repo" export --csv
db -C "$repo" export --csv > "$TMP/one.csv"
expect_eq "header row of every field" "$HEADER" "$(head -1 "$TMP/one.csv")"
expect_eq "no log column" 29 "$(head -1 "$TMP/one.csv" | tr ',' '\n' | wc -l | tr -d ' ')"
expect_eq "deals sorted by id" "$(ls "$repo"/deals/*/ | grep json | sed 's/\.json$//' | sort | tr '\n' ' ')" \
    "$(db -C "$repo" export --json | grep '^      "id"' | sed 's/.*: "\(.*\)",/\1/' | tr '\n' ' ')"
all=$(cat "$TMP/one.csv")
expect_contains "quotes doubled, newline kept in a quoted cell" "$claims,Claims hub rollout,\"Adler Versicherung AG, Köln\",Anna Schmidt,define,open,48000,EUR,2026-11-20,2026-11-20,,2027-03-31,0,Discovery call with the CFO,2026-12-02,\"Claims in \"\"three\"\" spreadsheets;
reconciled by hand every Friday\"," "$all"
expect_contains "formula-like text guarded for spreadsheets, @ too; tags joined with ;; snooze flattened" \
    "Friday\",'=SUM(lost hours) is 2 FTE,\"'@CFO, risk-averse\",Jürgen Weiß,,hot;insurance,2027-01-10,\"budget freeze, back in January\",," "$all"
row=$(grep "^$cold," "$TMP/one.csv")
expect_contains "currency override and pushes" ",open,48000,CHF,2026-11-20,2026-11-20,,2027-06-01,2,,,,,,,,cold-chain;q2," "$row"
row=$(grep "^$audience," "$TMP/one.csv")
expect_contains "moved on: reason and revisit" ",moved-on,12000,EUR," "$row"
expect_contains "moved on columns" ",no budget before 2028,2027-06-01" "$row"
row=$(grep "^$esg," "$TMP/one.csv")
expect_contains "last touch and next step with a due date" ",2026-11-20,2027-05-15,0,'-5% offer if signed in Q1,2027-01-15," "$row"
expect_contains "leading and trailing spaces are quoted" ',"  Warehouse BI, phase 1 ",' "$(cat "$TMP/one.csv")"

# ---- the round trip, into a fresh pipeline: byte-identical
fresh=$(new_repo fresh)
expect_exit "import the export into a fresh pipeline" 0 db -C "$fresh" import "$TMP/one.csv"
expect_eq "one commit for it" 2 "$(commit_count "$fresh")"
db -C "$fresh" export --csv > "$TMP/two.csv"
if cmp -s "$TMP/one.csv" "$TMP/two.csv"; then ok "export → import → export is byte-identical"
else fail "export → import → export is byte-identical" "$(diff "$TMP/one.csv" "$TMP/two.csv")"; fi
ids() { find "$1/deals" -name '*.json' | sed 's|.*/deals/||' | sort; }
expect_eq "ids (and so file names) kept" "$(ids "$repo")" "$(ids "$fresh")"
strip_log() { sed '/^  "log": \[/,$d' "$1"; }
same=0 total=0
for f in "$repo"/deals/*/*.json; do
    total=$((total + 1))
    rel=${f#"$repo"/}
    [ "$(strip_log "$f")" = "$(strip_log "$fresh/$rel")" ] && same=$((same + 1))
done
expect_eq "deal files equal but for the log" "$total" "$same"

# ---- importing the export into its own pipeline changes nothing
count=$(commit_count "$repo")
expect_exit "re-import into the source" 0 db -C "$repo" import "$TMP/one.csv"
expect_contains "nothing to do" "Nothing to import from one.csv; 15 rows already match their deals" "$OUT"
expect_eq "no commit" "$count" "$(commit_count "$repo")"

# ---- an edited export updates the deals it names
sed "s/^\($cold,Cold chain monitoring,[^,]*,\)Anna Schmidt,/\1Dana Weber,/" "$TMP/one.csv" > "$TMP/edited.csv"
expect_exit "import an edited export" 0 db -C "$repo" import "$TMP/edited.csv"
expect_contains "updates only that deal" "Update $cold: owner" "$OUT"
expect_contains "summary" "Imported 1 deal from edited.csv (0 new, 1 updated)" "$OUT"

# ---- JSON
expect_exit "export --json" 0 db -C "$repo" export --json
json=$OUT
expect_contains "one document with the deals" '{
  "deals": [
    {
      "id": ' "$json"
expect_eq "every deal in it" 15 "$(printf '%s\n' "$json" | grep -c '^      "id": ')"
file=$(ls "$repo"/deals/*/"$claims".json)
expect_contains "each deal is its stored object (canonical JSON)" "$(sed 's/^/    /' "$file")" "$json"
expect_not_contains "no computed fields" '"score"' "$json"

# ---- a broken deal file is reported, and the export says it is incomplete
mkdir -p "$repo/deals/ff"
printf '{"id": "broken' > "$repo/deals/ff/broken-0000ff.json"
expect_exit "export with a broken deal file" 2 db -C "$repo" export
expect_contains "names the file" "deals/ff/broken-0000ff.json" "$ERR"
expect_contains "says the export is incomplete" "1 deal file could not be read and is not in the export" "$ERR"
expect_eq "the other deals are still exported" 15 "$(printf '%s\n' "$OUT" | grep -c '^[a-z0-9-]*-[0-9a-f]\{6\},')"
expect_exit "export --help" 0 db export --help

# ---- to a terminal, a teammate's escape sequences are not passed through
repo=$(new_repo tty)
db -C "$repo" add "$(printf 'Evil \033]0;pwned\007\033[31mred')" > /dev/null
expect_contains "to a file or pipe, export writes text as stored" "$(printf '\033[31m')" \
    "$(db -C "$repo" export)"
if command -v script > /dev/null; then
    tty_out=$(script -qc "\"$DEALBOARD\" -C \"$repo\" export" /dev/null)
    expect_not_contains "to a terminal, no escape sequences" "$(printf '\033')" "$tty_out"
    expect_contains "but the rest of the text" "Evil red" "$tty_out"
fi
