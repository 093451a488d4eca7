# The repository: init, finding it (-C, $DEALBOARD_REPO, discovery), missing
# repositories, --help and --version everywhere, exit codes.
. "$(dirname "$0")/../lib.sh"

# ---- init ----
cd "$TMP" || exit 1
expect_exit "init DIR exits 0" 0 db init pipe
expect_contains "init says where" "pipe" "$OUT"
R=$TMP/pipe
check "init makes a git repository" test -d "$R/.git"
check "init writes pipeline.json" test -f "$R/pipeline.json"
expect_eq "init makes exactly one commit" 1 "$(commit_count "$R")"
expect_eq "init commit message" "Create pipeline pipe" "$(last_message "$R")"
expect_eq "init commit author is the git identity" "Test Seller <seller@example.com>" "$(author "$R")"
check "work tree clean after init" is_clean "$R"
expect_eq "pipeline.json is committed" "pipeline.json" "$(git -C "$R" ls-files)"
expect_eq "pipeline.json has the six default stages" \
    '["status-quo", "recognize", "define", "explore", "evaluate", "decide"]' \
    "$(pyjson '[s["id"] for s in d["stages"]]' < "$R/pipeline.json")"
expect_eq "pipeline.json default levels" '{"watch": 2, "move-on": 4}' \
    "$(pyjson 'd["levels"]' < "$R/pipeline.json")"
expect_eq "pipeline.json ends with a newline" "" "$(tail -c 1 "$R/pipeline.json")"
expect_exit "a new pipeline lists fine" 0 db -C "$R" list
expect_exit "a new pipeline passes doctor" 0 db -C "$R" doctor
expect_contains "doctor counts zero deals" "0 deals ok, 0 broken" "$OUT"

rejects "init on an existing pipeline" "$R" 1 "already a pipeline" db init "$R"

mkdir -p "$TMP/here"
(cd "$TMP/here" && db init > /dev/null)
check "init without DIR uses the current directory" test -f "$TMP/here/pipeline.json"
expect_eq "init names the pipeline after the directory" "here" \
    "$(pyjson 'd["name"]' < "$TMP/here/pipeline.json")"

# init --name names the pipeline; on a terminal without --name it asks.
expect_exit "init --name" 0 db init "$TMP/named" --name "Sales EMEA"
expect_eq "…pipeline.json has the name" "Sales EMEA" "$(pyjson 'd["name"]' < "$TMP/named/pipeline.json")"
expect_eq "…and the first commit" "Create pipeline Sales EMEA" "$(last_message "$TMP/named")"
expect_exit "init --name '': usage error" 1 db init "$TMP/blank" --name "  "
expect_contains "…says to give a name" "give the pipeline a name" "$ERR"
check "…and makes nothing" test ! -e "$TMP/blank"
expect_exit "init --bare --name: usage error" 1 db init --bare "$TMP/bare-named.git" --name X
# on_tty ANSWER CMD…: runs CMD on a pseudo-terminal, typing ANSWER; prints what it showed.
on_tty() {
    python3 - "$@" <<'PY'
import os, pty, sys
answer = sys.argv[1].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
out, sent = b"", False
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if not sent and b"]: " in out:
        os.write(fd, answer + b"\n")
        sent = True
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
PY
}
shown=$(on_tty "Nordics Team" "$DEALBOARD" init "$TMP/asked")
expect_contains "init on a terminal asks, offering the directory's name" "Name of the pipeline [asked]: " "$shown"
expect_eq "…and takes the answer" "Nordics Team" "$(pyjson 'd["name"]' < "$TMP/asked/pipeline.json")"
on_tty "" "$DEALBOARD" init "$TMP/defaulted" > /dev/null
expect_eq "…Enter takes the directory's name" "defaulted" "$(pyjson 'd["name"]' < "$TMP/defaulted/pipeline.json")"
expect_exit "not a terminal, no --name: no question" 0 db init "$TMP/quiet" < /dev/null
expect_not_contains "…asks nothing" "Name of the pipeline" "$OUT"
expect_eq "…named after the directory" "quiet" "$(pyjson 'd["name"]' < "$TMP/quiet/pipeline.json")"

# clone keeps the team's pipeline name; --name names the first pipeline of an empty remote.
db init --bare "$TMP/sales.git" > /dev/null
expect_exit "clone --name of an empty remote" 0 db clone "$TMP/sales.git" "$TMP/first" --name "Sales EMEA"
expect_eq "…the new pipeline has the name" "Sales EMEA" "$(pyjson 'd["name"]' < "$TMP/first/pipeline.json")"
db -C "$TMP/first" sync > /dev/null
expect_exit "clone of the team's pipeline into another directory" 0 db clone "$TMP/sales.git" "$TMP/second"
expect_eq "…keeps the team's name" "Sales EMEA" "$(pyjson 'd["name"]' < "$TMP/second/pipeline.json")"
(cd "$TMP" && db clone "$TMP/sales.git" > /dev/null)
expect_eq "…also into the directory named after the URL" "Sales EMEA" \
    "$(pyjson 'd["name"]' < "$TMP/sales/pipeline.json")"
expect_exit "clone --name of a remote that has a pipeline" 0 db clone "$TMP/sales.git" "$TMP/third" --name Other
expect_contains "…says --name is not used" "--name not used" "$ERR"
expect_eq "…the team's name stays" "Sales EMEA" "$(pyjson 'd["name"]' < "$TMP/third/pipeline.json")"
check "…and the clone is clean" is_clean "$TMP/third"

expect_exit "init --remote" 0 db init "$TMP/withremote" --remote "$TMP/team.git"
expect_eq "init --remote adds origin" "$TMP/team.git" "$(git -C "$TMP/withremote" remote get-url origin)"

# init inside an existing git repository keeps its history.
git init -q "$TMP/existing"
echo notes > "$TMP/existing/notes.txt"
git -C "$TMP/existing" add notes.txt
git -C "$TMP/existing" commit -qm "Existing work"
expect_exit "init in an existing git repository" 0 db init "$TMP/existing"
expect_eq "existing history is kept" 2 "$(commit_count "$TMP/existing")"
check "existing repository clean after init" is_clean "$TMP/existing"

# Without user.name/user.email the author is $USER@hostname.
(
    # libgit2 reads $HOME/.gitconfig, the git CLI $GIT_CONFIG_GLOBAL.
    export HOME="$TMP/anon-home" GIT_CONFIG_GLOBAL="$TMP/anon-home/.gitconfig" USER=alice
    mkdir -p "$HOME"
    : > "$GIT_CONFIG_GLOBAL"
    db init "$TMP/anon" > /dev/null
    id=$(db -C "$TMP/anon" add "Anon deal")
    expect_eq "without a git identity the author is \$USER" "alice" \
        "$(git -C "$TMP/anon" log -1 --format=%an)"
    expect_contains "without a git identity the e-mail is \$USER@host" "alice@" \
        "$(git -C "$TMP/anon" log -1 --format=%ae)"
    expect_eq "without a git identity the log entry is by \$USER" "alice" \
        "$(field "$TMP/anon" "$id" 'd["log"][0]["by"]')"
)

# With only user.name set, the name is kept and the e-mail is $USER@hostname.
(
    export HOME="$TMP/half-home" GIT_CONFIG_GLOBAL="$TMP/half-home/.gitconfig" USER=bob
    mkdir -p "$HOME"
    git config --global user.name "Solo Seller"
    db init "$TMP/half" > /dev/null
    db -C "$TMP/half" add "Half deal" > /dev/null
    expect_eq "with only user.name the author keeps that name" "Solo Seller" \
        "$(git -C "$TMP/half" log -1 --format=%an)"
    expect_contains "with only user.name the e-mail is \$USER@host" "bob@" \
        "$(git -C "$TMP/half" log -1 --format=%ae)"
)

# ---- finding the repository ----
id=$(db -C "$R" add "Acme rollout")
expect_contains "add prints the new id" "acme-rollout-" "$id"
expect_exit "-C DIR" 0 db -C "$R" show "$id"
expect_contains "-C DIR finds the deal" "Acme rollout" "$OUT"
expect_exit "-CDIR" 0 db -C"$R" show "$id"
expect_exit "-C a subdirectory finds the repository above" 0 db -C "$R/deals" show "$id"
expect_exit "\$DEALBOARD_REPO" 0 env DEALBOARD_REPO="$R" "$DEALBOARD" show "$id"
mkdir -p "$TMP/other"
db init "$TMP/other/p" > /dev/null
expect_exit "-C wins over \$DEALBOARD_REPO" 0 env DEALBOARD_REPO="$TMP/other/p" "$DEALBOARD" -C "$R" show "$id"
expect_exit "\$DEALBOARD_REPO wins over the current directory" 1 \
    sh -c 'cd "$1" && DEALBOARD_REPO="$2" "$DEALBOARD" show "$3"' - "$R" "$TMP/other/p" "$id"
expect_contains "… so the deal is not found there" "no deal has this id" "$ERR"
shard=$(printf '%s' "$id" | tail -c 2)
expect_exit "discovery from a subdirectory" 0 sh -c 'cd "$1/deals/$2" && "$DEALBOARD" show "$3"' - "$R" "$shard" "$id"
expect_exit "discovery from the top" 0 sh -c 'cd "$1" && "$DEALBOARD" list' - "$R"
expect_contains "discovery lists the deal" "$id" "$OUT"
expect_exit "an edit from a subdirectory" 0 sh -c 'cd "$1/deals" && "$DEALBOARD" touch "$2"' - "$R" "$id"
check "clean after an edit from a subdirectory" is_clean "$R"

# ---- missing repository: exit 2, says so ----
mkdir -p "$TMP/nowhere"
for cmd in list "show $id" "touch $id" "add Deal" flags doctor undo "log $id"; do
    # shellcheck disable=SC2086
    expect_exit "no repository: $cmd exits 2" 2 sh -c 'cd "$1" && shift && "$DEALBOARD" "$@"' - "$TMP/nowhere" $cmd
    expect_error "no repository: $cmd error format"
    expect_contains "no repository: $cmd says so" "no pipeline repository" "$ERR"
done
expect_exit "-C a missing directory exits 2" 2 db -C "$TMP/does-not-exist" list
expect_error "-C a missing directory: error format"
expect_contains "-C a missing directory names it" "does-not-exist" "$ERR"
expect_exit "\$DEALBOARD_REPO a missing directory exits 2" 2 env DEALBOARD_REPO="$TMP/does-not-exist" "$DEALBOARD" list
git init -q "$TMP/plain-git"
expect_exit "a git repository without pipeline.json exits 2" 2 db -C "$TMP/plain-git" list
expect_contains "… and says it is not a pipeline" "no pipeline repository" "$ERR"
mkdir -p "$TMP/no-git"
cp "$R/pipeline.json" "$TMP/no-git/"
expect_exit "a pipeline.json without git exits 2" 2 db -C "$TMP/no-git" list

# A broken pipeline.json is named.
db init "$TMP/badcfg" > /dev/null
printf '{"stages": []}\n' > "$TMP/badcfg/pipeline.json"
expect_exit "a broken pipeline.json fails" 1 db -C "$TMP/badcfg" list
expect_error "broken pipeline.json: error format"
expect_contains "broken pipeline.json is named with the reason" "pipeline.json: stages: there must be at least one stage" "$ERR"

# ---- usage errors: exit 1 ----
expect_exit "unknown command exits 1" 1 db -C "$R" frobnicate
expect_error "unknown command: error format"
expect_contains "unknown command is named" "frobnicate" "$ERR"
expect_exit "unknown global option exits 1" 1 db --frobnicate list
expect_error "unknown global option: error format"
expect_exit "unknown command option exits 1" 1 db -C "$R" list --frobnicate
expect_error "unknown command option: error format"
expect_exit "-C without a value exits 1" 1 db -C
expect_exit "missing argument exits 1" 1 db -C "$R" show
expect_error "missing argument: error format"
expect_exit "extra argument exits 1" 1 db -C "$R" show "$id" extra
expect_exit "bad DEALBOARD_TODAY exits 1" 1 env DEALBOARD_TODAY=2026-13-45 "$DEALBOARD" -C "$R" list
expect_error "bad DEALBOARD_TODAY: error format"
expect_contains "bad DEALBOARD_TODAY is named" "DEALBOARD_TODAY" "$ERR"

# ---- --help and --version everywhere (even outside a repository) ----
cd "$TMP/nowhere" || exit 1
expect_exit "--help exits 0" 0 db --help
expect_contains "--help shows usage" "usage: dealboard" "$OUT"
expect_exit "-h exits 0" 0 db -h
expect_exit "--version exits 0" 0 db --version
expect_eq "--version prints the version" "dealboard 0.1.0" "$OUT"
expect_exit "-C DIR --version exits 0" 0 db -C "$R" --version
commands="board init clone demo add list show move set touch note next won lost moveon reopen snooze flags review log undo sync changes report import export doctor"
for cmd in $commands; do
    expect_contains "--help lists $cmd" "  $cmd " "$(db --help)"
    expect_exit "$cmd --help exits 0" 0 db "$cmd" --help
    expect_contains "$cmd --help shows its usage" "usage: dealboard $cmd" "$OUT"
    expect_eq "$cmd --help writes nothing to stderr" "" "$ERR"
    expect_exit "$cmd --version exits 0" 0 db "$cmd" --version
    expect_eq "$cmd --version prints the version" "dealboard 0.1.0" "$OUT"
done
before=$(state "$R")
expect_exit "add --help with arguments exits 0" 0 db -C "$R" add "Not added" --help
expect_exit "set ID --help exits 0" 0 db -C "$R" set "$id" title --help
expect_unchanged "--help changes nothing" "$R" "$before"
expect_exit "-- makes --help an argument" 0 db -C "$R" note "$id" -- --help
expect_contains "… which is then the note" "--help" "$(field "$R" "$id" 'd["log"][-1]["text"]')"
