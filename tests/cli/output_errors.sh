# Output errors (issue 15): every command that prints exits 2 with
# "dealboard: writing the output: <why>" when standard output cannot be
# written (/dev/full, a closed descriptor), instead of reporting success.
. "$(dirname "$0")/../lib.sh"

if ! [ -w /dev/full ]; then
    echo "# skipped: no /dev/full"
    exit 0
fi
FULL_MSG="dealboard: writing the output: No space left on device"

# to_full DESC CMD…: CMD with stdout on /dev/full exits 2 and its last line
# on stderr is the output error, said once.
to_full() {
    _desc=$1; shift
    "$@" > /dev/full 2> "$TMP/.err"
    _rc=$?
    ERR=$(cat "$TMP/.err")
    expect_eq "$_desc > /dev/full: exit 2" 2 "$_rc"
    expect_eq "$_desc > /dev/full: says it could not write" "$FULL_MSG" \
        "$(printf '%s\n' "$ERR" | tail -n 1)"
    expect_eq "$_desc > /dev/full: said once" 1 "$(printf '%s\n' "$ERR" | grep -c 'writing the output')"
}
# prints DESC CMD…: CMD, with a writable stdout, exits 0 and prints something
# (so that the /dev/full case above is about a command that really prints).
prints() {
    _desc=$1; shift
    expect_exit "$_desc to a file: exit 0" 0 "$@"
    if [ -n "$OUT" ]; then ok "$_desc to a file: prints"; else fail "$_desc to a file: prints" "no output"; fi
}
# both DESC CMD…: a read-only command, both ways.
both() { prints "$@"; to_full "$@"; }

R=$(new_repo)
A=$(db -C "$R" add "Acme rollout" --account Acme --value 48000 --next "Call" --due 2026-11-01)
B=$(db -C "$R" add "Beta pilot" --value 12000)
db -C "$R" set "$B" currency CHF > /dev/null
db -C "$R" note "$A" "first call" > /dev/null

# ---- commands that read ----
both "list" db -C "$R" list
both "list --all" db -C "$R" list --all
both "list --json" db -C "$R" list --json
both "show" db -C "$R" show "$A"
both "show --json" db -C "$R" show "$A" --json
both "flags" db -C "$R" flags
both "flags --json" db -C "$R" flags --json
both "report" db -C "$R" report
both "report --json" db -C "$R" report --json
both "stats" db -C "$R" stats
both "stats --json" db -C "$R" stats --json
both "changes --since" db -C "$R" changes --since HEAD~2
both "log" db -C "$R" log "$A"
both "plan (an empty plan)" db -C "$R" plan "$A"
both "export" db -C "$R" export
both "export --json" db -C "$R" export --json
both "doctor" db -C "$R" doctor
both "import --dry-run" db -C "$R" import --dry-run "$TOP/tests/cli/data/crm.csv"
both "--help" db --help
both "--version" db --version
both "list --help" db list --help
both "sync --help" db sync --help
both "__complete commands" db __complete commands
both "__complete ids" db -C "$R" __complete ids

# ---- commands that change something, then print what they did ----
# Each edit is made (its commit is there) and still exits 2: what it printed was lost.
new_deal() { db -C "$R" add "$1" --value 1000; }
for cmd in "move define" "set title Renamed" "touch" "note hello" "next Demo --due 2026-12-01" \
    "snooze --until 2026-12-24" "won" "lost" "moveon --reason later"; do
    verb=${cmd%% *} rest=${cmd#"$verb"}
    id=$(new_deal "Deal for $verb")
    # shellcheck disable=SC2086  # rest is split into the command's arguments on purpose
    prints "$verb" db -C "$R" $verb "$(new_deal "Printed $verb")" $rest
    before=$(commit_count "$R")
    # shellcheck disable=SC2086
    to_full "$verb" db -C "$R" $verb "$id" $rest
    expect_eq "$verb > /dev/full: the edit was still made" $((before + 1)) "$(commit_count "$R")"
done
C=$(new_deal "Closed")
db -C "$R" won "$C" > /dev/null
to_full "reopen" db -C "$R" reopen "$C"
expect_eq "reopen > /dev/full: reopened all the same" open "$(field "$R" "$C" 'd["status"]')"
P=$(new_deal "Planned")
to_full "plan add" db -C "$R" plan "$P" add "Security review"
expect_eq "plan add > /dev/full: the step was added all the same" "Security review" \
    "$(field "$R" "$P" 'd["plan"][0]["text"]')"
both "plan (a listed plan)" db -C "$R" plan "$P"
to_full "plan done" db -C "$R" plan "$P" done 1
to_full "plan rm" db -C "$R" plan "$P" rm 1
expect_eq "plan rm > /dev/full: removed all the same" "False" "$(field "$R" "$P" 'str("plan" in d)')"
F=$(new_deal "Reference")
db -C "$R" won "$F" > /dev/null
db -C "$R" set "$F" cluster spreadsheets > /dev/null
to_full "ref ready" db -C "$R" ref "$F" ready
expect_eq "ref ready > /dev/full: ready all the same" true "$(field "$R" "$F" 'str(d["reference"]["ready"]).lower()')"
before=$(commit_count "$R")
to_full "ref asked" db -C "$R" ref "$F" asked "$A"
expect_eq "ref asked > /dev/full: both changes made all the same" $((before + 2)) "$(commit_count "$R")"
both "refs" db -C "$R" refs
both "refs ID --json" db -C "$R" refs "$A" --json
both "clusters" db -C "$R" clusters
both "clusters --json" db -C "$R" clusters --json
H=$(new_deal "Committee")
both "person (no people)" db -C "$R" person "$H"
to_full "person add" db -C "$R" person "$H" add "Ana Ruiz" --role decision-maker
to_full "person contact" db -C "$R" person "$H" contact 1
both "person (a listed committee)" db -C "$R" person "$H"
expect_eq "person add and contact > /dev/full: recorded all the same" "Ana Ruiz 2026-11-20" \
    "$(field "$R" "$H" 'd["people"][0]["name"] + " " + d["people"][0]["last_contact"]')"
to_full "person rm" db -C "$R" person "$H" rm 1
expect_eq "person rm > /dev/full: removed all the same" "False" "$(field "$R" "$H" 'str("people" in d)')"
S=$(db -C "$R" add "Seen" --stage define)
to_full "move --seen" db -C "$R" move "$S" explore --seen 1
to_full "seen" db -C "$R" seen "$S" recognize "the CFO said so"
expect_eq "move --seen and seen > /dev/full: both recorded all the same" "define recognize" \
    "$(field "$R" "$S" '" ".join(sorted(e["stage"] for e in d["evidence"]))')"
to_full "add" db -C "$R" add "Added to a full disk"
expect_contains "add > /dev/full: the deal is there" "Added to a full disk" "$(db -C "$R" list)"
to_full "undo" db -C "$R" undo
expect_not_contains "undo > /dev/full: undone all the same" "Added to a full disk" "$(db -C "$R" list)"
to_full "import" db -C "$R" import "$TOP/tests/cli/data/crm.csv"
to_full "init" db init "$TMP/fresh"
check "init > /dev/full: the pipeline is there" test -f "$TMP/fresh/pipeline.json"
mkdir -p "$TMP/demo-tmp"
to_full "demo (no terminal: a list)" env TMPDIR="$TMP/demo-tmp" \
    DEALBOARD_EXAMPLES="$TOP/examples/pipeline" "$DEALBOARD" demo

# ---- sync and clone, with a team remote ----
db init --bare "$TMP/team.git" > /dev/null
to_full "clone" db clone "$TMP/team.git" "$TMP/mine"
check "clone > /dev/full: the clone is there" test -f "$TMP/mine/pipeline.json"
db -C "$TMP/mine" add "To publish" > /dev/null
to_full "sync" db -C "$TMP/mine" sync
expect_eq "sync > /dev/full: pushed all the same" "$(git -C "$TMP/mine" rev-parse HEAD)" \
    "$(git -C "$TMP/team.git" rev-parse HEAD)"

# ---- a long listing: the JSON writer's own writes, past its first flush ----
{
    echo "title,account,value"
    i=0
    while [ $i -lt 1500 ]; do
        echo "Deal number $i with a long enough title to fill the buffers,Account $i,$i"
        i=$((i + 1))
    done
} > "$TMP/many.csv"
db -C "$R" import "$TMP/many.csv" > /dev/null 2>&1
both "list --json (1500 deals)" db -C "$R" list --json
both "list (1500 deals)" db -C "$R" list
both "export (1500 deals)" db -C "$R" export

# ---- a closed standard output ----
db -C "$R" list >&- 2> "$TMP/.err"
expect_eq "list with stdout closed: exit 2" 2 $?
expect_contains "list with stdout closed: says why" "writing the output: Bad file descriptor" \
    "$(cat "$TMP/.err")"

# ---- nothing printed, nothing to report ----
"$DEALBOARD" -C "$R" __complete ids no-such-prefix > /dev/full 2> "$TMP/.err"
expect_eq "a command that prints nothing is fine on /dev/full" "0:" "$?:$(cat "$TMP/.err")"

# ---- every command in --help is covered above (board and review need a terminal) ----
covered=" init clone demo add list show move seen set touch note next plan person won lost moveon reopen snooze \
flags log undo sync changes report stats import export doctor board review ref refs clusters "
missing=
for cmd in $(db --help | sed -n '/^Commands:/,/^$/p' | awk 'NF && !/^Commands:/ {print $1}'); do
    case "$covered" in *" $cmd "*) ;; *) missing="$missing $cmd" ;; esac
done
expect_eq "every command is tested against /dev/full" "" "$missing"
# The board and the review refuse without a terminal, before printing anything.
for tui in board review; do
    expect_exit "$tui with stdout on /dev/full: not a terminal" 1 \
        sh -c "'$DEALBOARD' -C '$R' $tui > /dev/full"
done
