#!/bin/sh
# Exit evidence in team sync (SPEC §9, §6): two teammates recording evidence
# offline both keep theirs (records merge by id, in date order), also for the
# same stage and when both moved the deal forward with --seen; every clone
# ends with the same tree, and the rule reads the merged evidence.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

url=$(team_remote team) || { fail "team remote"; exit 1; }
a=$(clone_as "$url" alice "Alice Ames") && b=$(clone_as "$url" bob "Bob Brown") ||
    { fail "clones"; exit 1; }

id=$(db -C "$a" add "Acme rollout" --account Acme --stage explore --next "Call" --due 2026-12-01)
db -C "$a" sync > /dev/null && db -C "$b" sync > /dev/null || { fail "seed the deal"; exit 1; }
records() { field "$1" "$id" '"|".join(e["date"] + " " + e["stage"] + ": " + "; ".join(e["seen"]) for e in d["evidence"])'; }
conflicts() { field "$1" "$id" 'sum(e["kind"] == "conflict" for e in d["log"])'; }

round() {
    expect_exit "$1: bob syncs" 0 db -C "$b" sync
    expect_exit "$1: alice merges" 0 db -C "$a" sync
    expect_exit "$1: bob syncs again" 0 db -C "$b" sync
    check "$1: both trees the same" same_trees "$a" "$b"
    assert_invariants "$a" "$1: alice's clone clean, index = HEAD"
    assert_invariants "$b" "$1: bob's clone clean, index = HEAD"
    check "$1: doctor finds nothing wrong" db -C "$a" doctor
}

# -- different stages recorded offline: both kept, by date
DEALBOARD_TODAY=2026-11-18 db -C "$a" seen "$id" define 1 > /dev/null
DEALBOARD_TODAY=2026-11-17 db -C "$b" seen "$id" recognize "the CFO: it costs us 200k a year" > /dev/null
round "different stages"
expect_eq "both records, in date order" \
    "2026-11-17 recognize: the CFO: it costs us 200k a year|2026-11-18 define: the buyer has put a number on the impact" \
    "$(records "$a")"
expect_eq "no conflict entry" 0 "$(conflicts "$a")"

# -- the same stage recorded on both sides: both records kept
DEALBOARD_TODAY=2026-11-19 db -C "$a" seen "$id" status-quo 2 > /dev/null
DEALBOARD_TODAY=2026-11-20 db -C "$b" seen "$id" status-quo "they asked for a workshop" > /dev/null
round "the same stage"
expect_eq "four records: alice's and bob's for Status quo both there" \
    "2026-11-17 recognize: the CFO: it costs us 200k a year|2026-11-18 define: the buyer has put a number on the impact|2026-11-19 status-quo: the buyer asks to look at the problem with us|2026-11-20 status-quo: they asked for a workshop" \
    "$(records "$b")"
expect_eq "still no conflict" 0 "$(conflicts "$a")"

# -- both move it forward with what each saw: one stage, both records
DEALBOARD_TODAY=2026-11-21 db -C "$a" move "$id" evaluate --seen 1 > /dev/null
DEALBOARD_TODAY=2026-11-22 db -C "$b" move "$id" evaluate --seen 2 > /dev/null
round "both moved forward"
expect_eq "in Evaluate" evaluate "$(field "$a" "$id" 'd["stage"]')"
expect_eq "alice's and bob's Explore records both survive" \
    "2026-11-21 explore: the buyer has listed the approaches they considered|2026-11-22 explore: the buyer has agreed the criteria a solution must meet" \
    "$(field "$a" "$id" '"|".join(e["date"] + " " + e["stage"] + ": " + "; ".join(e["seen"]) for e in d["evidence"] if e["stage"] == "explore")')"
expect_eq "six records in all" 6 "$(field "$a" "$id" 'len(d["evidence"])')"

# -- the rule reads the merged evidence: nothing missing before Evaluate
python3 - "$a/pipeline.json" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p))
d["rules"]["no-exit-evidence"]["enabled"] = True
open(p, "w").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
PY
git -C "$a" commit -qam "Turn on no-exit-evidence"
db -C "$a" add "Beta" --stage evaluate --next "Call" --due 2026-12-01 > /dev/null
expect_exit "flags --json with the rule on" 0 db -C "$a" flags --json
expect_contains "a deal without evidence is flagged for it" \
    "in Evaluate; nothing recorded that Explore was done, nor 3 stages before it" "$OUT"
expect_eq "the merged deal is not" "[]" \
    "$(printf '%s' "$OUT" | pyjson '[x["id"] for x in d["deals"] if x["id"] == "'"$id"'"]')"
