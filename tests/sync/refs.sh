#!/bin/sh
# References in team sync (SPEC §9, §6): asks recorded by two teammates
# offline both survive, in day order; "ready" changed on one side and an ask
# on the other both count. Every clone ends with the same tree.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

url=$(team_remote team) || { fail "team remote"; exit 1; }
a=$(clone_as "$url" alice "Alice Ames") && b=$(clone_as "$url" bob "Bob Brown") ||
    { fail "clones"; exit 1; }

ref=$(db -C "$a" add "Globex" --account Globex)
x=$(db -C "$a" add "Acme" --stage evaluate)
y=$(db -C "$a" add "Initech" --stage evaluate)
db -C "$a" won "$ref" > /dev/null
db -C "$a" ref "$ref" ready > /dev/null
db -C "$a" sync > /dev/null && db -C "$b" sync > /dev/null || { fail "seed"; exit 1; }
asks() { field "$1" "$ref" '" ".join(a["at"] + ":" + a["for"] for a in d["reference"]["asks"])'; }
conflicts() { field "$1" "$ref" 'sum(e["kind"] == "conflict" for e in d["log"])'; }

round() {
    expect_exit "$1: bob syncs" 0 db -C "$b" sync
    expect_exit "$1: alice merges" 0 db -C "$a" sync
    expect_exit "$1: bob syncs again" 0 db -C "$b" sync
    check "$1: both trees the same" same_trees "$a" "$b"
    assert_invariants "$a" "$1: alice's clone clean, index = HEAD"
    check "$1: doctor finds nothing wrong" db -C "$a" doctor
}

# -- asks recorded offline on both sides: both kept, by day
DEALBOARD_TODAY=2026-11-22 db -C "$a" ref "$ref" asked "$y" > /dev/null
DEALBOARD_TODAY=2026-11-21 db -C "$b" ref "$ref" asked "$x" > /dev/null
round "asks on both sides"
expect_eq "both asks survive, in day order" "2026-11-21:$x 2026-11-22:$y" "$(asks "$a")"
expect_eq "no conflict entry" 0 "$(conflicts "$a")"
expect_eq "each asking deal has its log entry" "1 1" \
    "$(field "$a" "$x" 'sum(e["kind"] == "references" for e in d["log"])') $(field "$a" "$y" 'sum(e["kind"] == "references" for e in d["log"])')"

# -- one side takes "ready" back, the other records an ask: both count
# (a bool changed on both sides from the base can only agree).
db -C "$a" ref "$ref" not-ready > /dev/null
DEALBOARD_TODAY=2026-11-23 db -C "$b" ref "$ref" asked "$x" > /dev/null
round "ready on one side, an ask on the other"
expect_eq "alice's not-ready kept" false "$(field "$b" "$ref" 'str(d["reference"]["ready"]).lower()')"
expect_eq "bob's ask kept" "2026-11-21:$x 2026-11-22:$y 2026-11-23:$x" "$(asks "$a")"
expect_eq "still no conflict entry" 0 "$(conflicts "$a")"
