#!/bin/sh
# HTTP(S) remotes against a real web server on 127.0.0.1: Debian's lighttpd
# running git's git-http-backend as a CGI behind basic authentication, on a
# plain port and a TLS port whose certificate a test CA signed. Credentials
# from the URL, from git's credential store files (credential.helper store),
# and from the terminal prompt (driven through tmux); a wrong password, no
# password without a terminal, a 403; http.sslCAInfo and http.sslVerify.
# No password ever shows in what dealboard prints or writes to .git.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

LIGHTTPD_PID='' TMUX_SOCK="$TMP/tmux.sock"
cleanup() {
    [ -n "$LIGHTTPD_PID" ] && kill "$LIGHTTPD_PID" 2>/dev/null
    [ -S "$TMUX_SOCK" ] && tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE
skip() { ok "$1 (skipped)"; exit 0; }
# git's variables that would change what is tested here.
unset GIT_SSL_CAINFO GIT_SSL_NO_VERIFY GIT_TERMINAL_PROMPT

BACKEND=/usr/lib/git-core/git-http-backend
command -v lighttpd > /dev/null || [ -x /usr/sbin/lighttpd ] || skip "lighttpd not installed"
LIGHTTPD=$(command -v lighttpd || echo /usr/sbin/lighttpd)
[ -f /usr/lib/lighttpd/mod_openssl.so ] || skip "lighttpd-mod-openssl not installed"
[ -x "$BACKEND" ] || skip "git-http-backend not installed"
command -v openssl > /dev/null || skip "openssl not installed"

# The password has characters a URL must percent-encode ('@', '/', ' ').
PW='s3cret@pw/42 x'
PW_URL='s3cret%40pw%2F42%20x'
WRONG='wrong-Passw0rd'
w="$TMP/www"; mkdir -p "$w/docroot"
printf 'alice:%s\n' "$PW" > "$w/users"

# A CA, and a certificate for localhost signed by it (as tests/sync/tls.sh).
(cd "$w" &&
 openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=dealboard-https-ca \
     -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
     -keyout ca.key -out ca.pem &&
 openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout srv.key -out srv.csr &&
 printf 'subjectAltName=DNS:localhost\n' > srv.ext &&
 openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
     -extfile srv.ext -out srv.pem) > "$w/openssl.log" 2>&1 ||
    { fail "test certificates" "$(cat "$w/openssl.log")"; exit 1; }

write_conf() { # PORT TLSPORT
    cat > "$w/lighttpd.conf" <<CONF
server.modules = ("mod_access", "mod_alias", "mod_setenv", "mod_auth", "mod_authn_file",
                  "mod_cgi", "mod_openssl")
# No 2-second pause after a wrong password; a short keep-alive, shorter than a
# person takes to type a password (Apache's default is 5 s).
server.feature-flags = ("auth.delay-invalid-creds" => "disable")
server.max-keep-alive-idle = 2
server.document-root = "$w/docroot"
server.bind = "127.0.0.1"
server.port = $1
server.pid-file = "$w/lighttpd.pid"
server.errorlog = "$w/error.log"
alias.url = ("/git" => "$BACKEND")
\$HTTP["url"] =~ "^/git" {
    cgi.assign = ("" => "")
    setenv.add-environment = ("GIT_PROJECT_ROOT" => "$TMP", "GIT_HTTP_EXPORT_ALL" => "")
}
auth.backend = "plain"
auth.backend.plain.userfile = "$w/users"
auth.require = ("/git" => ("method" => "basic", "realm" => "team", "require" => "valid-user"))
\$SERVER["socket"] == "127.0.0.1:$2" {
    ssl.engine = "enable"
    ssl.pemfile = "$w/srv.pem"
    ssl.privkey = "$w/srv.key"
}
CONF
}
listening() { # PORT: something accepts connections on 127.0.0.1:PORT
    python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()' \
        "$1" 2> /dev/null
}

# lighttpd on the first free pair of ports of a few; bounded waits.
port=$((20000 + $$ % 20000)) tries=0 up=''
while [ -z "$up" ] && [ $tries -lt 5 ]; do
    tls=$((port + 1))
    write_conf "$port" "$tls"
    "$LIGHTTPD" -tt -f "$w/lighttpd.conf" > "$w/check.log" 2>&1 ||
        skip "lighttpd cannot run here: $(head -3 "$w/check.log")"
    "$LIGHTTPD" -D -f "$w/lighttpd.conf" > "$w/stdout.log" 2>&1 &
    LIGHTTPD_PID=$!
    i=0
    while [ $i -lt 50 ] && kill -0 "$LIGHTTPD_PID" 2>/dev/null; do
        if listening "$port" && listening "$tls"; then up=1; break; fi
        sleep 0.1; i=$((i + 1))
    done
    if [ -z "$up" ]; then
        kill "$LIGHTTPD_PID" 2>/dev/null; wait "$LIGHTTPD_PID" 2>/dev/null; LIGHTTPD_PID=''
        port=$((port + 2)) tries=$((tries + 1))
    fi
done
[ -n "$up" ] || { fail "lighttpd started" "$(cat "$w/error.log" "$w/stdout.log" 2>/dev/null)"; exit 1; }

team_remote team > /dev/null || { fail "team remote"; exit 1; }
bare="$TMP/team.git"
tip() { git -C "$bare" rev-parse -q --verify refs/heads/main 2>/dev/null || echo none; }
site="http://127.0.0.1:$port"
url="$site/git/team.git"

# no_password DESC: nothing dealboard printed ($OUT, $ERR) holds a password.
no_password() {
    case "$OUT$ERR" in
        *"$PW"*|*"$PW_URL"*|*"$WRONG"*) fail "$1: no password in the output" "$OUT
$ERR" ;;
        *) ok "$1: no password in the output" ;;
    esac
}
# clean_git DIR DESC: no password anywhere under DIR/.git (config, reflogs, FETCH_HEAD).
clean_git() {
    if grep -rlF -e "$PW" -e "$PW_URL" "$1/.git" > "$TMP/.leak" 2>/dev/null; then
        fail "$2: no password under .git" "$(cat "$TMP/.leak")"
    else
        ok "$2: no password under .git"
    fi
}
# refusals: how many wrong passwords the server has logged so far.
refusals() { grep -c "password doesn't match" "$w/error.log" 2>/dev/null || true; }
# nothing_to_ask CMD…: CMD without a terminal (a new session, no /dev/tty).
nothing_to_ask() { setsid -w "$@" < /dev/null; }
config_url() { git -C "$1" config remote.origin.url; }

# ---- the password in the URL ------------------------------------------------------
expect_exit "clone with the password in the URL" 0 \
    nothing_to_ask "$DEALBOARD" clone "http://alice:$PW_URL@127.0.0.1:$port/git/team.git" "$TMP/u"
no_password "clone with the password in the URL"
assert_invariants "$TMP/u" "after the clone with the password in the URL: invariants"
clean_git "$TMP/u" "clone with the password in the URL"
expect_eq "the remote keeps the user, not the password" "http://alice@127.0.0.1:$port/git/team.git" \
    "$(config_url "$TMP/u")"

n=$(refusals)
expect_exit "a wrong password in the URL: clone exits 2" 2 \
    nothing_to_ask "$DEALBOARD" clone "http://alice:$WRONG@127.0.0.1:$port/git/team.git" "$TMP/u2"
expect_contains "says the HTTP authentication failed" "HTTP authentication failed" "$ERR"
expect_contains "says the password came from the URL" "password in the URL" "$ERR"
expect_contains "names the remote without the password" "http://alice@127.0.0.1:$port/git/team.git" "$ERR"
expect_not_contains "is not an ssh key problem" "ssh" "$ERR"
no_password "a wrong password in the URL"
check "nothing cloned" test ! -e "$TMP/u2"
expect_eq "two passwords tried: none libgit2 offers first, then the URL's" 2 $(($(refusals) - n))

# ---- git's credential store --------------------------------------------------------
git config --global credential.helper store
printf 'https://alice:other@127.0.0.1:%s\nhttp://bob:%s@127.0.0.1:%s\nhttp://alice:%s@127.0.0.1:%s\n' \
    "$port" "$PW_URL" "$((port + 100))" "$PW_URL" "$port" > "$HOME/.git-credentials"
chmod 600 "$HOME/.git-credentials"
expect_exit "clone with ~/.git-credentials (credential.helper store)" 0 \
    nothing_to_ask "$DEALBOARD" clone "$url" "$TMP/a"
no_password "clone with ~/.git-credentials"
assert_invariants "$TMP/a" "after the clone through the credential store: invariants"
a="$TMP/a"
id=$(db -C "$a" add "Harbour lights" --value 4200) || fail "add a deal"
expect_exit "sync pushes through the credential store" 0 nothing_to_ask "$DEALBOARD" -C "$a" sync
no_password "sync through the credential store"
assert_invariants "$a" "after the sync through the credential store: invariants"
expect_eq "the server has the new commit" "$(git -C "$a" rev-parse HEAD)" "$(tip)"

mkdir -p "$XDG_CONFIG_HOME/git"
mv "$HOME/.git-credentials" "$XDG_CONFIG_HOME/git/credentials"
db -C "$a" note "$id" "through the XDG file" > /dev/null || fail "a note"
expect_exit "sync with \$XDG_CONFIG_HOME/git/credentials" 0 nothing_to_ask "$DEALBOARD" -C "$a" sync
assert_invariants "$a" "after the sync through the XDG file: invariants"
expect_eq "the server has that commit too" "$(git -C "$a" rev-parse HEAD)" "$(tip)"

git config --global credential.useHttpPath true
before=$(state "$a") remote=$(tip)
db -C "$a" note "$id" "a path to match" > /dev/null || fail "a note"
before=$(state "$a")
expect_exit "credential.useHttpPath: a line without the path does not match" 2 \
    nothing_to_ask "$DEALBOARD" -C "$a" sync
expect_contains "says there is no terminal to ask on" "no terminal" "$ERR"
expect_contains "says the store has nothing for it" "credential store has none" "$ERR"
expect_unchanged "nothing changed" "$a" "$before"
printf 'http://alice:%s@127.0.0.1:%s/git/team.git\n' "$PW_URL" "$port" >> "$XDG_CONFIG_HOME/git/credentials"
expect_exit "credential.useHttpPath: a line with the path matches" 0 nothing_to_ask "$DEALBOARD" -C "$a" sync
assert_invariants "$a" "after the sync with useHttpPath: invariants"
expect_eq "the server has that commit" "$(git -C "$a" rev-parse HEAD)" "$(tip)"
git config --global --unset credential.useHttpPath

# ---- a wrong password from the store ----------------------------------------------
rm -f "$XDG_CONFIG_HOME/git/credentials"
printf 'http://alice:%s@127.0.0.1:%s\n' "$WRONG" "$port" > "$HOME/.git-credentials"
db -C "$a" note "$id" "written while the password is wrong" > /dev/null || fail "a note"
before=$(state "$a") remote=$(tip) n=$(refusals)
expect_exit "a wrong password in ~/.git-credentials: sync exits 2" 2 nothing_to_ask "$DEALBOARD" -C "$a" sync
expect_error "a wrong password: one error line"
expect_contains "says the HTTP authentication failed" "HTTP authentication failed" "$ERR"
expect_contains "names the file the password came from" "from ~/.git-credentials" "$ERR"
expect_contains "names the user" "'alice'" "$ERR"
expect_contains "names the remote" "'origin' ($url)" "$ERR"
expect_not_contains "is not an ssh key problem" "ssh" "$ERR"
no_password "a wrong password in the store"
expect_unchanged "a wrong password: nothing changed here" "$a" "$before"
expect_eq "a wrong password: nothing changed on the server" "$remote" "$(tip)"
expect_eq "a wrong password: tried once" 1 $(($(refusals) - n))

# ---- no password and no terminal --------------------------------------------------
rm -f "$HOME/.git-credentials"
git config --global --unset credential.helper
expect_exit "no password and no terminal: sync exits 2" 2 nothing_to_ask "$DEALBOARD" -C "$a" sync
expect_error "no password: one error line"
expect_contains "says there is no terminal to ask on" "no terminal to ask on" "$ERR"
expect_contains "says how to store the password" "credential.helper store" "$ERR"
expect_contains "shows the line to store" "http://USER:PASSWORD@127.0.0.1:$port" "$ERR"
expect_not_contains "is not an ssh key problem" "ssh" "$ERR"
expect_unchanged "no password: nothing changed here" "$a" "$before"
expect_eq "no password: nothing changed on the server" "$remote" "$(tip)"
expect_exit "GIT_TERMINAL_PROMPT=0: not asked" 2 \
    env GIT_TERMINAL_PROMPT=0 "$DEALBOARD" -C "$a" sync < /dev/null
expect_contains "and says why" "GIT_TERMINAL_PROMPT=0 says not to ask" "$ERR"

# ---- the terminal prompt (tmux) -----------------------------------------------------
# in_terminal NAME CMD: runs CMD in a tmux window; its screen ends up in $TMP/NAME.screen
# and its exit code in $TMP/NAME.rc.
in_terminal() {
    tmux -S "$TMUX_SOCK" new-session -d -s "$1" -x 200 -y 50 \
        "$2; echo \$? > $TMP/$1.rc.tmp; mv $TMP/$1.rc.tmp $TMP/$1.rc; sleep 60"
}
screen() { tmux -S "$TMUX_SOCK" capture-pane -p -S -100 -t "$1" 2>/dev/null; }
wait_screen() { # NAME TEXT: bounded (10 s)
    _i=0
    while [ $_i -lt 100 ]; do
        case "$(screen "$1")" in *"$2"*) return 0 ;; esac
        sleep 0.1; _i=$((_i + 1))
    done
    screen "$1"
    return 1
}
wait_rc() { # NAME: bounded (20 s)
    _i=0
    while [ ! -f "$TMP/$1.rc" ] && [ $_i -lt 200 ]; do sleep 0.1; _i=$((_i + 1)); done
    screen "$1" > "$TMP/$1.screen"
    tmux -S "$TMUX_SOCK" kill-session -t "$1" 2>/dev/null
    cat "$TMP/$1.rc" 2>/dev/null || echo none
}
typed() { tmux -S "$TMUX_SOCK" send-keys -t "$1" -l "$2"; tmux -S "$TMUX_SOCK" send-keys -t "$1" Enter; }
count() { grep -c "$1" "$2" 2>/dev/null || true; }

if ! command -v tmux > /dev/null; then
    fail "tmux is needed for the terminal prompt"
else
    in_terminal clone "'$DEALBOARD' clone '$url' '$TMP/p'"
    check "the prompt asks for the user name" wait_screen clone "Username for '$site':"
    typed clone alice
    check "then for the password" wait_screen clone "Password for 'http://alice@127.0.0.1:$port':"
    typed clone "$PW"
    expect_eq "clone after typing the password: exit 0" 0 "$(wait_rc clone)"
    OUT=$(cat "$TMP/clone.screen") ERR=''
    no_password "the prompt does not echo the password"
    assert_invariants "$TMP/p" "after the clone through the prompt: invariants"
    clean_git "$TMP/p" "clone through the prompt"

    pid=$(db -C "$TMP/p" add "Typed in" --value 10) || fail "add a deal"
    in_terminal sync "'$DEALBOARD' -C '$TMP/p' sync"
    check "sync asks for the user name" wait_screen sync "Username for"
    typed sync alice
    check "and for the password" wait_screen sync "Password for"
    sleep 3                       # past the keep-alive: the connection must be made again
    typed sync "$PW"
    expect_eq "sync after typing the password: exit 0" 0 "$(wait_rc sync)"
    expect_eq "fetch and push: asked once" 1 "$(count 'Password for' "$TMP/sync.screen")"
    OUT=$(cat "$TMP/sync.screen")
    no_password "the sync's prompt does not echo the password"
    assert_invariants "$TMP/p" "after the sync through the prompt: invariants"
    expect_eq "the server has the typed-in commit" "$(git -C "$TMP/p" rev-parse HEAD)" "$(tip)"

    db -C "$TMP/p" note "$pid" "typed with a wrong password" > /dev/null || fail "a note"
    before=$(state "$TMP/p") remote=$(tip)
    in_terminal wrong "'$DEALBOARD' -C '$TMP/p' sync"
    wait_screen wrong "Username for" && typed wrong alice
    n=$(refusals)
    wait_screen wrong "Password for" && typed wrong "$WRONG"
    expect_eq "a wrong password typed: exit 2" 2 "$(wait_rc wrong)"
    expect_eq "asked once, not again and again" 1 "$(count 'Password for' "$TMP/wrong.screen")"
    expect_eq "the server saw one wrong password" 1 $(($(refusals) - n))
    OUT=$(cat "$TMP/wrong.screen")
    expect_contains "says the HTTP authentication failed" "HTTP authentication failed" "$OUT"
    expect_contains "says the password was typed at the prompt" "typed at the prompt" \
        "$(tr -d '\n' < "$TMP/wrong.screen")"
    no_password "a wrong password typed"
    expect_unchanged "a wrong password typed: nothing changed" "$TMP/p" "$before"
    expect_eq "a wrong password typed: nothing changed on the server" "$remote" "$(tip)"
fi

# ---- a 403: the server does not let this account push --------------------------------
git config --global credential.helper store
printf 'http://alice:%s@127.0.0.1:%s\n' "$PW_URL" "$port" > "$HOME/.git-credentials"
git -C "$bare" config http.receivepack false
db -C "$a" note "$id" "pushed to a read-only remote" > /dev/null 2>&1
before=$(state "$a") remote=$(tip)
expect_exit "the server refuses pushes (403): sync exits 2" 2 nothing_to_ask "$DEALBOARD" -C "$a" sync
expect_contains "says the server refused access" "refused access (HTTP 403)" "$ERR"
expect_contains "says who was refused" "'alice'" "$ERR"
expect_not_contains "is not an ssh key problem" "ssh" "$ERR"
no_password "a 403"
expect_eq "a 403: nothing changed on the server" "$remote" "$(tip)"
check "a 403: the work tree is clean" is_clean "$a"
git -C "$bare" config --unset http.receivepack

# ---- https with a CA of our own ------------------------------------------------------
tls_url="https://localhost:$tls/git/team.git"
printf 'https://alice:%s@localhost:%s\n' "$PW_URL" "$tls" >> "$HOME/.git-credentials"
expect_exit "https: a certificate no known CA signed is refused" 2 \
    nothing_to_ask "$DEALBOARD" clone "$tls_url" "$TMP/t1"
expect_contains "says the certificate is invalid" "SSL certificate is invalid" "$ERR"
expect_contains "says how to trust the CA" "http.sslCAInfo" "$ERR"
check "nothing cloned" test ! -e "$TMP/t1"

git config --global http.sslCAInfo "$w/ca.pem"
expect_exit "https: accepted with http.sslCAInfo" 0 nothing_to_ask "$DEALBOARD" clone "$tls_url" "$TMP/t2"
assert_invariants "$TMP/t2" "after the https clone: invariants"
git config --global --unset http.sslCAInfo
expect_exit "https: accepted with GIT_SSL_CAINFO" 0 \
    nothing_to_ask env GIT_SSL_CAINFO="$w/ca.pem" "$DEALBOARD" clone "$tls_url" "$TMP/t4"
assert_invariants "$TMP/t4" "after the https clone with GIT_SSL_CAINFO: invariants"
git -C "$TMP/t2" config http.sslCAInfo "$w/ca.pem"
db -C "$TMP/t2" add "Over TLS" --value 77 > /dev/null || fail "add a deal"
expect_exit "https: sync with the repository's http.sslCAInfo" 0 \
    nothing_to_ask "$DEALBOARD" -C "$TMP/t2" sync
assert_invariants "$TMP/t2" "after the https sync: invariants"
expect_eq "the server has the https commit" "$(git -C "$TMP/t2" rev-parse HEAD)" "$(tip)"
git -C "$TMP/t2" config http.sslCAInfo "$w/nonexistent.pem"
expect_exit "https: an unreadable http.sslCAInfo" 2 nothing_to_ask "$DEALBOARD" -C "$TMP/t2" sync
expect_contains "names the setting and the file" "http.sslCAInfo names ($w/nonexistent.pem)" "$ERR"
git -C "$TMP/t2" config --unset http.sslCAInfo

git config --global http.sslVerify false
expect_exit "https: accepted with http.sslVerify=false" 0 nothing_to_ask "$DEALBOARD" clone "$tls_url" "$TMP/t3"
assert_invariants "$TMP/t3" "after the unverified https clone: invariants"
git config --global --unset http.sslVerify
expect_exit "https: http.sslVerify back to true refuses again" 2 \
    nothing_to_ask "$DEALBOARD" -C "$TMP/t3" sync
expect_contains "with the certificate error" "SSL certificate is invalid" "$ERR"
