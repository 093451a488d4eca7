# Two-way touches (SPEC §9): `touch --in` writes "dir": "in", a plain touch
# "dir": "out"; older entries without "dir" are left byte for byte; with
# "quiet": {"buyer": true} the quiet rule counts only the buyer's side, in
# `flags` and `list --flagged` (light deals) alike; `show` marks the buyer's touches.
. "$(dirname "$0")/../lib.sh"

R=$(new_repo) && [ -d "$R/.git" ] || { fail "new_repo" "no repository"; exit 1; }
last_log() { field "$R" "$1" "d['log'][-1]['$2']"; }
# at REPO ID DAYS_AGO: backdates every touch of the deal to DAYS_AGO before
# today (a test fixture written by hand, committed like a teammate would).
backdate_touches() {
    python3 - "$(deal_path "$R" "$1")" "$2" "$3" <<'PY'
import json, sys
path, date, which = sys.argv[1], sys.argv[2], sys.argv[3]
d = json.load(open(path))
for e in d["log"]:
    if e["kind"] == "touch" and e.get("dir", "out") == which:
        e["at"] = date + "T10:00:00Z"
d["created"] = "2026-09-01"
open(path, "w").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
PY
    git -C "$R" commit -qam "Backdate $3 touches of $1 to $2"
}

A=$(db -C "$R" add "Acme rollout" --next "Call" --due +3)
count=$(commit_count "$R")
expect_exit "touch --in exits 0" 0 db -C "$R" touch "$A" "They called about pricing" --in
expect_eq "touch --in: prints what happened" "Touch from the buyer $A: They called about pricing" "$OUT"
expect_eq "touch --in: one commit" $((count + 1)) "$(commit_count "$R")"
expect_eq "touch --in: commit message" "Touch from the buyer $A: They called about pricing" "$(last_message "$R")"
expect_eq "touch --in: the entry" '["touch", "in", "They called about pricing"]' \
    "$(field "$R" "$A" '[d["log"][-1][k] for k in ("kind","dir","text")]')"
expect_eq "touch --in: last_touch is today" 2026-11-20 "$(field "$R" "$A" 'd["last_touch"]')"
expect_contains "touch --in: \"dir\" written after \"kind\"" \
    '"kind": "touch",
      "dir": "in",' "$(cat "$(deal_path "$R" "$A")")"
assert_invariants "$R" "touch --in: §7 invariants"

expect_exit "touch --in without a note" 0 db -C "$R" touch --in "$A"
expect_eq "touch --in without a note: the words" "The buyer reached us" "$(last_log "$A" text)"
expect_exit "touch (ours)" 0 db -C "$R" touch "$A" "Sent the deck"
expect_eq "touch: \"dir\": \"out\"" out "$(last_log "$A" dir)"
expect_eq "touch: commit message unchanged" "Touch $A: Sent the deck" "$(last_message "$R")"
assert_invariants "$R" "touch: §7 invariants"

rejects "touch --in=yes" "$R" 1 "--in" db -C "$R" touch "$A" --in=yes
rejects "touch --out" "$R" 1 "--out" db -C "$R" touch "$A" --out

# ---- show, show --json ----
expect_exit "show" 0 db -C "$R" show "$A"
expect_contains "show: the buyer's touch reads touch-in" "touch-in Test Seller: They called about pricing" "$OUT"
expect_contains "show: ours reads touch" "touch    Test Seller: Sent the deck" "$OUT"
expect_exit "show --json" 0 db -C "$R" show "$A" --json
expect_eq "show --json: the directions" '[null, "in", "in", "out"]' \
    "$(printf '%s' "$OUT" | pyjson '[e.get("dir") for e in (d[0] if isinstance(d, list) else d)["log"]]')"

# ---- an older file: no "dir", read as ours, left byte for byte ----
B=$(db -C "$R" add "Beta pilot" --next "Call" --due +3)
python3 - "$(deal_path "$R" "$B")" <<'PY'
import json, sys
path = sys.argv[1]
d = json.load(open(path))
d["log"].append({"id": "0ld70c4e", "at": "2026-11-01T10:00:00Z", "by": "Test Seller",
                 "kind": "touch", "text": "Before directions"})
open(path, "w").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
PY
git -C "$R" commit -qam "An entry from an older dealboard"
before=$(cat "$(deal_path "$R" "$B")")
expect_exit "note on an older file" 0 db -C "$R" note "$B" "A note"
expect_eq "older entry stays without dir" '["0ld70c4e", false]' \
    "$(field "$R" "$B" '[d["log"][1]["id"], "dir" in d["log"][1]]')"
expect_eq "older file: only the new entry changed" "$(printf '%s' "$before" | head -n -3)" \
    "$(head -n "$(printf '%s\n' "$before" | head -n -3 | wc -l)" "$(deal_path "$R" "$B")")"
expect_exit "show an older file" 0 db -C "$R" show "$B"
expect_contains "older touch shows as touch" "touch    Test Seller: Before directions" "$OUT"

# ---- the quiet rule, the buyer's side only ----
C=$(db -C "$R" add "Cargo tracking" --next "Call" --due +3)
db -C "$R" touch "$C" "They asked for a demo" --in > /dev/null
backdate_touches "$C" 2026-10-17 in                # 34 days ago
db -C "$R" touch "$C" "Sent the demo link" > /dev/null
db -C "$R" touch "$C" "Followed up" > /dev/null
backdate_touches "$C" 2026-10-30 out               # 21 days ago
db -C "$R" touch "$C" "Called, voicemail" > /dev/null   # today

expect_exit "flags (default quiet rule)" 0 db -C "$R" flags --json
expect_not_contains "default quiet: our touch today ends the silence" "$C" "$OUT"

python3 - "$R/pipeline.json" <<'PY'
import json, sys
path = sys.argv[1]
cfg = json.load(open(path))
cfg.setdefault("rules", {}).setdefault("quiet", {})["buyer"] = True
open(path, "w").write(json.dumps(cfg, indent=2) + "\n")
PY
git -C "$R" commit -qam "Quiet counts the buyer's side"
expect_exit "flags --json (buyer quiet)" 0 db -C "$R" flags --json
expect_eq "flags: the reason" \
    '["you touched 3 times in 21 days; the buyer last replied 34 days ago, limit 14"]' \
    "$(printf '%s' "$OUT" | pyjson '[r["text"] for x in d["deals"] if x["id"] == "'"$C"'" for r in x["reasons"] if r["rule"] == "quiet"]')"
expect_not_contains "flags: a deal whose buyer replied today is not quiet" "\"$A\"" "$OUT"
expect_exit "flags (text)" 0 db -C "$R" flags
expect_contains "flags table: the reason" "the buyer last replied 34 days ago" "$OUT"
expect_exit "list --flagged (light deals)" 0 db -C "$R" list --flagged
expect_contains "list --flagged: the quiet deal" "$C" "$OUT"
# The load cache keeps the summary: a second listing reads it from there.
expect_exit "flags again, from the cache" 0 db -C "$R" flags
expect_contains "flags from the cache: the same words" \
    "you touched 3 times in 21 days; the buyer last replied 34 days ago" "$OUT"
db -C "$R" touch "$C" "They replied" --in > /dev/null
expect_exit "flags after the buyer replied" 0 db -C "$R" flags --json
expect_not_contains "buyer replied today: not quiet" "the buyer last replied" "$OUT"
assert_invariants "$R" "end: §7 invariants"
check "end: git status --porcelain empty" is_clean "$R"
