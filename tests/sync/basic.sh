#!/bin/sh
# Team sync over file://: clone, fast-forward, merges of deal files field by field,
# notes as a union, delete vs edit, a non-JSON conflict, the push race, offline.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

url=$(team_remote team) || { fail "team remote"; exit 1; }
a=$(clone_as "$url" alice "Alice Ames") && b=$(clone_as "$url" bob "Bob Brown") ||
    { fail "clones"; exit 1; }
check "a clone is a pipeline" test -f "$a/pipeline.json"
expect_exit "sync with nothing to do" 0 db -C "$a" sync
expect_contains "says it is up to date" "Already up to date" "$OUT"

# -- fast-forward
id=$(db -C "$a" add "Acme rollout" --account Acme --value 48000 --stage define --close 2027-01-31)
expect_exit "alice pushes a new deal" 0 db -C "$a" sync
expect_contains "pushed in words" "Pushed 1 commit to origin" "$OUT"
expect_exit "bob fast-forwards" 0 db -C "$b" sync
expect_contains "fast-forward in words" "fast-forward" "$OUT"
expect_contains "what changed lists the new deal" "new deal in Define" "$OUT"
check "bob has the deal" test -f "$(deal_file "$b" "$id")"
expect_eq "no merge commit for a fast-forward" 0 "$(git -C "$b" rev-list --merges --count HEAD)"
check "bob's tree equals alice's" same_trees "$a" "$b"
check "bob's work tree is clean" is_clean "$b"

# -- different deals
id2=$(db -C "$b" add "Borealis pilot" --value 12000)
db -C "$a" move "$id" explore > /dev/null
db -C "$a" sync > /dev/null
expect_exit "bob merges a change to another deal" 0 db -C "$b" sync
expect_contains "merged in words" "merged" "$OUT"
expect_eq "merge commit message in words" "Merge teammates' changes: 1 deal" "$(last_message "$b")"
expect_eq "the merge has two parents" 2 "$(git -C "$b" log -1 --format=%p | wc -w)"
db -C "$a" sync > /dev/null
check "after both sync, trees are equal" same_trees "$a" "$b"
expect_eq "alice has bob's deal" "Borealis pilot" "$(field "$a" "$id2" 'd["title"]')"
check "alice's work tree is clean" is_clean "$a"

# -- same deal, different fields
db -C "$a" set "$id" value 50000 > /dev/null
db -C "$b" set "$id" close_date 2027-02-28 > /dev/null
db -C "$a" sync > /dev/null
expect_exit "bob merges the same deal, other field" 0 db -C "$b" sync
db -C "$a" sync > /dev/null
expect_eq "alice's value survives" 50000 "$(field "$b" "$id" 'd["value"]')"
expect_eq "bob's close date survives" 2027-02-28 "$(field "$a" "$id" 'd["close_date"]')"
expect_eq "no conflict entry" 0 "$(field "$a" "$id" 'sum(e["kind"]=="conflict" for e in d["log"])')"
check "trees equal" same_trees "$a" "$b"
check "merged deal is canonical (doctor)" db -C "$a" doctor

# -- same field: later commit wins, both values findable
db -C "$a" set "$id" value 61000 > /dev/null
sleep 1
db -C "$b" set "$id" value 72000 > /dev/null
db -C "$b" sync > /dev/null
expect_exit "alice merges a same-field change" 0 db -C "$a" sync
expect_contains "conflict counted in words" "1 conflict recorded" "$OUT"
expect_eq "merge message says it" "Merge teammates' changes: 1 deal, 1 conflict recorded" "$(last_message "$a")"
expect_eq "later commit (bob) wins" 72000 "$(field "$a" "$id" 'd["value"]')"
log=$(field "$a" "$id" '[e["text"] for e in d["log"] if e["kind"]=="conflict"]')
expect_contains "conflict entry keeps alice's value" "61000" "$log"
expect_contains "conflict entry has bob's value" "72000" "$log"
db -C "$b" sync > /dev/null
check "trees equal after the conflict" same_trees "$a" "$b"
expect_exit "changes lists the conflict" 0 db -C "$a" changes
expect_contains "changes: conflict in words" "conflict recorded: value" "$OUT"

# -- notes on both sides: union
db -C "$a" note "$id" "Alice: CFO wants a pilot" > /dev/null
db -C "$a" note "$id" "Alice: second call booked" > /dev/null
db -C "$b" note "$id" "Bob: champion moved teams" > /dev/null
db -C "$a" sync > /dev/null
db -C "$b" sync > /dev/null
db -C "$a" sync > /dev/null
notes=$(field "$a" "$id" '"|".join(e["text"] for e in d["log"] if e["kind"]=="note")')
expect_contains "alice's notes kept" "Alice: CFO wants a pilot" "$notes"
expect_contains "alice's second note kept" "Alice: second call booked" "$notes"
expect_contains "bob's note kept" "Bob: champion moved teams" "$notes"
check "trees equal after notes" same_trees "$a" "$b"

# -- delete vs edit: the edit is kept
f=$(deal_file "$b" "$id2")
git -C "$b" rm -q "${f#$b/}" && git -C "$b" commit -qm "Remove borealis"
db -C "$b" sync > /dev/null
db -C "$a" note "$id2" "Alice still works this one" > /dev/null
expect_exit "alice merges a delete against her edit" 0 db -C "$a" sync
check "the edited deal is kept" test -f "$(deal_file "$a" "$id2")"
expect_contains "with alice's note" "Alice still works" "$(field "$a" "$id2" 'd["log"]')"
db -C "$b" sync > /dev/null
check "bob gets it back" test -f "$(deal_file "$b" "$id2")"

# -- pending work-tree changes are committed first
python3 - "$(deal_file "$a" "$id")" <<'PY'
import json, sys
p = sys.argv[1]; d = json.load(open(p)); d["champion"] = "Dana (CFO)"
open(p, "w").write(json.dumps(d, indent=2, ensure_ascii=False) + "\n")
PY
expect_exit "sync commits pending edits" 0 db -C "$a" sync
expect_contains "says so" "Committed pending changes" "$OUT"
expect_eq "the pending commit is on the remote" "Commit pending changes" \
    "$(git -C "$TMP/team.git" log -1 --format=%s)"

# -- pipeline.json changed on both sides: merged key by key
python3 - "$a/pipeline.json" "$b/pipeline.json" <<'PY'
import json, sys
a, b = sys.argv[1:3]
d = json.load(open(a)); d["name"] = "Sales EMEA"; open(a, "w").write(json.dumps(d, indent=2) + "\n")
d = json.load(open(b)); d["currency"] = "CHF"; open(b, "w").write(json.dumps(d, indent=2) + "\n")
PY
db -C "$a" sync > /dev/null
expect_exit "pipeline.json changed on both sides merges" 0 db -C "$b" sync
db -C "$a" sync > /dev/null
expect_eq "both keys kept" "Sales EMEA CHF" \
    "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["name"], d["currency"])' "$a/pipeline.json")"
check "trees equal after pipeline.json" same_trees "$a" "$b"

# -- changes --since and a stage move in words
db -C "$b" move "$id" evaluate > /dev/null
db -C "$b" sync > /dev/null
db -C "$a" sync > /dev/null
expect_exit "changes after a sync" 0 db -C "$a" changes
expect_contains "the stage move in words" "moved Explore → Evaluate" "$OUT"
expect_contains "grouped under the deal's title and id" "Acme rollout ($id)" "$OUT"
expect_exit "changes --since HEAD~1" 0 db -C "$a" changes --since HEAD~1
expect_contains "--since compares with HEAD" "moved Explore → Evaluate" "$OUT"
expect_exit "changes --since a bad revision" 1 db -C "$a" changes --since nosuchrev
expect_exit "clone into a non-empty directory fails" 2 db clone "$url" "$a"

# -- "overdue" is news only when the teammate's change made it so (today is 2026-11-20)
od=$(db -C "$b" add "Quiet Co" --value 1000 --next "Call the CFO" --due 2026-11-01)
db -C "$b" sync > /dev/null
expect_exit "a new deal with a past-due step" 0 db -C "$a" sync
expect_contains "its overdue step is news" "next step overdue since 2026-11-01: Call the CFO" "$OUT"
db -C "$b" note "$od" "left a voicemail" > /dev/null
db -C "$b" sync > /dev/null
expect_exit "a note on a deal whose step was already overdue" 0 db -C "$a" sync
expect_contains "the note is reported" "1 note added" "$OUT"
expect_not_contains "the untouched overdue step is not repeated" "next step overdue" "$OUT"
db -C "$b" next "$od" "Send the contract" --due 2026-11-15 > /dev/null
db -C "$b" sync > /dev/null
expect_exit "the step changed to another past date" 0 db -C "$a" sync
expect_contains "the changed overdue step is news" \
    "next step overdue since 2026-11-15: Send the contract" "$OUT"

# -- sync's report names the first 15 deals; 'changes' lists every one
for i in $(seq 1 18); do db -C "$b" add "Bulk deal $i" --value 1000 > /dev/null; done
db -C "$b" sync > /dev/null
expect_exit "bringing in 18 new deals" 0 db -C "$a" sync
expect_eq "sync names 15 deals" 15 "$(printf '%s\n' "$OUT" | grep -c '^Bulk deal')"
expect_contains "and points at the rest" "… and 3 more deals: dealboard changes" "$OUT"
expect_exit "changes after the bulk sync" 0 db -C "$a" changes
expect_eq "changes names all 18" 18 "$(printf '%s\n' "$OUT" | grep -c '^Bulk deal')"
expect_not_contains "changes is not capped" "more deals" "$OUT"

# -- the push race: both sync in turn without a manual step
db -C "$a" note "$id" "race A" > /dev/null
db -C "$b" note "$id" "race B" > /dev/null
db -C "$a" sync > /dev/null
expect_exit "bob's sync merges and pushes after alice pushed first" 0 db -C "$b" sync
db -C "$a" sync > /dev/null
check "trees equal after the race" same_trees "$a" "$b"
expect_eq "bob is not ahead any more" "0" "$(git -C "$b" rev-list --count origin/main..main)"

# -- a real conflict in a non-JSON file stops with exit 3, nothing half-merged
printf 'Team notes\nline two\n' > "$a/NOTES.txt"
git -C "$a" add NOTES.txt && git -C "$a" commit -qm "Team notes"
db -C "$a" sync > /dev/null
db -C "$b" sync > /dev/null
printf 'Team notes\nline two by alice\n' > "$a/NOTES.txt"; git -C "$a" commit -qam "A notes"
printf 'Team notes\nline two by bob\n' > "$b/NOTES.txt"; git -C "$b" commit -qam "B notes"
db -C "$b" note "$id" "bob note before conflict" > /dev/null
db -C "$a" sync > /dev/null
before=$(git -C "$b" rev-parse HEAD)
expect_exit "non-JSON conflict: exit 3" 3 db -C "$b" sync
expect_contains "names the file" "NOTES.txt" "$ERR"
expect_contains "says what to do" "dealboard sync' again" "$ERR"
expect_eq "HEAD unchanged" "$before" "$(git -C "$b" rev-parse HEAD)"
check "work tree clean, not half-merged" is_clean "$b"
expect_eq "no merge state" "" "$(ls "$b/.git" | grep -E '^MERGE_' || true)"
# resolved by a person with git, then sync goes on
git -C "$b" pull -q --no-rebase --no-edit origin main > /dev/null 2>&1
printf 'Team notes\nline two by both\n' > "$b/NOTES.txt"; git -C "$b" commit -qam "Resolve notes"
expect_exit "after a person resolved it, sync works" 0 db -C "$b" sync

# -- a non-JSON file changed in different places merges by itself
db -C "$a" sync > /dev/null
printf 'Top by alice\nTeam notes\nline two by both\n' > "$a/NOTES.txt"; git -C "$a" commit -qam "A top"
printf 'Team notes\nline two by both\nBottom by bob\n' > "$b/NOTES.txt"; git -C "$b" commit -qam "B bottom"
db -C "$a" sync > /dev/null
expect_exit "non-overlapping text changes merge" 0 db -C "$b" sync
expect_eq "both lines present" "Top by alice|Team notes|line two by both|Bottom by bob|" \
    "$(tr '\n' '|' < "$b/NOTES.txt")"

# -- offline: exit 2, the remote named, commits kept
mv "$TMP/team.git" "$TMP/team-away.git"
db -C "$a" note "$id" "written on the train" > /dev/null
n=$(commit_count "$a")
expect_exit "unreachable remote: exit 2" 2 db -C "$a" sync
expect_contains "names the remote" "'origin'" "$ERR"
expect_contains "names the URL" "team.git" "$ERR"
expect_contains "says nothing is lost" "Nothing is lost" "$ERR"
expect_eq "local commit kept" "$n" "$(commit_count "$a")"
expect_exit "the board's commands still work offline" 0 db -C "$a" show "$id"
mv "$TMP/team-away.git" "$TMP/team.git"
expect_exit "back online, the commit goes out" 0 db -C "$a" sync
expect_contains "pushed" "Pushed" "$OUT"

# -- no remote at all
r=$(new_repo solo)
expect_exit "sync without a remote: exit 2" 2 db -C "$r" sync
expect_contains "says there is no remote" "no remote 'origin'" "$ERR"

# -- init --bare --shared: a group-shared team remote
expect_exit "init --bare --shared" 0 db init --bare --shared "$TMP/shared.git"
expect_eq "core.sharedRepository is group" 1 "$(git -C "$TMP/shared.git" config core.sharedRepository)"
expect_eq "history cannot be rewritten on it" true "$(git -C "$TMP/shared.git" config receive.denyNonFastForwards)"
expect_eq "every directory group-writable and setgid" "" \
    "$(find "$TMP/shared.git" -type d ! -perm -2070)"
expect_exit "--shared without --bare is a usage error" 1 db init --shared "$TMP/x"
expect_exit "a clone of the shared remote works" 0 db clone "$TMP/shared.git" "$TMP/s1"
