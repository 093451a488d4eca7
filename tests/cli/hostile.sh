#!/bin/sh
# Hostile and broken input, from the command line and from files a teammate
# committed: each ends in a clear message or is shown safely, and nothing is
# lost. Terminal escapes are stored as given (JSON escapes them) and never
# reach the terminal; invalid UTF-8 is refused; oversized and deeply nested
# files are refused with a reason; symlinks are not followed.
. "$(dirname "$0")/../lib.sh"

repo=$(new_repo) || { fail "init"; exit 1; }
id=$(db -C "$repo" add "Acme rollout" --value 1000)
rel=deals/$(printf '%s' "$id" | tail -c 2)/$id.json
file=$repo/$rel
esc=$(printf '\033')
has_esc() { printf '%s' "$1" | grep -q "$esc"; }

# --- escape sequences and control characters through the CLI ---
osc=$(printf '\033]0;pwned\007')
csi=$(printf 'red \033[31mALERT\033[0m \033[2J bell\007 tab\t cr\r bs\b del\177 c1\302\233x')
expect_exit "note with an OSC title sequence: stored" 0 db -C "$repo" note "$id" "$osc"
expect_exit "title with CSI, BEL and controls: stored" 0 db -C "$repo" set "$id" title "$csi"
expect_contains "stored as given, JSON-escaped" '"text": "\u001b]0;pwned\u0007"' "$(cat "$file")"
has_esc "$(cat "$file")" && fail "no raw ESC byte in the deal file" || ok "no raw ESC byte in the deal file"
for cmd in "list" "list --all" "show $id" "flags" "log $id" "report"; do
    # shellcheck disable=SC2086
    out=$(db -C "$repo" $cmd 2>&1)
    if has_esc "$out"; then fail "$cmd: no ESC byte in the output" "$out"; else ok "$cmd: no ESC byte in the output"; fi
done
# export is data, not a screen: into a file or a pipe it is exact (so export ->
# import round-trips); only when written to a terminal is it sanitized.
out=$(db -C "$repo" export --csv)
has_esc "$out" && ok "export --csv into a pipe keeps the exact text" ||
    fail "export --csv into a pipe keeps the exact text" "$out"
out=$(db -C "$repo" show "$id")
expect_contains "show: the text without the sequence" "red ALERT" "$out"
expect_not_contains "show: no BEL" "$(printf '\007')" "$out"
expect_exit "show --json keeps the exact text (escaped)" 0 db -C "$repo" show "$id" --json
expect_contains "show --json: \\u001b" '\u001b]0;pwned\u0007' "$OUT"

# --- invalid UTF-8 is refused, nothing changes ---
head_before=$(git -C "$repo" rev-parse HEAD)
expect_exit "note with invalid UTF-8: refused" 1 db -C "$repo" note "$id" "$(printf 'bad \377\376 bytes')"
expect_contains "says why" "not valid UTF-8" "$ERR"
expect_exit "title with an overlong NUL encoding: refused" 1 db -C "$repo" set "$id" title "$(printf 'x\300\200y')"
expect_eq "nothing committed" "$head_before" "$(git -C "$repo" rev-parse HEAD)"

# --- ids that try to leave deals/ ---
for bad in ../../etc/passwd /etc/passwd "deals/../../x" "a/b" "A-UPPER"; do
    expect_exit "show '$bad': refused" 1 db -C "$repo" show "$bad"
    expect_contains "show '$bad': invalid id" "invalid id" "$ERR"
done
expect_exit "show -- -x: refused as an id, not an option" 1 db -C "$repo" show -- -x
expect_contains "show -- -x: invalid id" "invalid id '-x'" "$ERR"
expect_exit "note -- on a leading-dash id" 1 db -C "$repo" note -- -rf text
expect_exit "a note text may start with a dash after --" 0 db -C "$repo" note "$id" -- "-- not an option"

# --- a 1 MB title from a teammate: loaded, listed in bounded time ---
python3 - "$file" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["title"] = "T" * (1 << 20)
json.dump(d, open(sys.argv[1], "w"), indent=2)
EOF
git -C "$repo" commit -qam "Teammate: 1 MB title"
start=$(date +%s)
expect_exit "list with a 1 MB title" 0 db -C "$repo" list
expect_contains "the title is cut to its column" "TTTTT…" "$OUT"
expect_exit "show with a 1 MB title" 0 db -C "$repo" show "$id"
expect_exit "an edit keeps the 1 MB title (nothing lost)" 0 db -C "$repo" note "$id" "still here"
expect_eq "title intact" 1048576 "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["title"]))' "$file")"
secs=$(( $(date +%s) - start ))
[ "$secs" -le 10 ] && ok "1 MB title handled in ${secs}s" || fail "1 MB title too slow: ${secs}s"
expect_exit "a 100 KB title from the CLI: refused (64 KiB limit)" 1 \
    db -C "$repo" set "$id" title "$(head -c 100000 /dev/zero | tr '\0' x)"
expect_contains "says the limit" "longer than 64 KiB" "$ERR"

# --- a deal with 10,000 log entries ---
id2=$(db -C "$repo" add "Busy deal")
file2=$repo/deals/$(printf '%s' "$id2" | tail -c 2)/$id2.json
python3 - "$file2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["log"] += [{"id": "%08x" % i, "at": "2026-01-01T00:00:00Z", "by": "bot", "kind": "note",
              "text": "entry %d" % i} for i in range(10000)]
json.dump(d, open(sys.argv[1], "w"), indent=2)
EOF
git -C "$repo" commit -qam "Teammate: 10,000 log entries"
start=$(date +%s)
expect_exit "list with a 10,000-entry log" 0 db -C "$repo" list
expect_exit "show with a 10,000-entry log" 0 db -C "$repo" show "$id2"
expect_contains "the last entry is shown" "entry 9999" "$OUT"
expect_exit "a note on it" 0 db -C "$repo" note "$id2" "entry 10000"
secs=$(( $(date +%s) - start ))
[ "$secs" -le 10 ] && ok "10,000 log entries handled in ${secs}s" || fail "10,000 log entries too slow: ${secs}s"
expect_eq "all 10,002 entries kept (created, 10,000, the note)" 10002 "$(grep -c '"kind"' "$file2")"

# --- broken files from teammates: clear errors, the rest still listed ---
broken() { # NAME CONTENT: a deal file at the right place for id NAME
    f=$repo/deals/$(printf '%s' "$1" | tail -c 2)/$1.json
    mkdir -p "$(dirname "$f")"
    printf '%s' "$2" > "$f"
}
deep=$(python3 -c 'print("[" * 10000 + "]" * 10000)')
broken deep-0000aa "{\"id\": \"deep-0000aa\", \"title\": \"x\", \"stage\": \"define\", \"x\": $deep}"
broken big-0000bb '{"id": "big-0000bb", "title": "x", "stage": "define", "value": 9007199254740993}'
broken inf-0000cc '{"id": "inf-0000cc", "title": "x", "stage": "define", "value": 1e300}'
broken neg-0000dd '{"id": "neg-0000dd", "title": "x", "stage": "define", "value": -5}'
broken frac-0000ee '{"id": "frac-0000ee", "title": "x", "stage": "define", "value": 1.5}'
broken nul-0000ff "$(printf '{"id": "nul-0000ff", "title": "a\\u0000b", "stage": "define"}')"
mkdir -p "$repo/deals/11" "$repo/deals/33"
printf '{"id": "raw-000011", "title": "a\0b", "stage": "define"}' > "$repo/deals/11/raw-000011.json"
broken gone-000022 '{"id": "gone-000022", "title": "Old stage deal", "stage": "negotiate"}'
ln -s /etc/passwd "$repo/deals/33/link-000033.json"
mkdir -p "$TMP/outside"
printf '{"id": "evil-000044", "title": "outside", "stage": "define"}' > "$TMP/outside/evil-000044.json"
ln -s "$TMP/outside" "$repo/deals/44"
expect_exit "doctor: exit 1 with broken files" 1 db -C "$repo" doctor
doctor=$OUT
expect_contains "nested 10,000 deep" "deep-0000aa.json: JSON nested deeper than 1000 levels" "$doctor"
expect_contains "2^53 + 1 refused, not rounded" "big-0000bb.json: field 'value': out of range" "$doctor"
expect_contains "1e300 refused" "inf-0000cc.json: field 'value': out of range" "$doctor"
expect_contains "-5 refused" "neg-0000dd.json: field 'value': out of range" "$doctor"
expect_contains "1.5 refused" "frac-0000ee.json: field 'value': expected a whole number, not a fraction" "$doctor"
expect_contains "raw NUL byte" "raw-000011.json: contains a NUL byte" "$doctor"
expect_contains "symlinked deal file: named, not followed" "link-000033.json: is a symbolic link, not followed" "$doctor"
expect_contains "symlinked shard directory: named, not followed" "deals/44: is not a directory" "$doctor"
expect_contains "unknown stage mentioned" "gone-000022.json: stage 'negotiate' is not in pipeline.json" "$doctor"
expect_exit "list --all still works with broken files around" 0 db -C "$repo" list --all
expect_contains "the deal in a removed stage is listed, not dropped" "Old stage deal" "$OUT"
expect_contains "broken files are named on stderr" "big-0000bb.json" "$ERR"
expect_not_contains "nothing read through the symlinked directory" "outside" "$OUT"
expect_exit "show on a symlinked file: refused" 2 db -C "$repo" show link-000033
expect_contains "says why" "symbolic link" "$ERR"
expect_exit "edit through a symlinked directory: no such deal" 1 db -C "$repo" note evil-000044 "x"
expect_eq "nothing written outside the repository" 1 "$(ls "$TMP/outside" | wc -l)"
expect_contains "\\u0000 in a string: refused, not cut short" \
    "nul-0000ff.json: a string contains \\u0000 (a NUL character)" "$doctor"

# --- pipeline.json from a teammate ---
cfg() { printf '%s' "$1" > "$repo/pipeline.json"; }
cp "$repo/pipeline.json" "$TMP/pipeline.json"
cfg '{"stages": []}'
expect_exit "no stages: refused" 1 db -C "$repo" list
expect_contains "says why" "at least one stage" "$ERR"
cfg '{"stages": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]}'
expect_exit "duplicate stage ids: refused" 1 db -C "$repo" list
expect_contains "says why" "duplicate stage id" "$ERR"
cfg '{"rules": {"no-such-rule": {"weight": 1}}}'
expect_exit "unknown rule: a warning, the board still works" 0 db -C "$repo" flags
expect_exit "doctor (exit 1: the broken deal files above)" 1 db -C "$repo" doctor
expect_contains "doctor names the unknown rule" "unknown rule 'no-such-rule' ignored" "$OUT"
cfg '{"rules": {"\u001b]0;pwned\u0007": {}}}'
expect_exit "an escape in a rule name: doctor" 0 db -C "$repo" flags
db -C "$repo" doctor > "$TMP/doctor.out" 2>&1
has_esc "$(cat "$TMP/doctor.out")" && fail "doctor: no ESC from a rule name" "$(cat "$TMP/doctor.out")" ||
    ok "doctor: no ESC from a rule name"
cfg "$(printf '{"name": "\\u001b]0;x\\u0007Team", "currency": "\\u001b[31mEUR"}')"
expect_exit "escapes in pipeline.json names" 0 db -C "$repo" list
has_esc "$OUT" && fail "list: no ESC from pipeline.json" "$OUT" || ok "list: no ESC from pipeline.json"
cp "$TMP/pipeline.json" "$repo/pipeline.json"
