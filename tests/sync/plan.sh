#!/bin/sh
# The shared plan in team sync (SPEC §9, §6): two teammates ticking different
# steps offline both count; steps added on both sides are all kept; the same
# step ticked on both sides keeps the later commit's and logs a conflict; a
# step removed on one side stays removed. Every clone ends with the same tree.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

url=$(team_remote team) || { fail "team remote"; exit 1; }
a=$(clone_as "$url" alice "Alice Ames") && b=$(clone_as "$url" bob "Bob Brown") ||
    { fail "clones"; exit 1; }

id=$(db -C "$a" add "Acme rollout" --account Acme --stage define)
db -C "$a" plan "$id" add "Security review" --due 2026-11-25 > /dev/null
db -C "$a" plan "$id" add "CFO signs" --due 2026-11-28 > /dev/null
db -C "$a" plan "$id" add "Send the DPA" --us --due 2026-11-30 > /dev/null
db -C "$a" sync > /dev/null && db -C "$b" sync > /dev/null || { fail "seed the plan"; exit 1; }
step_ids() { field "$1" "$id" '" ".join(s["id"] for s in d["plan"])'; }
done_days() { field "$1" "$id" '" ".join(s["done"] or "-" for s in d["plan"])'; }
conflicts() { field "$1" "$id" 'sum(e["kind"] == "conflict" for e in d["log"])'; }
ids=$(step_ids "$a")
expect_eq "bob has alice's plan" "$ids" "$(step_ids "$b")"

# both sync at the end: bob, then alice merges, then bob fast-forwards
round() {
    expect_exit "$1: bob syncs" 0 db -C "$b" sync
    expect_exit "$1: alice merges" 0 db -C "$a" sync
    expect_exit "$1: bob syncs again" 0 db -C "$b" sync
    check "$1: both trees the same" same_trees "$a" "$b"
    assert_invariants "$a" "$1: alice's clone clean, index = HEAD"
    assert_invariants "$b" "$1: bob's clone clean, index = HEAD"
    check "$1: doctor finds nothing wrong" db -C "$a" doctor
}

# -- different steps ticked offline: both done, no conflict
DEALBOARD_TODAY=2026-11-21 db -C "$a" plan "$id" done 1 --evidence "IT signed off" > /dev/null
DEALBOARD_TODAY=2026-11-22 db -C "$b" plan "$id" done 2 > /dev/null
round "different steps"
expect_exit "alice's tick in bob's words" 0 db -C "$b" changes --since HEAD~3
expect_contains "changes names the step alice ticked" "plan: done buyer step" "$OUT"
expect_contains "…with her evidence" ": IT signed off" "$OUT"
expect_eq "both ticks survive" "2026-11-21 2026-11-22 -" "$(done_days "$a")"
expect_eq "alice's evidence survives" "IT signed off" "$(field "$b" "$id" 'd["plan"][0]["evidence"]')"
expect_eq "no conflict entry" 0 "$(conflicts "$a")"

# -- steps added on both sides: all kept, in due-date order
db -C "$a" plan "$id" add "Reference call" --due 2026-11-26 > /dev/null
db -C "$b" plan "$id" add "Board approval" > /dev/null
round "added on both sides"
expect_eq "five steps, in due-date order, undated last" \
    "Security review|Reference call|CFO signs|Send the DPA|Board approval" \
    "$(field "$a" "$id" '"|".join(s["text"] for s in d["plan"])')"
expect_eq "still no conflict" 0 "$(conflicts "$a")"

# -- the same step ticked on both sides: the later commit's, and a conflict entry
dpa=$(field "$a" "$id" 'd["plan"][3]["id"]')
now=$(date +%s)
GIT_AUTHOR_DATE="@$now +0000" GIT_COMMITTER_DATE="@$now +0000" \
    db -C "$a" plan "$id" done "$dpa" --evidence "sent by Alice" > /dev/null
later="@$((now + 3600)) +0000"
GIT_AUTHOR_DATE=$later GIT_COMMITTER_DATE=$later \
    db -C "$b" plan "$id" done "$dpa" --evidence "sent by Bob" > /dev/null
round "the same step on both sides"
expect_eq "the later commit's evidence (Bob's) wins" "sent by Bob" \
    "$(field "$a" "$id" 'd["plan"][3]["evidence"]')"
expect_eq "one conflict entry" 1 "$(conflicts "$a")"
expect_eq "it names the step's field and keeps Alice's words" \
    "plan[$dpa].evidence: kept \"sent by Bob\" (Bob Brown, later) over \"sent by Alice\" (Alice Ames)" \
    "$(field "$a" "$id" '[e["text"] for e in d["log"] if e["kind"] == "conflict"][0]')"

# -- a step removed on one side, left alone on the other: removed
board=$(field "$a" "$id" 'd["plan"][4]["id"]')
db -C "$a" plan "$id" rm "$board" > /dev/null
db -C "$b" plan "$id" done 2 > /dev/null                   # bob ticks another one meanwhile
db -C "$b" note "$id" "Talked to the CFO" > /dev/null
round "removed on one side"
expect_eq "the removed step stays removed" "4" "$(field "$b" "$id" 'len(d["plan"])')"
expect_eq "bob's tick of another step survives" "Reference call 2026-11-20" \
    "$(field "$a" "$id" 'd["plan"][1]["text"] + " " + d["plan"][1]["done"]')"
expect_eq "bob's note survives" "Talked to the CFO" \
    "$(field "$a" "$id" '[e["text"] for e in d["log"] if e["kind"] == "note"][-1]')"
