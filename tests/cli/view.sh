# Commands that read: list (table and --json), show, flags, log.
. "$(dirname "$0")/../lib.sh"

R=$(new_repo)
# Three deals with known histories, made on earlier days.
A=$(DEALBOARD_TODAY=2026-09-01 db -C "$R" add "Acme rollout" --account "Acme GmbH" --value 48000 --stage define)
B=$(DEALBOARD_TODAY=2026-11-10 db -C "$R" add "Beta pilot" --account Beta --value 12000 --owner "Sam Lee" \
    --next "Demo" --due 2026-11-25)
C=$(DEALBOARD_TODAY=2026-11-18 db -C "$R" add "Closed deal" --value 5000)
db -C "$R" won "$C" > /dev/null
db -C "$R" touch "$B" > /dev/null

# ---- list ----
expect_exit "list exits 0" 0 db -C "$R" list
expect_eq "list: header" "ID TITLE ACCOUNT STAGE VALUE EUR DAYS FLAG" "$(printf '%s\n' "$OUT" | head -1 | tr -s ' ' | sed 's/ $//')"
expect_eq "list: open deals only" 3 "$(printf '%s\n' "$OUT" | wc -l)"
expect_not_contains "list: no closed deal" "$C" "$OUT"
expect_eq "list: ordered by stage (status quo before define)" "$B $A" \
    "$(printf '%s\n' "$OUT" | tail -n +2 | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
row=$(printf '%s\n' "$OUT" | grep "^$A")
expect_contains "list: value with separators" "48,000" "$row"
expect_contains "list: days in stage" " 80 " "$row"
expect_contains "list: stage name" "Define" "$row"
expect_contains "list: flag shown" "move on?" "$row"
expect_exit "list --all" 0 db -C "$R" list --all
expect_contains "list --all shows the won deal" "$C" "$OUT"
expect_contains "list --all marks it won" "won" "$(printf '%s\n' "$OUT" | grep "^$C")"
expect_eq "list --stage by id" "$A" "$(db -C "$R" list --stage define | tail -n +2 | cut -d' ' -f1)"
expect_eq "list --stage by name" "$A" "$(db -C "$R" list --stage Define | tail -n +2 | cut -d' ' -f1)"
expect_eq "list --owner" "$B" "$(db -C "$R" list --owner "sam lee" | tail -n +2 | cut -d' ' -f1)"
expect_eq "list --flagged" "$A" "$(db -C "$R" list --flagged | tail -n +2 | cut -d' ' -f1)"
rejects "list --stage unknown" "$R" 1 "stages: status-quo, recognize, define, explore, evaluate, decide" \
    db -C "$R" list --stage nowhere

# ---- list --json (SPEC §3) ----
expect_exit "list --json exits 0" 0 db -C "$R" list --json
J=$OUT
expect_eq "list --json: top-level keys" '["today", "deals"]' "$(printf '%s' "$J" | pyjson 'list(d)')"
expect_eq "list --json: today" "2026-11-20" "$(printf '%s' "$J" | pyjson 'd["today"]')"
expect_eq "list --json: open deals" "[\"$B\", \"$A\"]" "$(printf '%s' "$J" | pyjson '[x["id"] for x in d["deals"]]')"
expect_eq "list --json: a deal is its stored object plus the flag keys" "[]" "$(printf '%s' "$J" | python3 -c '
import json, sys
doc = json.load(sys.stdin)
bad = []
for x in doc["deals"]:
    stored = json.load(open(sys.argv[1] + "/deals/" + x["id"][-2:] + "/" + x["id"] + ".json"))
    extra = {k: x.pop(k) for k in ("days_in_stage", "score", "level", "reasons")}
    if x != stored: bad.append(x["id"] + " differs from its file")
    if not isinstance(extra["days_in_stage"], int): bad.append("days_in_stage")
    if not isinstance(extra["score"], int): bad.append("score")
    if extra["level"] not in ("none", "watch", "move-on"): bad.append("level")
    for r in extra["reasons"]:
        if sorted(r) != ["rule", "text"]: bad.append("reason keys")
print(json.dumps(bad))' "$R")"
expect_eq "list --json: flags of the Define deal" \
    '[80, 6, "move-on", ["stalled", "quiet", "no-next-step", "no-why-change"]]' \
    "$(printf '%s' "$J" | pyjson "[[x['days_in_stage'], x['score'], x['level'], [r['rule'] for r in x['reasons']]] for x in d['deals'] if x['id'] == '$A'][0]")"
expect_eq "list --json: reasons in words" "80 days in Define, limit 21" \
    "$(printf '%s' "$J" | pyjson "[x for x in d['deals'] if x['id'] == '$A'][0]['reasons'][0]['text']")"
expect_eq "list --json: an unflagged deal" '[0, "none", []]' \
    "$(printf '%s' "$J" | pyjson "[[x['score'], x['level'], x['reasons']] for x in d['deals'] if x['id'] == '$B'][0]")"
expect_eq "list --all --json includes the won deal" 3 "$(db -C "$R" list --all --json | pyjson 'len(d["deals"])')"
expect_eq "list --json on an empty pipeline" '{"today": "2026-11-20", "deals": []}' \
    "$(db -C "$(new_repo empty)" list --json | pyjson 'd')"

# ---- show ----
expect_exit "show exits 0" 0 db -C "$R" show "$A"
expect_contains "show: title" "Acme rollout" "$OUT"
expect_contains "show: id" "$A" "$OUT"
expect_contains "show: stage and days" "Define (80 days)" "$OUT"
expect_contains "show: value and currency" "48,000 EUR" "$OUT"
expect_contains "show: flag reasons" "80 days in Define, limit 21" "$OUT"
expect_contains "show: log" "Deal created" "$OUT"
expect_exit "show by prefix" 0 db -C "$R" show beta
expect_contains "show: next step with due date" "Demo (due 2026-11-25)" "$OUT"
expect_exit "show --json exits 0" 0 db -C "$R" show "$A" --json
expect_eq "show --json is the stored deal plus flag and slip keys" "ok" "$(printf '%s' "$OUT" | python3 -c '
import json, sys
x = json.load(sys.stdin)
stored = json.load(open(sys.argv[1]))
for k in ("days_in_stage", "score", "level", "reasons", "close_date_changes", "honest_close"): x.pop(k)
print("ok" if x == stored else "differs")' "$(deal_path "$R" "$A")")"
expect_eq "show --json: score and level" '[6, "move-on"]' "$(db -C "$R" show "$A" --json | pyjson '[d["score"], d["level"]]')"
rejects "show an unknown id" "$R" 1 "no deal has this id" db -C "$R" show nothing-here
rejects "show an id with /" "$R" 1 "invalid id" db -C "$R" show "../../etc/passwd"

# ---- flags ----
expect_exit "flags exits 0" 0 db -C "$R" flags
expect_contains "flags: the flagged deal" "$A" "$OUT"
expect_contains "flags: its level" "move on?" "$OUT"
expect_contains "flags: its reasons" "never touched, created 80 days ago, limit 14" "$OUT"
expect_not_contains "flags: not the unflagged deal" "$B" "$OUT"
expect_eq "flags --json: shape and content" "[\"$A\"]" "$(db -C "$R" flags --json | pyjson '[x["id"] for x in d["deals"]] if list(d) == ["today", "deals"] else "bad shape"')"
db -C "$R" snooze "$A" --until 2026-12-01 > /dev/null
expect_eq "flags: a snoozed deal is not flagged" "No flagged deals." "$(db -C "$R" flags)"
expect_eq "flags --json: empty when nothing is flagged" "[]" "$(db -C "$R" flags --json | pyjson 'd["deals"]')"
expect_eq "flags: flagged again from the snooze date" "[\"$A\"]" \
    "$(DEALBOARD_TODAY=2026-12-01 db -C "$R" flags --json | pyjson '[x["id"] for x in d["deals"]]')"
expect_contains "list: snoozed deal marked" "snoozed" "$(db -C "$R" list | grep "^$A")"

# ---- log: who changed what, newest first, this deal only ----
db -C "$R" note "$A" "First note" > /dev/null
db -C "$R" note "$A" "Second note" > /dev/null
db -C "$R" note "$B" "Beta note" > /dev/null
db -C "$R" note "$A" "Third note" > /dev/null
expect_exit "log exits 0" 0 db -C "$R" log "$A"
L=$OUT
expect_eq "log: one line per commit of this deal" "$(git -C "$R" log --format=%s -- "deals/$(printf '%s' "$A" | tail -c 2)/$A.json" | wc -l)" \
    "$(printf '%s\n' "$L" | wc -l)"
expect_eq "log: newest first, messages in order" \
    "$(git -C "$R" log --format=%s -- "deals/$(printf '%s' "$A" | tail -c 2)/$A.json")" \
    "$(printf '%s\n' "$L" | sed 's/^.*Test Seller  //')"
expect_contains "log: author" "Test Seller" "$(printf '%s\n' "$L" | head -1)"
expect_contains "log: newest message" "Note on $A: Third note" "$(printf '%s\n' "$L" | head -1)"
expect_contains "log: oldest is the add" "Add $A: Acme rollout" "$(printf '%s\n' "$L" | tail -1)"
expect_contains "log: short commit id" "$(git -C "$R" log -1 --format=%h --abbrev=8)" "$(printf '%s\n' "$L" | head -1)"
expect_not_contains "log: not other deals' changes" "Beta note" "$L"
rejects "log of an unknown id" "$R" 1 "no deal has this id" db -C "$R" log nothing-here

# ---- untrusted text is shown safely ----
ESC=$(printf '\033')
X=$(db -C "$R" add "$(printf 'Evil \033]0;pwned\007title \033[31mred')" --account "$(printf 'Acc\033[2Jount')")
expect_eq "the raw title is stored as typed" "$(printf 'Evil \033]0;pwned\007title \033[31mred')" "$(field "$R" "$X" 'd["title"]')"
for cmd in "list" "show $X" "log $X"; do
    # shellcheck disable=SC2086
    out=$(db -C "$R" $cmd)
    expect_not_contains "$cmd prints no escape sequences" "$ESC" "$out"
done
expect_contains "list shows the cleaned title" "Evil title red" "$(db -C "$R" list)"

# A stored key that --json computes (a newer version may store one) is not doubled.
python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); d["score"] = 99; d["level"] = "stored"
open(sys.argv[1], "w").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")' "$(deal_path "$R" "$B")"
git -C "$R" commit -qam "A newer version stored score and level"
expect_eq "show --json: one score key, the computed one" '1   "level": "none",' \
    "$(db -C "$R" show "$B" --json | grep -c '"score"') $(db -C "$R" show "$B" --json | grep '"level"')"
