#!/bin/sh
# The server's hooks apply to dealboard's pushes over SSH as to git push: a throwaway
# sshd on 127.0.0.1 (high port, its own host key and authorized_keys) and a
# throwaway ssh-agent; a pre-receive and an update hook that refuse (exit 2, the
# hook's own words shown, nothing moved, our commits kept), and a post-receive hook
# that runs once per push.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"
. "$(dirname "$0")/sshd.inc"

# Under make check: full allocation stacks, for the libgit2 ssh leaks in lsan.supp.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
SSHD_PID='' AGENT_PID=''
cleanup() {
    [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null
    [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

inv() { assert_invariants "$1" "$2"; }    # tests/lib.sh
tip() { git -C "$1" rev-parse -q --verify "refs/heads/${2:-main}" 2>/dev/null || echo none; }
# wait_lines FILE N: bounded wait (10 s) until FILE has at least N lines; prints the count.
wait_lines() {
    _w=0
    while [ "$(wc -l 2>/dev/null < "$1" || echo 0)" -lt "$2" ] && [ $_w -lt 200 ]; do
        sleep 0.05; _w=$((_w + 1))
    done
    if [ -f "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi
}
skip() { ok "$1 (skipped)"; exit 0; }

for tool in ssh-agent ssh-add ssh-keygen ssh-keyscan; do
    command -v "$tool" > /dev/null || skip "$tool not installed"
done
s="$TMP/ssh"; mkdir -p "$s" "$HOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -f "$s/host_key" -C host || skip "cannot make an ssh host key"
ssh-keygen -q -t ed25519 -N '' -f "$s/user_key" -C seller || skip "cannot make an ssh user key"
cp "$s/user_key.pub" "$s/authorized_keys"
: > "$HOME/.ssh/known_hosts"

sshd_start "$s" || skip "$SSHD_WHY"
port=$SSHD_PORT
eval "$(ssh-agent -s)" > /dev/null || skip "ssh-agent did not start"
AGENT_PID=$SSH_AGENT_PID
ssh-add -q "$s/user_key" 2>/dev/null
cp "$s/host_keys" "$HOME/.ssh/known_hosts"

team_remote team > /dev/null || { fail "team remote"; exit 1; }
bare="$TMP/team.git"
ssh_url="ssh://$(id -un)@127.0.0.1:$port$bare"
mkdir -p "$bare/hooks"

expect_exit "clone over ssh" 0 db clone "$ssh_url" "$TMP/a"
a="$TMP/a"
git -C "$a" config user.name "Alice Ames"; git -C "$a" config user.email alice@example.com
inv "$a" "after the clone: invariants"

# ---- pre-receive refuses: its words shown, nothing moved, commits kept ------
cat > "$bare/hooks/pre-receive" <<HOOK
#!/bin/sh
cat > /dev/null
echo ran >> "$TMP/pre-receive.ran"
echo "policy: pushes are closed for the quarter" >&2
exit 1
HOOK
chmod +x "$bare/hooks/pre-receive"
id=$(db -C "$a" add "Closed quarter" --value 5000)
head=$(git -C "$a" rev-parse HEAD) remote=$(tip "$bare") n=$(commit_count "$a")
expect_exit "pre-receive refuses: sync exits 2" 2 db -C "$a" sync
expect_contains "pre-receive: the hook's message is in stderr" \
    "policy: pushes are closed for the quarter" "$ERR"
check "pre-receive: the server's hook did run" test -s "$TMP/pre-receive.ran"
expect_eq "pre-receive: the remote's branch is unchanged" "$remote" "$(tip "$bare")"
expect_eq "pre-receive: our commit is kept (HEAD unchanged)" "$head" "$(git -C "$a" rev-parse HEAD)"
expect_eq "pre-receive: git log still has it" "$n" "$(commit_count "$a")"
check "pre-receive: git status clean" is_clean "$a"
inv "$a" "after the refusal by pre-receive: invariants"
rm -f "$bare/hooks/pre-receive"

# ---- update refuses likewise -----------------------------------------------
cat > "$bare/hooks/update" <<'HOOK'
#!/bin/sh
echo "update: $1 is frozen until the audit" >&2
exit 1
HOOK
chmod +x "$bare/hooks/update"
db -C "$a" note "$id" "written while the branch is frozen" > /dev/null
head=$(git -C "$a" rev-parse HEAD) remote=$(tip "$bare") n=$(commit_count "$a")
expect_exit "update refuses: sync exits 2" 2 db -C "$a" sync
expect_contains "update: the hook's message is in stderr" \
    "update: refs/heads/main is frozen until the audit" "$ERR"
expect_eq "update: the remote's branch is unchanged" "$remote" "$(tip "$bare")"
expect_eq "update: our commits are kept (HEAD unchanged)" "$head" "$(git -C "$a" rev-parse HEAD)"
expect_eq "update: git log still has them" "$n" "$(commit_count "$a")"
check "update: git status clean" is_clean "$a"
inv "$a" "after the refusal by update: invariants"
rm -f "$bare/hooks/update"

# ---- post-receive runs once per push ---------------------------------------
log="$TMP/post-receive.log"
cat > "$bare/hooks/post-receive" <<HOOK
#!/bin/sh
cat >> "$log"
HOOK
chmod +x "$bare/hooks/post-receive"
expect_exit "the hooks gone, sync pushes the kept commits" 0 db -C "$a" sync
inv "$a" "after the first push with post-receive: invariants"
expect_eq "the remote has our HEAD" "$(git -C "$a" rev-parse HEAD)" "$(tip "$bare")"
expect_eq "post-receive ran once for the push" 1 "$(wait_lines "$log" 1)"
expect_contains "post-receive saw the branch and our commit" \
    "$(git -C "$a" rev-parse HEAD) refs/heads/main" "$(cat "$log" 2>/dev/null)"
db -C "$a" note "$id" "a second push" > /dev/null
expect_exit "another sync pushes again" 0 db -C "$a" sync
inv "$a" "after the second push with post-receive: invariants"
expect_eq "the remote has our HEAD again" "$(git -C "$a" rev-parse HEAD)" "$(tip "$bare")"
expect_eq "post-receive gained one line" 2 "$(wait_lines "$log" 2)"
expect_contains "its line names the new commit" "$(git -C "$a" rev-parse HEAD) refs/heads/main" \
    "$(tail -1 "$log" 2>/dev/null)"
expect_exit "a sync with nothing to push" 0 db -C "$a" sync
inv "$a" "after a sync with nothing to push: invariants"
expect_eq "post-receive did not run without a push" 2 "$(wc -l < "$log" | tr -d ' ')"

# ---- ~/.ssh/config: a Host alias with HostName, Port, User and IdentityFile -------
# libgit2 does not read ssh's config; dealboard applies it. The alias's key is
# not one of the default names and the agent is not used (IdentitiesOnly).
rm -f "$bare/hooks/post-receive"
ssh-keygen -q -t ed25519 -N '' -f "$s/alias_key" -C alias
cat "$s/alias_key.pub" >> "$s/authorized_keys"
cat > "$HOME/.ssh/config" <<CONF
Host teamsrv
    HostName 127.0.0.1
    Port $port
    User $(id -un)
    IdentityFile $s/alias_key
    IdentitiesOnly yes
CONF
expect_exit "clone through the alias teamsrv:$bare" 0 env -u SSH_AUTH_SOCK "$DEALBOARD" clone "teamsrv:$bare" "$TMP/via-alias"
inv "$TMP/via-alias" "the alias's clone: invariants"
db -C "$TMP/via-alias" note "$id" "through the alias" > /dev/null || fail "a note in the alias's clone"
expect_exit "sync through the alias" 0 env -u SSH_AUTH_SOCK "$DEALBOARD" -C "$TMP/via-alias" sync
expect_eq "the remote has the alias clone's HEAD" "$(git -C "$TMP/via-alias" rev-parse HEAD)" "$(tip "$bare")"
: > "$HOME/.ssh/known_hosts"
expect_exit "an unknown host key through the alias" 2 env -u SSH_AUTH_SOCK "$DEALBOARD" -C "$TMP/via-alias" sync
expect_contains "names the command that adds the real host's key" \
    "ssh-keyscan -p $port 127.0.0.1 >> ~/.ssh/known_hosts" "$ERR"
cp "$s/host_keys" "$HOME/.ssh/known_hosts"
rm -f "$HOME/.ssh/config"
