# dealboard import: CRM exports, hand-made sheets, broken rows, --dry-run,
# --skip-bad, --map, updates by id. Every import is one commit.
. "$(dirname "$0")/../lib.sh"
DATA=$(cd "$(dirname "$0")/data" && pwd)

deal_count() { find "$1/deals" -name '*.json' 2>/dev/null | wc -l | tr -d ' '; }
# The file of the deal whose title is $2.
deal_file() { grep -lxF "  \"title\": \"$2\"," "$1"/deals/*/*.json 2>/dev/null | head -1; }
# The line `"KEY": …` of that deal (first match, leading spaces dropped).
deal_key() { grep -m1 "^  \"$3\": " "$(deal_file "$1" "$2")" | sed 's/^ *//'; }

# ---- a CRM export: quoted cells, commas, newlines, many value and date shapes
repo=$(new_repo crm)
before=$(commit_count "$repo")
expect_exit "import crm.csv succeeds" 0 db -C "$repo" import "$DATA/crm.csv"
expect_eq "12 deal files" 12 "$(deal_count "$repo")"
expect_eq "one commit for the whole import" $((before + 1)) "$(commit_count "$repo")"
expect_eq "commit message says what happened" "Import 12 deals from crm.csv" "$(last_message "$repo")"
check "work tree clean after import" is_clean "$repo"
expect_contains "prints the summary" "Imported 12 deals from crm.csv" "$OUT"
expect_contains "warns about unmapped columns (a CRM id is not a dealboard id)" \
    "ignoring columns Deal - ID, Probability (%)" "$ERR"
expect_eq "embedded quotes" '"value": 120500,' "$(deal_key "$repo" 'The \"big\" data platform RFP' value)"
expect_eq "embedded comma" '"account": "Valmont Data, Inc.",' \
    "$(deal_key "$repo" 'The \"big\" data platform RFP' account)"
expect_eq "embedded newlines" '"text": "Send references:\n1. Rijnmond Port\n2. Tagus Telecom",' \
    "$(grep -m1 '"text": "Send' "$(deal_file "$repo" 'The \"big\" data platform RFP')" | sed 's/^ *//')"
expect_eq "48,000 with a comma in a quoted cell" '"value": 48000,' "$(deal_key "$repo" 'Claims hub rollout' value)"
expect_eq "stage by name" '"stage": "define",' "$(deal_key "$repo" 'Claims hub rollout' stage)"
expect_eq "owner column" '"owner": "Anna Schmidt",' "$(deal_key "$repo" 'Claims hub rollout' owner)"
expect_eq "48000.00" '"value": 48000,' "$(deal_key "$repo" 'Cold chain monitoring' value)"
expect_eq "MM/DD/YYYY date" '"close_date": "2027-04-15",' "$(deal_key "$repo" 'Cold chain monitoring' close_date)"
expect_eq "stage name in lower case" '"stage": "status-quo",' "$(deal_key "$repo" 'Cold chain monitoring' stage)"
expect_eq "EUR 30,000" '"value": 30000,' "$(deal_key "$repo" 'Fleet telemetry pilot' value)"
expect_eq "1,250,000" '"value": 1250000,' "$(deal_key "$repo" 'Pricing analytics' value)"
expect_eq "stage in capitals" '"stage": "decide",' "$(deal_key "$repo" 'Pricing analytics' stage)"
expect_eq "\$64,000" '"value": 64000,' "$(deal_key "$repo" 'ESG data feed' value)"
expect_eq "currency column" '"currency": "USD",' "$(deal_key "$repo" 'ESG data feed' currency)"
expect_eq "12k" '"value": 12000,' "$(deal_key "$repo" 'Audience data' value)"
expect_eq "7.500 (dot groups thousands)" '"value": 7500,' "$(deal_key "$repo" 'OEE benchmark' value)"
expect_eq "status won" '"status": "won",' "$(deal_key "$repo" 'Booking data lake' status)"
expect_eq "status lost" '"status": "lost",' "$(deal_key "$repo" 'Churn model' status)"
expect_eq "created today" '"created": "2026-11-20",' "$(deal_key "$repo" 'Churn model' created)"
tags=$(tr -d ' \n' < "$(deal_file "$repo" 'Claims hub rollout')" | grep -o '"tags":\[[^]]*\]')
expect_eq "tags split on commas and trimmed" '"tags":["hot","insurance"]' "$tags"
tags=$(tr -d ' \n' < "$(deal_file "$repo" 'Fleet telemetry pilot')" | grep -o '"tags":\[[^]]*\]')
expect_eq "tags split on semicolons" '"tags":["pilot","fleet"]' "$tags"
expect_contains "the import is in the deal's log" '"text": "Imported from crm.csv"' \
    "$(cat "$(deal_file "$repo" 'Churn model')")"
expect_exit "the imported deals load" 0 db -C "$repo" doctor
expect_contains "doctor finds them all well" "12 deals ok, 0 broken" "$OUT"

# ---- a hand-made spreadsheet: UTF-8 BOM, ';' separators, CRLF, European numbers
repo=$(new_repo sheet)
expect_exit "import a ;-separated sheet with a BOM" 0 db -C "$repo" import "$DATA/sheet.csv"
expect_eq "3 deals from the sheet (blank line skipped)" 3 "$(deal_count "$repo")"
expect_eq "one commit" "Import 3 deals from sheet.csv" "$(last_message "$repo")"
expect_eq "BOM stripped from the first header" '"value": 48000,' \
    "$(deal_key "$repo" 'Kühlhaus Köln expansion' value)"
expect_eq "DD.MM.YYYY date" '"close_date": "2027-03-31",' \
    "$(deal_key "$repo" 'Kühlhaus Köln expansion' close_date)"
expect_eq "no CR left at the end of a line" '"owner": "Dana Weber",' \
    "$(deal_key "$repo" 'Kühlhaus Köln expansion' owner)"
expect_eq "quoted ; inside a cell" '"account": "Grünwald Kliniken",' \
    "$(deal_key "$repo" 'Reporting; phase 2' account)"
expect_eq "12 500" '"value": 12500,' "$(deal_key "$repo" 'Reporting; phase 2' value)"
expect_eq "D.M.YYYY date" '"close_date": "2027-02-01",' "$(deal_key "$repo" 'Reporting; phase 2' close_date)"
expect_eq "an empty owner cell stays empty" '"owner": "",' "$(deal_key "$repo" 'Warehouse BI' owner)"
expect_eq "no owner column: the importer owns them" 1 \
    "$(printf 'Title\nMine\n' > "$TMP/mine.csv"; db -C "$repo" import "$TMP/mine.csv" >/dev/null;
       grep -c '"owner": "Test Seller"' "$(deal_file "$repo" Mine)")"

# ---- broken rows: every one reported with its line; nothing imported
repo=$(new_repo broken)
head_before=$(git -C "$repo" rev-parse HEAD)
expect_exit "a file with bad rows fails" 1 db -C "$repo" import "$DATA/broken.csv"
expect_contains "bad date, with the physical line (after a 3-line record)" \
    "dealboard: $DATA/broken.csv:6: Close date: '2027-02-30' is not a date" "$ERR"
expect_contains "unknown stage, with the valid ones" \
    "dealboard: $DATA/broken.csv:7: Stage: 'Negotiation' is not a stage (stages: status-quo, recognize, define, explore, evaluate, decide)" "$ERR"
expect_contains "non-numeric value" \
    "dealboard: $DATA/broken.csv:8: Value: 'TBD' is not an amount of money" "$ERR"
expect_contains "missing title" "dealboard: $DATA/broken.csv:9: Title: empty" "$ERR"
expect_contains "says nothing was imported" "4 bad rows; nothing imported" "$ERR"
expect_eq "no deal written" 0 "$(deal_count "$repo")"
expect_eq "HEAD unchanged" "$head_before" "$(git -C "$repo" rev-parse HEAD)"
check "work tree clean" is_clean "$repo"

expect_exit "--skip-bad imports the good rows" 0 db -C "$repo" import --skip-bad "$DATA/broken.csv"
expect_eq "3 good rows imported" 3 "$(deal_count "$repo")"
expect_eq "in one commit" "Import 3 deals from broken.csv" "$(last_message "$repo")"
expect_contains "bad rows still reported" "broken.csv:9: Title: empty" "$ERR"
expect_contains "summary counts the skipped rows" "skipped 4 bad rows" "$OUT"
expect_eq "multi-line next step kept" '"text": "Line one\nline two\nline three",' \
    "$(grep -m1 '"text": "Line one' "$(deal_file "$repo" 'Multi-line good')" | sed 's/^ *//')"

# ---- --dry-run writes nothing
repo=$(new_repo dry)
head_before=$(git -C "$repo" rev-parse HEAD)
expect_exit "--dry-run succeeds" 0 db -C "$repo" import --dry-run "$DATA/crm.csv"
expect_contains "shows the column mapping" "Deal - Title → title; Organization → account" "$OUT"
expect_contains "shows what it would add" "Would add " "$OUT"
expect_contains "says nothing was written" "Would import 12 deals from crm.csv; nothing written (--dry-run)" "$OUT"
expect_eq "HEAD unchanged after --dry-run" "$head_before" "$(git -C "$repo" rev-parse HEAD)"
expect_eq "no files after --dry-run" 0 "$(deal_count "$repo")"
check "work tree clean after --dry-run" is_clean "$repo"
expect_exit "--dry-run of a broken file fails the same way" 1 \
    db -C "$repo" import --dry-run "$DATA/broken.csv"
expect_contains "with the same lines" "broken.csv:7: Stage" "$ERR"

# ---- --map for columns no alias knows
repo=$(new_repo map)
printf 'Opportunity,Customer,Revenue (EUR),Phase\nData hub,Acme,"5,000",Explore\n' > "$TMP/odd.csv"
expect_exit "--map names the field of a column" 0 \
    db -C "$repo" import "$TMP/odd.csv" --map "Revenue (EUR)=value" --map=phase=stage
expect_eq "mapped value" '"value": 5000,' "$(deal_key "$repo" 'Data hub' value)"
expect_eq "mapped stage (column name matched loosely)" '"stage": "explore",' \
    "$(deal_key "$repo" 'Data hub' stage)"
expect_eq "alias for the others" '"account": "Acme",' "$(deal_key "$repo" 'Data hub' account)"
expect_exit "--map of a column the file lacks" 1 db -C "$repo" import "$TMP/odd.csv" --map "Amount=value"
expect_contains "lists the columns" "--map Amount: no such column (columns: Opportunity, Customer, Revenue (EUR), Phase)" "$ERR"
expect_exit "--map to an unknown field" 1 db -C "$repo" import "$TMP/odd.csv" --map "Phase=mood"
expect_contains "lists the fields" "unknown field (fields: id, title, account" "$ERR"
expect_exit "--map without =" 1 db -C "$repo" import "$TMP/odd.csv" --map Phase
printf 'Customer,Amount\nAcme,5\n' > "$TMP/notitle.csv"
expect_exit "a file without a title column" 1 db -C "$repo" import "$TMP/notitle.csv"
expect_contains "says so" "notitle.csv:1: no title column (columns: Customer, Amount); name one with --map COLUMN=title" "$ERR"
expect_exit "--map COLUMN=title fixes it" 0 db -C "$repo" import "$TMP/notitle.csv" --map Customer=title

# ---- rows with an id update that deal
repo=$(new_repo update)
db -C "$repo" import "$DATA/crm.csv" > /dev/null 2>&1
id=$(basename "$(deal_file "$repo" 'Claims hub rollout')" .json)
printf 'id,value,close_date,stage\n%s,"52,000",2027-05-31,explore\n' "$id" > "$TMP/upd.csv"
count=$(commit_count "$repo")
expect_exit "import with an id column" 0 env DEALBOARD_TODAY=2026-12-01 "$DEALBOARD" -C "$repo" import "$TMP/upd.csv"
expect_contains "says what changed" "Update $id: stage, value, stage_entered, close_date, close_date_pushes" "$OUT"
expect_eq "no duplicate deal" 12 "$(deal_count "$repo")"
expect_eq "updated value" '"value": 52000,' "$(deal_key "$repo" 'Claims hub rollout' value)"
expect_eq "a later close date counts a push" '"close_date_pushes": 1,' \
    "$(deal_key "$repo" 'Claims hub rollout' close_date_pushes)"
expect_eq "columns the file lacks are kept" '"owner": "Anna Schmidt",' \
    "$(deal_key "$repo" 'Claims hub rollout' owner)"
expect_eq "one commit" $((count + 1)) "$(commit_count "$repo")"
expect_eq "commit message counts the update" "Import 1 deal from upd.csv (0 new, 1 updated)" "$(last_message "$repo")"
expect_exit "the same file again changes nothing" 0 env DEALBOARD_TODAY=2026-12-01 "$DEALBOARD" -C "$repo" import "$TMP/upd.csv"
expect_eq "a new stage restarts the stall clock" '"stage_entered": "2026-12-01",' \
    "$(deal_key "$repo" 'Claims hub rollout' stage_entered)"
expect_contains "and says so" "Nothing to import from upd.csv; 1 row already matches its deal" "$OUT"
expect_eq "no empty commit" $((count + 1)) "$(commit_count "$repo")"
printf 'id,value\nnosuch-deal-abcdef,1\n' > "$TMP/unknown.csv"
expect_exit "an unknown id without a title column" 1 db -C "$repo" import "$TMP/unknown.csv"
expect_contains "is a bad row" "unknown.csv:2: id: 'nosuch-deal-abcdef' is not in this pipeline" "$ERR"
printf 'id,title\n%s,A\n%s,B\n' "$id" "$id" > "$TMP/twice.csv"
expect_exit "the same id twice" 1 db -C "$repo" import "$TMP/twice.csv"
expect_contains "names the first line" "twice.csv:3: id: $id is already on line 2" "$ERR"
printf 'ID,Title\n1041,From a CRM\n' > "$TMP/crmid.csv"
expect_exit "a CRM's numeric id in an 'id' column" 1 db -C "$repo" import "$TMP/crmid.csv"
expect_contains "is refused with a way out" "is not a dealboard id (like acme-rollout-7f3a9c); --map id=ignore" "$ERR"
expect_exit "--map ID=ignore" 0 db -C "$repo" import "$TMP/crmid.csv" --map ID=ignore

# ---- files that are not CSV deals
repo=$(new_repo odd)
expect_exit "a missing file" 1 db -C "$repo" import "$TMP/nope.csv"
expect_contains "says why" "nope.csv: No such file or directory" "$ERR"
: > "$TMP/empty.csv"
expect_exit "an empty file" 1 db -C "$repo" import "$TMP/empty.csv"
expect_contains "says so" "empty.csv: empty; expected a header row" "$ERR"
printf 'Title,Value\n' > "$TMP/header.csv"
expect_exit "a header without rows" 0 db -C "$repo" import "$TMP/header.csv"
expect_contains "imports nothing" "Imported 0 deals from header.csv" "$OUT"
printf 'Title,Value\nA,1\nB,"2\n' > "$TMP/open.csv"
expect_exit "a quote never closed" 1 db -C "$repo" import "$TMP/open.csv"
expect_contains "names the record's line" "open.csv:3: a quoted cell is never closed" "$ERR"
printf 'Title,Stage\nA,\033]0;pwned\007\033[31mRed\n' > "$TMP/escape.csv"
expect_exit "terminal escapes in a bad cell" 1 db -C "$repo" import "$TMP/escape.csv"
expect_not_contains "are not printed raw" "$(printf '\033')" "$ERR"
expect_contains "the rest of the message is" "escape.csv:2: Stage:" "$ERR"
printf 'Title\nA\n' > "$TMP/ok.csv"
expect_exit "two files is a usage error" 1 db -C "$repo" import "$TMP/ok.csv" "$TMP/ok.csv"
expect_exit "import --help" 0 db import --help
expect_contains "shows the options" "--map COLUMN=FIELD" "$OUT"
printf 'Customer\033[2J,Amount\nAcme,5\n' > "$TMP/escapehdr.csv"
expect_exit "terminal escapes in a header" 1 db -C "$repo" import "$TMP/escapehdr.csv"
expect_not_contains "are not printed raw either" "$(printf '\033')" "$ERR"
expect_contains "the error is" "escapehdr.csv:1: no title column" "$ERR"
