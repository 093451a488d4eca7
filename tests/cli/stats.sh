#!/bin/sh
# dealboard stats on a generated multi-year history (tests/bench/history_gen.py,
# fixed seed): the figures recover what the generator knows, the event index
# updated from its cache equals one read from scratch (after edits, after a
# sync that merges), grows by segments that a torn or bad one at its end
# does not spoil and that are compacted into one, is never trusted for a commit HEAD does not descend
# from, and two clones merging in either order give the same figures.
. "$(dirname "$0")/../lib.sh"
gen=$TOP/tests/bench/history_gen.py
hist=$TMP/history
python3 "$gen" "$hist" 300 --truth "$TMP/truth.json" > /dev/null || { fail "generate"; exit 1; }
TODAY=$(pyjson 'd["today"]' < "$TMP/truth.json")
export DEALBOARD_TODAY="$TODAY"
# Edits happen at noon of TODAY, in every clone alike.
export GIT_AUTHOR_DATE="$TODAY 12:00:00 +0000" GIT_COMMITTER_DATE="$TODAY 12:00:00 +0000"
cache=.git/dealboard-events

stats() { db -C "$1" stats --json; }
# The figures without "index" (how the index was had).
figures() { stats "$1" | pyjson '{k: v for k, v in d.items() if k != "index"}'; }
index_from() { stats "$1" | pyjson 'd["index"]["from"] + " " + str(d["index"]["commits_read"])'; }
# The segments of an index file that check out by their sizes (layout:
# store/events_file.c; a 136-byte header with the counts at 72..: deals,
# authors, commits, events, tips, stage changes, strings; 48-byte commits,
# 24-byte events, 88-byte tips (7 event fields), 16-byte stage changes, 4-byte deal and author
# names, the strings, an 8-byte sum).
segments() {
    python3 - "$1" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
at = n = 0
while at + 136 <= len(data) and data[at:at + 16] == b"dealboard-events":
    nd, na, nc, ne, nt, nsc, ns = struct.unpack_from("=7Q", data, at + 72)
    at += 136 + 48 * nc + 24 * ne + 88 * nt + 16 * nsc + 4 * (nd + na) + ns + 8
    n += 1
print(n if at == len(data) else f"{n} and {len(data) - at} bytes more")
PY
}

# ---- the generator's figures --------------------------------------------
stats "$hist" > "$TMP/stats.json" || fail "stats --json" "$(cat "$TMP/stats.json")"
# Counts, the 80th percentile of won deals, the slips and broken versions
# are exact; the Kaplan-Meier median estimates the median of the whole time
# deals spend in a stage (the part after today included, which the
# repository cannot know): within 2 days or 15 %.
verdict=$(python3 - "$TMP/truth.json" "$TMP/stats.json" <<'PY'
import json, sys
truth, got = (json.load(open(p)) for p in sys.argv[1:3])
bad = []
for t, g in zip(truth["stages"], got["stages"]):
    for key in ("entered", "exited_forward", "won", "censored", "p80_days_won"):
        if t[key] != g[key]:
            bad.append(f"{t['id']} {key}: {g[key]}, generator {t[key]}")
    m, want = g["median_days"], t["true_median_days"]
    if m is None or abs(m - want) > max(2, 0.15 * want):
        bad.append(f"{t['id']} median_days: {m}, generator {want}")
if got["slips"]["pushed_deals"] != truth["slips"]["pushed_deals"] or \
   got["slips"]["won_rate_by_pushes"] != truth["slips"]["won_rate_by_pushes"] or \
   got["slips"]["median_slip_days"] != truth["slips"]["median_slip_days"]:
    bad.append(f"slips: {got['slips']}, generator {truth['slips']}")
for key in ("deals", "unparseable"):
    if got[key] != truth[key]:
        bad.append(f"{key}: {got[key]}, generator {truth[key]}")
print("; ".join(bad) or "ok")
PY
)
expect_eq "stats recover the generator's figures" "ok" "$verdict"
# The learned stalled limits: the generator's 80th percentile of won deals
# pulled toward max_days with weight won/(won+10), from 5 won deals on.
learned=$(python3 - "$TMP/truth.json" "$TMP/stats.json" <<'PY'
import json, math, sys
truth, got = (json.load(open(p)) for p in sys.argv[1:3])
bad = []
for t, g in zip(truth["stages"], got["stages"]):
    n, p80, cap = t["won"], t["p80_days_won"], g["max_days"]
    want = math.floor((n * p80 + 10 * cap) / (n + 10) + 0.5) if n >= 5 and p80 is not None else None
    if g["learned_limit"] != want:
        bad.append(f"{t['id']}: {g['learned_limit']}, generator {want}")
print("; ".join(bad) or "ok")
PY
)
expect_eq "learned limits follow the generator's figures" "ok" "$learned"
expect_contains "the history had broken files to skip" '"unparseable": 1' "$(cat "$TMP/stats.json")"
[ -f "$hist/$cache" ] && ok "the index is cached in $cache" || fail "no $cache"
expect_eq "a second run reads the cache" "cache 0" "$(index_from "$hist")"
text=$(db -C "$hist" stats)
expect_contains "the table names the stages" "Explore" "$text"
expect_contains "the slip ledger" "3+" "$text"

# ---- incremental = full rebuild -------------------------------------------
# The index updated in place (segments, compacted into one by a run allowed
# only one) equals, byte for byte, the index read from scratch; and so do
# the figures from it.
same_as_rebuild() { # DESC DIR
    figures "$2" > "$TMP/incremental.json"
    DEALBOARD_EVENTS_SEGMENTS=1 db -C "$2" stats --json > /dev/null
    expect_eq "$1: compacted into one segment" 1 "$(segments "$2/$cache")"
    cp "$2/$cache" "$TMP/incremental"
    rm "$2/$cache"
    expect_eq "$1: read from scratch" "rebuild" "$(index_from "$2" | cut -d' ' -f1)"
    expect_eq "$1: the figures from the updated index are a rebuild's" \
        "$(cat "$TMP/incremental.json")" "$(figures "$2")"
    if cmp -s "$TMP/incremental" "$2/$cache"; then ok "$1: the updated index equals a rebuild"
    else fail "$1: the updated index differs from a rebuild" \
        "$(diff "$TMP/incremental" "$2/$cache" | head -5)"; fi
}
# X: an open deal before Decide (moved one stage on), Y: another open deal (won).
STAGES="status-quo recognize define explore evaluate decide"
open_deals=$(db -C "$hist" list --json | pyjson '" ".join(x["id"] + ":" + x["stage"] for x in d["deals"] if x["status"] == "open")')
X=; Y=
for pair in $open_deals; do
    id=${pair%%:*}; st=${pair#*:}
    if [ -z "$X" ] && [ "$st" != decide ]; then X=$id; XS=$st; elif [ -z "$Y" ]; then Y=$id; YS=$st; fi
done
[ -n "$X" ] && [ -n "$Y" ] || { fail "two open deals in the history"; exit 1; }
XN=$(python3 -c "print('$STAGES'.split().index('$XS'))")
before=$(stats "$hist" | pyjson '[s["censored"] for s in d["stages"]]')
expected=$(echo "$before" | python3 -c "
import json, sys
c = json.load(sys.stdin); st = '$STAGES'.split()
c[st.index('$XS')] -= 1; c[st.index('$XS') + 1] += 1; c[st.index('$YS')] -= 1
print(json.dumps(c))")
db -C "$hist" move "$X" "$(echo "$STAGES" | cut -d' ' -f$((XN + 2)))" > /dev/null &&
    db -C "$hist" won "$Y" > /dev/null || fail "edits"
# A hand edit: a file broken by a teammate's editor, committed with git.
printf '{ "id": ' > "$(deal_path "$hist" "$Y")"
git -C "$hist" commit -qam "broken by hand"
expect_eq "edits: read from the cached commit on" "update 3" "$(index_from "$hist")"
expect_eq "the update appended a segment" 2 "$(segments "$hist/$cache")"
after=$(stats "$hist" | pyjson '[s["censored"] for s in d["stages"]]')
expect_eq "the move and the win show" "$expected" "$after"
expect_eq "the broken version is counted" "$(pyjson 'd["unparseable"] + 1' < "$TMP/truth.json")" \
    "$(stats "$hist" | pyjson 'd["unparseable"]')"
same_as_rebuild "after edits" "$hist"
# Several updates in a row, each from the index the one before wrote.
db -C "$hist" set "$X" close_date 2027-03-31 > /dev/null || fail "set close date"
expect_eq "first of several updates" "update 1" "$(index_from "$hist")"
db -C "$hist" set "$X" value 12345 > /dev/null || fail "set value"
expect_eq "second of several updates" "update 1" "$(index_from "$hist")"
db -C "$hist" lost "$X" > /dev/null || fail "lost"
expect_eq "third of several updates" "update 1" "$(index_from "$hist")"
expect_eq "each update appended a segment" 4 "$(segments "$hist/$cache")"

# A torn last segment (a crash while appending, or a reader that came in
# the middle), or one damaged in place: the index is what comes before it,
# the last update is read again from git, and its segment written again.
cp "$hist/$cache" "$TMP/four"
want=$(figures "$hist")
size=$(wc -c < "$TMP/four")
last_torn() { # DESC
    expect_eq "$1: only the last update is read again" "update 1" "$(index_from "$hist")"
    expect_eq "$1: the figures are the same" "$want" "$(figures "$hist")"
    head -c "$size" "$hist/$cache" | cmp -s "$TMP/four" - &&
        ok "$1: the segment is written again, whole" ||
        fail "$1: the segment is written again, whole" "$(segments "$hist/$cache")"
}
head -c $((size - 100)) "$TMP/four" > "$hist/$cache"
last_torn "a torn last segment"
cp "$TMP/four" "$hist/$cache"
printf 'garbage after the last segment' >> "$hist/$cache"
expect_eq "bytes after the last segment are not one" "4 and 30 bytes more" "$(segments "$hist/$cache")"
expect_eq "... and are dropped" "cache 0" "$(index_from "$hist")"
python3 - "$hist/$cache" $((size - 20)) <<'PY'
import sys
path, at = sys.argv[1], int(sys.argv[2])
data = bytearray(open(path, "rb").read())
data[at] ^= 1                     # in the last segment's strings
open(path, "wb").write(data)
PY
expect_eq "the damage kept the length" "$((size + 30))" "$(wc -c < "$hist/$cache")"
last_torn "a last segment damaged in place"
# What followed it is zeroed, not cut off (a reader may have it mapped).
expect_eq "... the bytes after it zeroed" "$(head -c 30 /dev/zero | od -An)" \
    "$(tail -c 30 "$hist/$cache" | od -An)"

# One more update than the file has room for: it is written whole again.
db -C "$hist" note "$X" "call back" > /dev/null || fail "note"
expect_eq "fourth of several updates" "update 1" "$(index_from "$hist")"
expect_eq "an update past four segments compacts the index" 1 "$(segments "$hist/$cache")"
db -C "$hist" note "$X" "call again" > /dev/null || fail "note"
expect_eq "then appends again" "update 1 2" "$(index_from "$hist") $(segments "$hist/$cache")"
# Two processes updating at once: one appends; the other finds the file no
# longer as it read it (or reads it after) and leaves it.
db -C "$hist" note "$X" "both at once" > /dev/null || fail "note"
stats "$hist" > "$TMP/one.json" &
stats "$hist" > "$TMP/two.json" &
wait
expect_eq "two updates at once add one segment" 3 "$(segments "$hist/$cache")"
expect_eq "... and both give the same figures" \
    "$(pyjson '{k: v for k, v in d.items() if k != "index"}' < "$TMP/one.json")" \
    "$(pyjson '{k: v for k, v in d.items() if k != "index"}' < "$TMP/two.json")"
same_as_rebuild "after several updates in a row" "$hist"

# ---- never trusted off HEAD's history ---------------------------------------
stats "$hist" > /dev/null
git -C "$hist" reset -q --hard HEAD~9
expect_eq "after a reset the cache (of a commit HEAD does not descend from) is not used" \
    "rebuild" "$(index_from "$hist" | cut -d' ' -f1)"
expect_eq "and the figures are HEAD's" "$before" "$(stats "$hist" | pyjson '[s["censored"] for s in d["stages"]]')"
printf 'dealboard-events 1\nhead 0000\n' > "$hist/$cache"
expect_eq "a damaged cache is read again" "rebuild" "$(index_from "$hist" | cut -d' ' -f1)"

# ---- a torn or damaged index costs a rebuild, never wrong figures --------
want=$(figures "$hist")
cp "$hist/$cache" "$TMP/good"
size=$(wc -c < "$TMP/good")
after_damage() { # DESC: the cache was damaged
    stats "$hist" > "$TMP/after"
    expect_eq "$1: read again from git" "rebuild" "$(pyjson 'd["index"]["from"]' < "$TMP/after")"
    expect_eq "$1: the figures are a rebuild's" "$want" \
        "$(pyjson '{k: v for k, v in d.items() if k != "index"}' < "$TMP/after")"
    cmp -s "$TMP/good" "$hist/$cache" && ok "$1: the index is whole again" ||
        fail "$1: the index is whole again"
}
head -c $((size / 2)) "$TMP/good" > "$hist/$cache"
after_damage "torn in the middle"
head -c $((size - 10)) "$TMP/good" > "$hist/$cache"
after_damage "its checksum cut short"
# A won deal made lost in place: the same length, every record well-formed;
# only the checksum can tell. (Layout: store/events_file.c; a 136-byte
# header with the counts at 72.., 48-byte commits, then 24-byte events:
# deal, commit, field (1: status), text, value (1: won).)
python3 - "$hist/$cache" <<'PY'
import struct, sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
ncommits, nevents = struct.unpack_from("=QQ", data, 88)
at = 136 + 48 * ncommits
for i in range(nevents):
    deal, commit, field, text, num = struct.unpack_from("=IIIIq", data, at + 24 * i)
    if field == 1 and num == 1:
        struct.pack_into("=q", data, at + 24 * i + 16, 2)
        break
else:
    sys.exit("no won deal in the index")
open(path, "wb").write(data)
PY
expect_eq "the damage kept the length" "$size" "$(wc -c < "$hist/$cache")"
cmp -s "$TMP/good" "$hist/$cache" && fail "the status was not changed in the cache"
after_damage "a won deal made lost in place"

# ---- two clones, merged in either order -----------------------------------
# team N FIRST: a team remote of the history, clones a and b; a moves X, b
# pushes Y's close date; FIRST syncs first, then the other (which merges),
# then FIRST again.
team() {
    git clone -q --bare "$hist" "$TMP/team$1.git"
    for who in a b; do
        db clone "file://$TMP/team$1.git" "$TMP/$who$1" > /dev/null || return 1
        git -C "$TMP/$who$1" config user.name "Seller $who"
        git -C "$TMP/$who$1" config user.email "$who@example.com"
        stats "$TMP/$who$1" > /dev/null
    done
    db -C "$TMP/a$1" move "$X" "$(echo "$STAGES" | cut -d' ' -f$((XN + 2)))" > /dev/null &&
        db -C "$TMP/b$1" set "$Y" close_date 2027-06-30 > /dev/null || return 1
    second=$([ "$2" = a ] && echo b || echo a)
    for who in "$2" "$second" "$2"; do
        db -C "$TMP/$who$1" sync > /dev/null 2>&1 || return 1
    done
}
team 1 a || fail "team 1"
team 2 b || fail "team 2"
expect_eq "team 1 merged" "Seller b" "$(git -C "$TMP/a1" log -1 --merges --format=%an)"
expect_eq "team 2 merged the other way" "Seller a" "$(git -C "$TMP/a2" log -1 --merges --format=%an)"
figures "$TMP/a1" > "$TMP/f1"
figures "$TMP/a2" > "$TMP/f2"
expect_eq "a merge in either order gives the same figures" "$(cat "$TMP/f1")" "$(cat "$TMP/f2")"
expect_eq "... in both clones" "$(cat "$TMP/f1")" "$(figures "$TMP/b1")"
expect_eq "the push is in the slips" "$(($(pyjson 'd["slips"]["pushes"]' < "$TMP/stats.json") + 1))" \
    "$(pyjson 'd["slips"]["pushes"]' < "$TMP/f1")"
same_as_rebuild "after a sync that merged (b of team 1)" "$TMP/b1"
