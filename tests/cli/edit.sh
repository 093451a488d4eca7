# Every command that changes a deal: the file, the commit (author, message,
# exactly one per change), a clean work tree; bad input changes nothing.
. "$(dirname "$0")/../lib.sh"

R=$(new_repo)
SELLER="Test Seller <seller@example.com>"

# changed DESC MESSAGE CMD…: CMD succeeds, makes exactly one commit with
# MESSAGE by the user, prints MESSAGE, and leaves git status clean.
changed() {
    _cdesc=$1 _cmsg=$2; shift 2
    _ccount=$(commit_count "$R")
    expect_exit "$_cdesc: exits 0" 0 "$@"
    expect_eq "$_cdesc: one commit" $((_ccount + 1)) "$(commit_count "$R")"
    expect_eq "$_cdesc: commit message" "$_cmsg" "$(last_message "$R")"
    expect_eq "$_cdesc: prints what happened" "$_cmsg" "$OUT"
    expect_eq "$_cdesc: author" "$SELLER" "$(author "$R")"
    expect_eq "$_cdesc: committer" "$SELLER" "$(git -C "$R" log -1 --format='%cn <%ce>')"
    check "$_cdesc: git status clean" is_clean "$R"
}
# last_log ID KEY: a key of the deal's newest log entry.
last_log() { field "$R" "$1" "d['log'][-1]['$2']"; }

# ---- add ----
count=$(commit_count "$R")
expect_exit "add exits 0" 0 db -C "$R" add "Acme — Rollout!" --account "Acme GmbH" --value 48,000 \
    --stage Explore --owner "Dana Whitfield" --close 2026-12-31 --next "Call the CFO" --due +3
A=$OUT
case "$A" in
    acme-rollout-[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]) ok "add prints the id slug-hex6" ;;
    *) fail "add prints the id slug-hex6" "$A" ;;
esac
expect_eq "add: one commit" $((count + 1)) "$(commit_count "$R")"
expect_eq "add: commit message" "Add $A: Acme — Rollout!" "$(last_message "$R")"
expect_eq "add: author" "$SELLER" "$(author "$R")"
check "add: git status clean" is_clean "$R"
check "add: file in its shard directory" test -f "$R/deals/$(printf '%s' "$A" | tail -c 2)/$A.json"
expect_eq "add: commit holds only the new file" "deals/$(printf '%s' "$A" | tail -c 2)/$A.json" \
    "$(git -C "$R" show --name-only --format= HEAD)"
expect_eq "add: fields" \
    '["Acme — Rollout!", "Acme GmbH", "Dana Whitfield", "explore", "open", 48000, "2026-11-20", "2026-11-20", null, "2026-12-31", 0]' \
    "$(field "$R" "$A" '[d[k] for k in ("title","account","owner","stage","status","value","created","stage_entered","last_touch","close_date","close_date_pushes")]')"
expect_eq "add: next step" '{"text": "Call the CFO", "due": "2026-11-23"}' "$(field "$R" "$A" 'd["next_step"]')"
expect_eq "add: log entry" '["note", "Test Seller", "Deal created"]' \
    "$(field "$R" "$A" '[d["log"][0][k] for k in ("kind","by","text")]')"
expect_contains "add: log timestamp is today (UTC ISO-8601)" "2026-11-20T" "$(last_log "$A" at)"
expect_eq "add: canonical key order" \
    "id title account owner stage status value created stage_entered last_touch close_date close_date_pushes next_step status_quo insight persona champion tags snooze moved_on log" \
    "$(grep -o '^  "[a-z_]*"' "$(deal_path "$R" "$A")" | tr -d ' "' | tr '\n' ' ' | sed 's/ $//')"
expect_eq "add: 2-space indent and a trailing newline" "" "$(tail -c 1 "$(deal_path "$R" "$A")")"

B=$(db -C "$R" add "Beta pilot")
expect_eq "add with defaults: owner is the user, first stage, value 0" '["Test Seller", "status-quo", 0, ""]' \
    "$(field "$R" "$B" '[d["owner"], d["stage"], d["value"], d["account"]]')"
C=$(db -C "$R" add "Müller Logistik control tower" --value 85k)
case "$C" in muller-logistik-control-tower-??????) ok "add: accented title gives a plain ASCII id" ;;
    *) fail "add: accented title gives a plain ASCII id" "$C" ;; esac
expect_eq "add: 85k" 85000 "$(field "$R" "$C" 'd["value"]')"

rejects "add with an unknown stage" "$R" 1 "stages: status-quo, recognize, define, explore, evaluate, decide" \
    db -C "$R" add "Gamma" --stage won
rejects "add with a non-numeric value" "$R" 1 "'lots'" db -C "$R" add "Gamma" --value lots
rejects "add with a negative value" "$R" 1 "-5" db -C "$R" add "Gamma" --value -5
rejects "add with a bad close date" "$R" 1 "2026-02-30" db -C "$R" add "Gamma" --close 2026-02-30
rejects "add with a bad due date" "$R" 1 "--due" db -C "$R" add "Gamma" --next "Call" --due someday
rejects "add --due without --next" "$R" 1 "--next" db -C "$R" add "Gamma" --due +3
rejects "add with an empty title" "$R" 1 "title" db -C "$R" add ""
rejects "add without a title" "$R" 1 "missing argument" db -C "$R" add
rejects "add with a blank title" "$R" 1 "title: must not be empty" db -C "$R" add "   "

# ---- move ----
changed "move by stage id" "Move $B: Status quo → Recognize" db -C "$R" move "$B" recognize
expect_eq "move: stage and stage_entered" '["recognize", "2026-11-20"]' \
    "$(field "$R" "$B" '[d["stage"], d["stage_entered"]]')"
expect_eq "move: log entry" '["stage", "Status quo → Recognize"]' \
    "$(field "$R" "$B" '[d["log"][-1]["kind"], d["log"][-1]["text"]]')"
changed "move by stage name and id prefix" "Move $B: Recognize → Define" db -C "$R" move beta Define
DEALBOARD_TODAY=2026-11-25 changed "move on a later day" "Move $B: Define → Explore" db -C "$R" move "$B" explore
expect_eq "move: stage_entered is that day" "2026-11-25" "$(field "$R" "$B" 'd["stage_entered"]')"
rejects "move to an unknown stage" "$R" 1 "stages: status-quo, recognize, define, explore, evaluate, decide" \
    db -C "$R" move "$B" nowhere
rejects "move to an ambiguous stage prefix" "$R" 1 "unknown stage" db -C "$R" move "$B" de
rejects "move to the stage it is in" "$R" 1 "already in Explore" db -C "$R" move "$B" explore

# ---- set ----
changed "set close_date (first)" "Set $B close date: none → 2026-12-31" db -C "$R" set "$B" close_date 2026-12-31
changed "set close_date later: a push" "Push $B close date: 2026-12-31 → 2027-01-31 (pushed 1 time)" \
    db -C "$R" set "$B" close_date 2027-01-31
changed "set close_date later again" "Push $B close date: 2027-01-31 → 2027-03-31 (pushed 2 times)" \
    db -C "$R" set "$B" close_date 2027-03-31
changed "set close_date earlier: no push" "Set $B close date: 2027-03-31 → 2027-02-28" \
    db -C "$R" set "$B" close_date 2027-02-28
expect_eq "set close_date: date and pushes in the file" '["2027-02-28", 2]' \
    "$(field "$R" "$B" '[d["close_date"], d["close_date_pushes"]]')"
changed "set value" "Set $B value: 0 → 12500" db -C "$R" set "$B" value 12,500
expect_eq "set value: a number in the file" "12500" "$(field "$R" "$B" 'd["value"]')"
changed "set status_quo" "Set $B status_quo" db -C "$R" set "$B" status_quo "Excel and e-mail"
changed "set insight" "Set $B insight" db -C "$R" set "$B" insight "They lose a week per quarter close"
changed "set tags" "Set $B tags: vip, dach" db -C "$R" set "$B" tags "vip, dach"
expect_eq "set: fields in the file" '["Excel and e-mail", "They lose a week per quarter close", ["vip", "dach"]]' \
    "$(field "$R" "$B" '[d["status_quo"], d["insight"], d["tags"]]')"
changed "set title" "Set $B title" db -C "$R" set "$B" title "Beta pilot (phase 2)"
changed "set currency" "Set $B currency" db -C "$R" set "$B" currency CHF
expect_eq "set currency: deal override" "CHF" "$(field "$R" "$B" 'd["currency"]')"
rejects "set a bad close date" "$R" 1 "'2027-13-01' is not a date" db -C "$R" set "$B" close_date 2027-13-01
rejects "set a non-numeric value" "$R" 1 "'12.5' is not a whole number" db -C "$R" set "$B" value 12.5
rejects "set an unknown field" "$R" 1 "fields: title, account" db -C "$R" set "$B" colour red
rejects "set status is not a field" "$R" 1 "unknown field" db -C "$R" set "$B" status won
rejects "set an empty title" "$R" 1 "title: must not be empty" db -C "$R" set "$B" title ""
rejects "set stage to an unknown stage" "$R" 1 "stages: status-quo" db -C "$R" set "$B" stage nowhere

# ---- touch, note, next ----
changed "touch" "Touch $B" db -C "$R" touch "$B"
expect_eq "touch: last_touch is today" "2026-11-20" "$(field "$R" "$B" 'd["last_touch"]')"
expect_eq "touch: log entry" '["touch", "Test Seller", "Contact with the buyer"]' \
    "$(field "$R" "$B" '[d["log"][-1][k] for k in ("kind","by","text")]')"
changed "touch with a note" "Touch $B: Call with Jonas" db -C "$R" touch "$B" "Call with Jonas"
expect_eq "touch: the note is logged" "Call with Jonas" "$(last_log "$B" text)"
changed "note" "Note on $B: Budget approved for Q1" db -C "$R" note "$B" "Budget approved for Q1"
expect_eq "note: log entry" '["note", "Budget approved for Q1"]' \
    "$(field "$R" "$B" '[d["log"][-1]["kind"], d["log"][-1]["text"]]')"
rejects "an empty note" "$R" 1 "must not be empty" db -C "$R" note "$B" ""
rejects "a blank note" "$R" 1 "must not be empty" db -C "$R" note "$B" "  	 "
changed "next with a due date" "Next step for $B: Send the deck (due 2026-12-04)" \
    db -C "$R" next "$B" "Send the deck" --due +2w
expect_eq "next: in the file" '{"text": "Send the deck", "due": "2026-12-04"}' "$(field "$R" "$B" 'd["next_step"]')"
changed "next due tomorrow" "Next step for $B: Call back (due 2026-11-21)" db -C "$R" next "$B" "Call back" --due tomorrow
changed "next without a due date" "Next step for $B: Wait for legal" db -C "$R" next "$B" "Wait for legal"
expect_eq "next without due: due is null" '{"text": "Wait for legal", "due": null}' "$(field "$R" "$B" 'd["next_step"]')"
rejects "next with a bad date" "$R" 1 "'2026-11-31' is not a date" db -C "$R" next "$B" "x" --due 2026-11-31
rejects "next with an empty text" "$R" 1 "next step" db -C "$R" next "$B" ""

# ---- snooze ----
changed "snooze" "Snooze $B until 2026-12-04: Budget freeze" db -C "$R" snooze "$B" --until +2w --reason "Budget freeze"
expect_eq "snooze: in the file" '{"until": "2026-12-04", "reason": "Budget freeze"}' "$(field "$R" "$B" 'd["snooze"]')"
rejects "snooze without --until" "$R" 1 "--until" db -C "$R" snooze "$B"
rejects "snooze until today" "$R" 1 "after today" db -C "$R" snooze "$B" --until today
rejects "snooze until a bad date" "$R" 1 "not a date" db -C "$R" snooze "$B" --until soon

# ---- won, lost, reopen, moveon ----
changed "won" "Won $B" db -C "$R" won "$B"
expect_eq "won: status" "won" "$(field "$R" "$B" 'd["status"]')"
rejects "won twice" "$R" 1 "already won" db -C "$R" won "$B"
changed "reopen" "Reopen $B" db -C "$R" reopen "$B"
expect_eq "reopen: status" "open" "$(field "$R" "$B" 'd["status"]')"
rejects "reopen an open deal" "$R" 1 "already open" db -C "$R" reopen "$B"
changed "lost with a reason" "Lost $B: Price" db -C "$R" lost "$B" --reason Price
expect_eq "lost: status and log" '["lost", "Lost: Price"]' "$(field "$R" "$B" '[d["status"], d["log"][-1]["text"]]')"
db -C "$R" reopen "$B" > /dev/null
changed "moveon" "Move on from $B: Not a good match at this time (revisit 2027-03-01)" \
    db -C "$R" moveon "$B" --reason "Not a good match at this time" --revisit 2027-03-01
expect_eq "moveon: in the file" '["moved-on", {"reason": "Not a good match at this time", "revisit": "2027-03-01"}]' \
    "$(field "$R" "$B" '[d["status"], d["moved_on"]]')"
db -C "$R" reopen "$B" > /dev/null
rejects "moveon without a reason" "$R" 1 "--reason" db -C "$R" moveon "$B"
rejects "moveon with a bad revisit date" "$R" 1 "not a date" db -C "$R" moveon "$B" --reason x --revisit 2027-02-29
rejects "moveon revisit in the past" "$R" 1 "after today" db -C "$R" moveon "$B" --reason x --revisit 2026-01-01

# ---- ids: unknown, ambiguous, invalid ----
D=$(db -C "$R" add "Acme expansion")
rejects "unknown id" "$R" 1 "no deal has this id" db -C "$R" touch zzz-nothing
rejects "ambiguous id prefix" "$R" 1 "ambiguous id" db -C "$R" touch acme
expect_contains "ambiguous id lists both deals" "$A" "$ERR"
expect_contains "ambiguous id lists both deals (2)" "$D" "$ERR"
rejects "an id with /" "$R" 1 "invalid id" db -C "$R" touch "deals/$A"
rejects "an id with .." "$R" 1 "invalid id" db -C "$R" touch "../$A"
rejects "an id that is .." "$R" 1 "invalid id" db -C "$R" note .. "x"
rejects "an id starting with -" "$R" 1 "invalid id" db -C "$R" touch -- -acme
rejects "an empty id" "$R" 1 "invalid id" db -C "$R" touch ""
changed "a unique prefix works" "Touch $D" db -C "$R" touch acme-e
changed "the full id works" "Touch $A" db -C "$R" touch "$A"

# An exact id wins over longer ids it is a prefix of.
mkdir -p "$R/deals/ab" "$R/deals/bc"
printf '{"id": "exact-ab", "title": "Exact", "stage": "define"}\n' > "$R/deals/ab/exact-ab.json"
printf '{"id": "exact-abc", "title": "Longer", "stage": "define"}\n' > "$R/deals/bc/exact-abc.json"
git -C "$R" add deals && git -C "$R" commit -qm "Two hand-made deals"
changed "an exact id wins over a longer one" "Touch exact-ab" db -C "$R" touch exact-ab
rejects "a prefix of both is ambiguous" "$R" 1 "ambiguous" db -C "$R" touch exact-a

# ---- undo ----
before_touch=$(cat "$(deal_path "$R" "$A")")
db -C "$R" touch "$A" "One more call" > /dev/null
msg=$(last_message "$R")
count=$(commit_count "$R")
expect_exit "undo exits 0" 0 db -C "$R" undo
expect_eq "undo says what it undid" "Undone: $msg" "$OUT"
expect_eq "undo is a new commit" $((count + 1)) "$(commit_count "$R")"
expect_eq "undo commit message" "Undo: $msg" "$(last_message "$R")"
expect_eq "undo author" "$SELLER" "$(author "$R")"
expect_eq "undo restores the file byte for byte" "$before_touch" "$(cat "$(deal_path "$R" "$A")")"
expect_eq "undo keeps the undone commit in history" "$msg" "$(git -C "$R" log -1 --format=%s HEAD~1)"
check "undo: git status clean" is_clean "$R"
expect_exit "undo the undo" 0 db -C "$R" undo
expect_contains "undo the undo restores the change" "One more call" "$(last_log "$A" text)"
E=$(db -C "$R" add "Short-lived")
expect_exit "undo an add" 0 db -C "$R" undo
check "undo an add removes the file" test ! -e "$(deal_path "$R" "$E")"
check "undo an add: git status clean" is_clean "$R"
rejects "undo on a new pipeline" "$(new_repo fresh)" 1 "cannot be undone" db -C "$TMP/fresh" undo

# ---- one commit per change, also when commands run at once ----
count=$(commit_count "$R")
for i in 1 2 3 4 5 6; do db -C "$R" note "$A" "Parallel note $i" > /dev/null & done
wait
expect_eq "six concurrent notes: six commits" $((count + 6)) "$(commit_count "$R")"
expect_eq "six concurrent notes: all six in the file" 6 "$(field "$R" "$A" 'len([e for e in d["log"] if e["text"].startswith("Parallel note")])')"
check "concurrent notes: git status clean" is_clean "$R"

# Every commit by dealboard changed exactly one deal file (or pipeline.json).
bad=$(git -C "$R" log --format=%H --invert-grep --grep='^Two hand-made deals$' | while read -r c; do
    n=$(git -C "$R" show --name-only --format= "$c" | grep -c .)
    [ "$n" -eq 1 ] || echo "$c $n"
done)
expect_eq "every commit changes one file" "" "$bad"

# Text from the shell is kept as typed, including quotes and newlines.
changed "a note with quotes" "Note on $D: He said \"maybe\" \\ later" db -C "$R" note "$D" 'He said "maybe" \ later'
expect_eq "quotes survive in the file" 'He said "maybe" \ later' "$(last_log "$D" text)"
rejects "text that is not UTF-8" "$R" 1 "UTF-8" db -C "$R" note "$D" "$(printf 'bad \377 byte')"

# Something a user staged by hand is not swept into dealboard's commit.
echo "meeting notes" > "$R/notes.txt"
git -C "$R" add notes.txt
changed_staged=$(commit_count "$R")
expect_exit "touch with an unrelated file staged" 0 db -C "$R" touch "$A"
expect_eq "… commits only the deal file" "$(printf 'deals/%s/%s.json' "$(printf '%s' "$A" | tail -c 2)" "$A")" \
    "$(git -C "$R" show --name-only --format= HEAD)"
expect_eq "… one commit" $((changed_staged + 1)) "$(commit_count "$R")"
expect_eq "… and the unrelated file stays staged" "A  notes.txt" "$(git -C "$R" status --porcelain)"
expect_exit "undo with an unrelated file staged" 0 db -C "$R" undo
expect_eq "… still leaves it staged and uncommitted" "A  notes.txt" "$(git -C "$R" status --porcelain)"
git -C "$R" rm -q --cached notes.txt && rm "$R/notes.txt"
check "clean again" is_clean "$R"
