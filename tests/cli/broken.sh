# Broken deal files: reading commands show the rest and name the broken file;
# doctor lists every broken file with the reason and exits 1; nothing that
# reads or fails writes.
. "$(dirname "$0")/../lib.sh"

R=$(new_repo)
G=$(db -C "$R" add "Good deal" --value 1000)
H=$(db -C "$R" add "Second good deal" --value 2000)
M=$(db -C "$R" add "Malformed deal")
W=$(db -C "$R" add "Wrong type deal")
T=$(db -C "$R" add "Trailing text deal")
N=$(db -C "$R" add "Renamed deal")
Q=$(db -C "$R" add "Missing title deal")
rel() { printf 'deals/%s/%s.json' "$(printf '%s' "$1" | tail -c 2)" "$1"; }

# Break them in the ways a hand edit or a bad merge does, and commit that.
printf '{\n  "id": "%s",\n  "title": "Malformed deal",\n' "$M" > "$R/$(rel "$M")"
sed -i 's/"value": 0,/"value": "lots",/' "$R/$(rel "$W")"
printf '>>>>>>> theirs\n' >> "$R/$(rel "$T")"
sed -i "s/\"id\": \"$N\"/\"id\": \"someone-else-123456\"/" "$R/$(rel "$N")"
sed -i '/"title":/d' "$R/$(rel "$Q")"
mkdir -p "$R/deals/zz" "$R/deals/yy" "$R/deals/xx/dir-xx.json"
ln -s /etc/passwd "$R/deals/zz/link-to-passwd-aaaazz.json"
ln -s "../$(printf '%s' "$G" | tail -c 2)/$G.json" "$R/deals/zz/link-to-deal-aaaazz.json"
cp "$R/$(rel "$G")" "$R/deals/yy/wrong-shard-aaaaab.json"
cp "$R/$(rel "$G")" "$R/deals/yy/Upper-Case-aaaayy.json"
touch "$R/deals/xx/dir-xx.json/.keep"
git -C "$R" add -A && git -C "$R" commit -qm "Teammates' broken files"

expect_broken() { # DESC OUTPUT: every broken file named, with its reason.
    expect_contains "$1 names the malformed file" "$(rel "$M"): line 3: malformed JSON" "$2"
    expect_contains "$1 names the wrong type and field" "$(rel "$W"): field 'value': expected a whole number" "$2"
    expect_contains "$1 names text after the object" "$(rel "$T"): line" "$2"
    expect_contains "$1 names the id mismatch" "$(rel "$N"): its id 'someone-else-123456' does not match the file name" "$2"
    expect_contains "$1 names the missing field" "$(rel "$Q"): field 'title': missing" "$2"
    expect_contains "$1 names the symlink to outside" "deals/zz/link-to-passwd-aaaazz.json: is a symbolic link, not followed" "$2"
    expect_contains "$1 names the symlink to a deal" "deals/zz/link-to-deal-aaaazz.json: is a symbolic link, not followed" "$2"
    expect_contains "$1 names the file in the wrong shard" "deals/yy/wrong-shard-aaaaab.json: file name is not a valid id" "$2"
    expect_contains "$1 names the invalid file name" "deals/yy/Upper-Case-aaaayy.json: file name is not a valid id" "$2"
    expect_contains "$1 names a directory posing as a deal" "deals/xx/dir-xx.json: not a regular file" "$2"
    expect_not_contains "$1 never prints /etc/passwd's content" "root:" "$2"
}

# ---- list still shows the rest ----
before=$(state "$R")
expect_exit "list with broken files exits 0" 0 db -C "$R" list
expect_eq "list shows the good deals" "$G $H" "$(printf '%s\n' "$OUT" | tail -n +2 | cut -d' ' -f1 | sort | tr '\n' ' ' | sed 's/ $//')"
expect_broken "list stderr" "$ERR"
expect_eq "list: one stderr line per broken file" 10 "$(printf '%s\n' "$ERR" | wc -l)"
expect_eq "list: every stderr line is 'dealboard: FILE: why'" 0 "$(printf '%s\n' "$ERR" | grep -vc '^dealboard: deals/[a-z0-9]*/[^:]*: ')"
expect_exit "list --json with broken files exits 0" 0 db -C "$R" list --json
expect_eq "list --json: stdout is one JSON document with the good deals" "[\"$G\", \"$H\"]" \
    "$(printf '%s' "$OUT" | pyjson 'sorted(x["id"] for x in d["deals"])')"
expect_broken "list --json stderr" "$ERR"
expect_exit "flags with broken files exits 0" 0 db -C "$R" flags --json
expect_eq "flags --json: valid JSON" "2026-11-20" "$(printf '%s' "$OUT" | pyjson 'd["today"]')"
expect_exit "show a good deal despite broken ones" 0 db -C "$R" show "$G"
expect_exit "touch a good deal despite broken ones" 0 db -C "$R" touch "$G"
check "clean after touching a good deal" is_clean "$R"
before=$(state "$R")

# ---- a broken deal itself: named, nothing changes ----
rejects "show a malformed deal" "$R" 1 "$(rel "$M"): line 3: malformed JSON" db -C "$R" show "$M"
rejects "show a deal with a wrong type" "$R" 1 "$(rel "$W"): field 'value': expected a whole number" db -C "$R" show "$W"
rejects "touch a malformed deal" "$R" 1 "$(rel "$M")" db -C "$R" touch "$M"
rejects "move a deal with a wrong type" "$R" 1 "field 'value'" db -C "$R" move "$W" explore
rejects "set on a deal with text after it" "$R" 1 "$(rel "$T")" db -C "$R" set "$T" value 5
rejects "note on a deal whose id mismatches" "$R" 1 "does not match the file name" db -C "$R" note "$N" "hello"
rejects "touch a symlinked deal" "$R" 2 "is a symbolic link" db -C "$R" touch link-to-passwd
check "the symlink target is untouched" test "$(head -c 5 /etc/passwd)" = "root:"
expect_eq "the symlinked deal is still a link" "/etc/passwd" "$(readlink "$R/deals/zz/link-to-passwd-aaaazz.json")"

# ---- doctor ----
expect_exit "doctor with broken files exits 1" 1 db -C "$R" doctor
expect_broken "doctor" "$OUT"
expect_contains "doctor sums up" "2 deals ok, 10 broken, 0 in an unknown stage" "$OUT"
expect_eq "doctor: error line" "dealboard: doctor: 10 broken files" "$ERR"
expect_unchanged "doctor changes nothing" "$R" "$before"

# A deal in a stage the pipeline does not have is reported, but not broken.
R2=$(new_repo second)
S=$(db -C "$R2" add "Odd stage")
sed -i 's/"stage": "status-quo"/"stage": "negotiate"/' "$(deal_path "$R2" "$S")"
git -C "$R2" commit -qam "Hand edit"
expect_exit "doctor: unknown stage alone exits 0" 0 db -C "$R2" doctor
expect_contains "doctor names the deal in an unknown stage" "$(rel "$S"): stage 'negotiate' is not in pipeline.json" "$OUT"
expect_contains "doctor counts it" "1 deal ok, 0 broken, 1 in an unknown stage" "$OUT"
expect_contains "list shows the deal in an unknown stage" "$S" "$(db -C "$R2" list)"

# A clean pipeline passes.
expect_exit "doctor on a clean pipeline exits 0" 0 db -C "$(new_repo clean)" doctor
expect_eq "doctor on a clean pipeline: nothing on stderr" "" "$ERR"

# Unknown rules in pipeline.json are remarks, not errors.
R3=$(new_repo third)
python3 -c 'import json, sys
p = json.load(open(sys.argv[1])); p["rules"]["no-champion"] = {"weight": 1}
open(sys.argv[1], "w").write(json.dumps(p, indent=2) + "\n")' "$R3/pipeline.json"
git -C "$R3" commit -qam "A rule from a newer version"
expect_exit "doctor: an unknown rule exits 0" 0 db -C "$R3" doctor
expect_contains "doctor: mentions the unknown rule" "unknown rule 'no-champion' ignored" "$OUT"
expect_exit "list: an unknown rule does not stop it" 0 db -C "$R3" list

# A deal file directly in deals/ or in a non-shard directory is reported.
R4=$(new_repo fourth)
F=$(db -C "$R4" add "Misplaced deal")
git -C "$R4" mv "$(rel "$F")" "deals/$F.json"
git -C "$R4" commit -qm "Moved by hand"
expect_exit "doctor: a misplaced deal file exits 1" 1 db -C "$R4" doctor
expect_contains "doctor names the misplaced file" "deals/$F.json: not in its shard directory" "$OUT"

# A shard directory that is a symbolic link is not followed, for reading or writing.
R5=$(new_repo fifth)
mkdir -p "$TMP/outside"
mkdir -p "$R5/deals"
for x in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do
    for y in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do ln -s "$TMP/outside" "$R5/deals/$x$y"; done
done
git -C "$R5" add -A && git -C "$R5" commit -qm "Shards as links"
cp "$(deal_path "$R" "$G")" "$TMP/outside/$G.json"
before=$(state "$R5")
expect_exit "add into a symlinked shard fails" 2 db -C "$R5" add "Escape attempt"
expect_error "add into a symlinked shard: error format"
expect_contains "add into a symlinked shard: says why" "symbolic link" "$ERR"
expect_unchanged "add into a symlinked shard changes nothing" "$R5" "$before"
expect_eq "nothing was written outside the repository" "$G.json" "$(ls "$TMP/outside")"
expect_exit "list does not read through a symlinked shard" 0 db -C "$R5" list
expect_not_contains "… so the outside deal is not shown" "$G" "$OUT"
expect_exit "doctor reports symlinked shards" 1 db -C "$R5" doctor
expect_contains "doctor names a symlinked shard" "is a symbolic link, not followed" "$OUT"
