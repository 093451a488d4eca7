#!/bin/sh
# sync commits hand edits first (commit_pending): deal files and pipeline.json
# changed, added or removed in the work tree, whatever their timestamps say;
# ignored and other files stay out; an unchanged work tree commits nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

url=$(team_remote team) || { fail "team remote"; exit 1; }
a=$(clone_as "$url" alice "Alice Ames") || { fail "clone"; exit 1; }
id1=$(db -C "$a" add "First deal" --value 10)
id2=$(db -C "$a" add "Second deal" --value 20)
id3=$(db -C "$a" add "Third deal" --value 30)
db -C "$a" sync > /dev/null || fail "first sync"
tracked() { git -C "$a" ls-files --error-unmatch "$1" > /dev/null 2>&1; }
pending_commit() { git -C "$a" log -1 --format=%s HEAD^1 2>/dev/null; }

# Nothing changed, files only touched: no commit.
touch "$(deal_file "$a" "$id1")" "$a/pipeline.json"
before=$(git -C "$a" rev-parse HEAD)
expect_exit "sync after touching files" 0 db -C "$a" sync
expect_eq "touched but unchanged files make no commit" "$before" "$(git -C "$a" rev-parse HEAD)"
expect_not_contains "and it says nothing about pending changes" "pending" "$OUT"

# The same size, the same second as the last commit, the same mtime: still seen.
f=$(deal_file "$a" "$id2")
db -C "$a" note "$id2" "racy" > /dev/null
mtime=$(stat -c %y "$f")
sed -i 's/"value": 20,/"value": 21,/' "$f"
touch -d "$mtime" "$f"
expect_exit "sync after a same-size edit with the old mtime" 0 db -C "$a" sync
expect_contains "commits it" "Committed pending changes" "$OUT"
expect_eq "the edit is in HEAD" 21 \
    "$(git -C "$a" show "HEAD:${f#"$a"/}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"])')"

# A new deal file by hand, a removed one, pipeline.json edited.
new="hand-made-deal-0a1b2c"
mkdir -p "$a/deals/2c"
sed "s/$id3/$new/g" "$(deal_file "$a" "$id3")" > "$a/deals/2c/$new.json"
rm "$(deal_file "$a" "$id1")"
python3 - "$a/pipeline.json" <<'PY'
import json, sys
p = sys.argv[1]
try:
    d = json.load(open(p))
except ValueError:
    d = {}
d["name"] = "Hand named"
open(p, "w").write(json.dumps(d, indent=2) + "\n")
PY
# Files sync leaves alone: an ignored deal file, a non-deal file, a deal file nested too deep.
printf 'deals/ff/ignored-deal-0000ff.json\n' >> "$a/.git/info/exclude"
mkdir -p "$a/deals/ff" "$a/deals/2c/deeper"
cp "$a/deals/2c/$new.json" "$a/deals/ff/ignored-deal-0000ff.json"
cp "$a/deals/2c/$new.json" "$a/deals/2c/deeper/$new.json"
echo notes > "$a/NOTES.txt"
expect_exit "sync with hand-made changes" 0 db -C "$a" sync
expect_contains "commits them" "Committed pending changes" "$OUT"
check "the new deal file is committed" tracked "deals/2c/$new.json"
check "the removed one is gone from HEAD" sh -c "! git -C '$a' cat-file -e 'HEAD:$(deal_file "" "$id1" | sed 's|^/||')'"
expect_eq "pipeline.json is committed" "Hand named" \
    "$(git -C "$a" show HEAD:pipeline.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["name"])')"
check "the ignored deal file is not" sh -c "! git -C '$a' ls-files --error-unmatch deals/ff/ignored-deal-0000ff.json 2>/dev/null"
check "the nested one is not" sh -c "! git -C '$a' ls-files --error-unmatch 'deals/2c/deeper/$new.json' 2>/dev/null"
check "NOTES.txt is not" sh -c "! git -C '$a' ls-files --error-unmatch NOTES.txt 2>/dev/null"
expect_eq "the remote has it all" "$(git -C "$a" rev-parse HEAD)" "$(git -C "$TMP/team.git" rev-parse main)"
expect_eq "only the untracked extras remain in git status" \
    "?? NOTES.txt ?? deals/2c/deeper/" "$(git -C "$a" status --porcelain | tr '\n' ' ' | sed 's/ $//')"

# A deal file replaced by a symbolic link is not followed: it leaves the pipeline.
f=$(deal_file "$a" "$id3")
cp "$f" "$TMP/elsewhere.json" && rm "$f" && ln -s "$TMP/elsewhere.json" "$f"
expect_exit "sync with a deal file made a link" 0 db -C "$a" sync
expect_eq "HEAD has no regular file for it" "" \
    "$(git -C "$a" ls-tree HEAD "${f#"$a"/}" | awk '$1 == "100644"')"
