#!/bin/sh
# End to end over real SSH: a throwaway sshd on 127.0.0.1 (high port, its own host
# key, an authorized_keys of our own), a throwaway ssh-agent; clone and sync through
# ssh://127.0.0.1:PORT/path; the unknown-host and the wrong-key errors.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"
. "$(dirname "$0")/sshd.inc"

# Under make check: full allocation stacks, for the libgit2 ssh leaks in lsan.supp.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
SSHD_PID= AGENT_PID=
cleanup() {
    [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null
    [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

if [ ! -x /usr/sbin/sshd ] || ! command -v ssh-agent > /dev/null; then
    ok "sshd or ssh-agent not installed (skipped)"; exit 0
fi
s="$TMP/ssh"; mkdir -p "$s" "$HOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -f "$s/host_key" -C host
ssh-keygen -q -t ed25519 -N '' -f "$s/user_key" -C seller
ssh-keygen -q -t ed25519 -N '' -f "$s/wrong_key" -C stranger
cp "$s/user_key.pub" "$s/authorized_keys"
: > "$HOME/.ssh/known_hosts"

sshd_start "$s" || { fail "sshd started" "$SSHD_WHY"; exit 1; }
port=$SSHD_PORT
eval "$(ssh-agent -s)" > /dev/null
AGENT_PID=$SSH_AGENT_PID
ssh-add -q "$s/user_key" 2>/dev/null

url=$(team_remote team) || { fail "team remote"; exit 1; }
ssh_url="ssh://$(id -un)@127.0.0.1:$port$TMP/team.git"

# -- unknown host: refused, with the command that adds it
expect_exit "unknown host key: exit 2" 2 db clone "$ssh_url" "$TMP/x"
expect_contains "says the host key is unknown" "not in ~/.ssh/known_hosts" "$ERR"
expect_contains "says how to add it" "ssh-keyscan -p $port 127.0.0.1 >> ~/.ssh/known_hosts" "$ERR"
check "no clone left behind" test ! -e "$TMP/x/pipeline.json"

# -- a known host whose key changed: refused, and said so
echo "[127.0.0.1]:$port $(cut -d' ' -f1-2 "$s/wrong_key.pub")" > "$HOME/.ssh/known_hosts"
expect_exit "changed host key: exit 2" 2 db clone "$ssh_url" "$TMP/x"
expect_contains "says the key does not match" "does not match the one in ~/.ssh/known_hosts" "$ERR"
expect_contains "says how to remove the old key" "ssh-keygen -R '[127.0.0.1]:$port'" "$ERR"

# -- known host, key in the agent: clone and sync
cp "$s/host_keys" "$HOME/.ssh/known_hosts"
expect_exit "clone over ssh with the agent's key" 0 db clone "$ssh_url" "$TMP/a"
a="$TMP/a"
id=$(db -C "$a" add "Over SSH" --value 7000)
expect_exit "sync pushes over ssh" 0 db -C "$a" sync
expect_contains "pushed" "Pushed 1 commit" "$OUT"
expect_eq "the team remote has it" "$(git -C "$a" rev-parse HEAD)" \
    "$(git -C "$TMP/team.git" rev-parse main)"
db -C "$TMP/.seed-team" sync > /dev/null
db -C "$TMP/.seed-team" note "$id" "from the file:// clone" > /dev/null
db -C "$TMP/.seed-team" sync > /dev/null
expect_exit "sync fetches over ssh" 0 db -C "$a" sync
expect_contains "brought in" "Brought in 1 commit" "$OUT"

# -- a default key in ~/.ssh, no agent
cp "$s/user_key" "$HOME/.ssh/id_ed25519"
db -C "$a" note "$id" "key file" > /dev/null
expect_exit "sync with ~/.ssh/id_ed25519 and no agent" 0 env -u SSH_AUTH_SOCK "$DEALBOARD" -C "$a" sync
rm -f "$HOME/.ssh/id_ed25519"

# -- the wrong key: a bounded number of tries, a clear message
ssh-add -q -D 2>/dev/null
ssh-add -q "$s/wrong_key" 2>/dev/null
cp "$s/wrong_key" "$HOME/.ssh/id_ecdsa"      # not even the right type name: still tried
cp "$s/wrong_key" "$HOME/.ssh/id_rsa"
db -C "$a" note "$id" "waits for the right key" > /dev/null
expect_exit "wrong key: exit 2" 2 db -C "$a" sync
expect_contains "says authentication failed" "ssh authentication failed" "$ERR"
expect_contains "lists what was tried" "tried ssh-agent, ~/.ssh/id_ecdsa, ~/.ssh/id_rsa" "$ERR"
expect_contains "says what to do" "ssh-add" "$ERR"
expect_contains "nothing lost" "Nothing is lost" "$ERR"
expect_exit "no agent, no keys: exit 2" 2 env -u SSH_AUTH_SOCK HOME="$TMP/nokeys" "$DEALBOARD" -C "$a" sync
rm -f "$HOME/.ssh/id_ecdsa" "$HOME/.ssh/id_rsa"
# the agent offers a wrong key first; the right one in ~/.ssh is tried next
cp "$s/user_key" "$HOME/.ssh/id_ed25519"
expect_exit "agent's key refused, ~/.ssh/id_ed25519 accepted" 0 db -C "$a" sync
rm -f "$HOME/.ssh/id_ed25519"
db -C "$a" note "$id" "waits again" > /dev/null
ssh-add -q -D 2>/dev/null
ssh-add -q "$s/user_key" 2>/dev/null
expect_exit "right key again: the waiting commit goes out" 0 db -C "$a" sync

# -- a wrong path on a reachable server is not an authentication problem
expect_exit "clone of a missing path: exit 2" 2 db clone "ssh://$(id -un)@127.0.0.1:$port$TMP/nope.git" "$TMP/nope"
expect_not_contains "not reported as an authentication failure" "authentication failed" "$ERR"
expect_contains "names the URL" "nope.git" "$ERR"
