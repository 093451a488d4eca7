# Messages that say what to do (issue 15): changes --since DATE, demo without
# its examples, sync without a remote, and usage lines for bad options.
. "$(dirname "$0")/../lib.sh"

# ---- changes --since DATE: commits whose committer date is on or after that day ----
# dealboard takes git's GIT_COMMITTER_DATE, so the history has known days.
at() { # DATE CMD…: runs CMD as committed at DATE (UTC)
    _when=$1; shift
    GIT_COMMITTER_DATE="$_when" GIT_AUTHOR_DATE="$_when" "$@" > /dev/null
}
export TZ=UTC
R=$TMP/since
at 2026-11-01T10:00:00Z db init "$R"
A=$(GIT_COMMITTER_DATE=2026-11-05T10:00:00Z db -C "$R" add "Acme rollout")
B=$(GIT_COMMITTER_DATE=2026-11-10T22:30:00Z db -C "$R" add "Beta pilot")
at 2026-11-12T09:00:00Z db -C "$R" won "$A"

expect_exit "changes --since DATE exits 0" 0 db -C "$R" changes --since 2026-11-11
expect_contains "--since 2026-11-11: the win on the 12th" "won" "$OUT"
expect_contains "--since 2026-11-11: names the deal won" "Acme rollout ($A)" "$OUT"
expect_not_contains "--since 2026-11-11: not the deal added on the 10th" "$B" "$OUT"
expect_eq "--since DATE: nothing on stderr" "" "$ERR"

# The day starts at midnight local time: 22:30 UTC on the 10th is the 11th at UTC+3.
expect_exit "--since DATE in UTC+3 exits 0" 0 env TZ=XXX-3 "$DEALBOARD" -C "$R" changes --since 2026-11-11
expect_contains "--since DATE is a local day: 01:30 on the 11th counts" "Beta pilot ($B)" "$OUT"
expect_contains "--since DATE is a local day: the win too" "won" "$OUT"

expect_exit "--since the day of the first deal" 0 db -C "$R" changes --since 2026-11-05
expect_contains "--since 2026-11-05: Acme is a new deal" "new deal" "$(printf '%s\n' "$OUT" | grep -A1 "($A)")"
expect_contains "--since 2026-11-05: Beta too" "($B)" "$OUT"
expect_exit "--since a day before every commit" 0 db -C "$R" changes --since 2026-01-01
expect_eq "--since before the first commit: both deals are new" 2 "$(printf '%s\n' "$OUT" | grep -c 'new deal')"
expect_exit "--since a day after every commit" 0 db -C "$R" changes --since 2026-12-01
expect_eq "--since after the last commit: nothing" "No changes to deals." "$OUT"

expect_exit "--since a revision still works" 0 db -C "$R" changes --since HEAD~1
expect_contains "--since HEAD~1: the last commit's win" "won" "$OUT"
expect_not_contains "--since HEAD~1: not the earlier deal" "$B" "$OUT"

for bad in yesterday 2026-02-30 11/12/2026 no-such-branch; do
    rejects "--since $bad" "$R" 1 "is neither a date YYYY-MM-DD nor a commit" \
        db -C "$R" changes --since "$bad"
    expect_not_contains "--since $bad: no raw libgit2 words" "revspec" "$ERR"
done
expect_exit "changes --help names DATE" 0 db changes --help
expect_contains "changes --help: --since DATE|REV" "--since DATE|REV" "$OUT"

# ---- demo without its examples ----
mkdir -p "$TMP/bin" "$TMP/demo-tmp"
cp "$DEALBOARD" "$TMP/bin/dealboard"
(unset DEALBOARD_EXAMPLES; TMPDIR="$TMP/demo-tmp" "$TMP/bin/dealboard" demo) \
    > "$TMP/.out" 2> "$TMP/.err"
rc=$? ERR=$(cat "$TMP/.err")
if [ $rc -eq 0 ]; then
    echo "# skipped: demo from a copied binary found installed examples"
else
    expect_eq "demo from a copied binary: exit 2" 2 "$rc"
    expect_error "demo from a copied binary: error format"
    expect_contains "demo: names where it looked (next to the binary)" "$TMP/bin/examples/pipeline" "$ERR"
    expect_contains "demo: names where it looked (the installed copy)" "/share/dealboard/examples/pipeline" "$ERR"
    expect_contains "demo: says what to do" "set DEALBOARD_EXAMPLES" "$ERR"
fi
expect_eq "demo from a copied binary: no temporary folder left" "" "$(ls -A "$TMP/demo-tmp")"

expect_exit "demo with DEALBOARD_EXAMPLES elsewhere: exit 2" 2 \
    env TMPDIR="$TMP/demo-tmp" DEALBOARD_EXAMPLES="$TMP/nowhere" "$DEALBOARD" demo
expect_error "demo with a wrong DEALBOARD_EXAMPLES: error format"
expect_contains "demo: names DEALBOARD_EXAMPLES's directory" "DEALBOARD_EXAMPLES: $TMP/nowhere has no pipeline.json" "$ERR"
expect_eq "demo with a wrong DEALBOARD_EXAMPLES: no temporary folder left" "" "$(ls -A "$TMP/demo-tmp")"

mkdir -p "$TMP/broken-examples"
echo '{"stages": []}' > "$TMP/broken-examples/pipeline.json"
expect_exit "demo with broken examples fails" 1 \
    env TMPDIR="$TMP/demo-tmp" DEALBOARD_EXAMPLES="$TMP/broken-examples" "$DEALBOARD" demo
expect_eq "demo with broken examples: no temporary folder left" "" "$(ls -A "$TMP/demo-tmp")"

expect_exit "demo with its examples still works" 0 \
    env TMPDIR="$TMP/demo-tmp" DEALBOARD_EXAMPLES="$TOP/examples/pipeline" "$DEALBOARD" demo
expect_eq "demo: one pipeline made" 1 "$(ls -A "$TMP/demo-tmp" | wc -l)"

# ---- sync with no remote: what to do, in dealboard's words ----
L=$(new_repo lonely)
rejects "sync without a remote" "$L" 2 "no remote 'origin'" db -C "$L" sync
expect_contains "sync without a remote: offers clone" "dealboard clone URL" "$ERR"
expect_contains "sync without a remote: offers init --remote" "dealboard init DIR --remote URL" "$ERR"
expect_not_contains "sync without a remote: no git command" "git remote" "$ERR"

# ---- usage lines ----
rejects "sync -C DIR (after the command)" "$L" 1 "sync: -C DIR goes before the command" \
    db sync -C "$L"
expect_contains "sync -C DIR: a real usage line" "(usage: dealboard [-C DIR] sync)" "$ERR"
rejects "sync --bogus" "$L" 1 "sync: unknown option --bogus (usage: dealboard [-C DIR] sync)" \
    db -C "$L" sync --bogus
rejects "list --keys (after the command)" "$L" 1 "list: --keys NAME goes before the command" \
    db -C "$L" list --keys emacs
rejects "init --bogus" "$L" 1 "(usage: dealboard init [DIR] [--name NAME] [--remote URL] [--bare --shared])" \
    db init --bogus "$TMP/x"
rejects "show with no ID" "$L" 1 "show: missing argument (usage: dealboard [-C DIR] show ID [--json])" \
    db -C "$L" show
rejects "a global option unknown" "$L" 1 "--bogus: unknown option (usage: dealboard [-C DIR] [--keys NAME] [COMMAND] [ARGS]" \
    db --bogus
rejects "-C with no DIR" "$L" 1 "-C: missing value (usage: dealboard [-C DIR]" db -C
expect_exit "'-C' after -- is an argument, not an option" 0 db -C "$L" add -- -C
# Every command: a bad option prints its usage line, as --help does, and no empty one.
for cmd in $(db --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/^Commands:/ {print $1}'); do
    usage=$(db "$cmd" --help | sed -n 's/^usage: dealboard //p')
    expect_exit "$cmd --bogus: exit 1" 1 db -C "$L" "$cmd" --bogus
    expect_error "$cmd --bogus: error format"
    case "$cmd" in init | clone | demo) want="dealboard $usage" ;; *) want="dealboard [-C DIR] $usage" ;; esac
    expect_contains "$cmd --bogus: its usage line" "(usage: $want)" "$ERR"
    expect_not_contains "$cmd --bogus: no empty arguments" " )" "$ERR"
done
