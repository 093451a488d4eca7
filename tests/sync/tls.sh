#!/bin/sh
# https and the system CA certificates, which Debian's libgit2 loads at start-up.
# Against a local TLS server: an untrusted certificate is refused; trusted
# through the system file (in a private mount namespace) the handshake passes;
# an unreadable system file is a certificate error for https only, and file://
# remotes and edits never need it.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/team.inc"

SYSTEM_CA=/etc/ssl/certs/ca-certificates.crt
if ! command -v openssl > /dev/null || [ ! -f "$SYSTEM_CA" ]; then
    echo "# skip: needs openssl and $SYSTEM_CA"; ok "skipped (no openssl or system CA file)"; exit 0
fi

# A CA, and a certificate for localhost signed by it.
(cd "$TMP" &&
 openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=dealboard-test-ca \
     -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
     -keyout ca.key -out ca.pem &&
 openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout srv.key -out srv.csr &&
 printf 'subjectAltName=DNS:localhost\n' > srv.ext &&
 openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
     -extfile srv.ext -out srv.pem) > "$TMP/openssl.log" 2>&1 ||
    { fail "test certificates" "$(cat "$TMP/openssl.log")"; exit 1; }

# An https server that answers 404 to everything (no git behind it: only the
# handshake matters here).
cat > "$TMP/server.py" <<'PY'
import http.server, ssl, sys
class NotFound(http.server.BaseHTTPRequestHandler):
    def do_GET(self): self.send_error(404)
    do_POST = do_GET
    def log_message(self, *args): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), NotFound)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
with open(sys.argv[3], "w") as f:
    f.write(str(srv.server_port))
srv.serve_forever()
PY
python3 "$TMP/server.py" "$TMP/srv.pem" "$TMP/srv.key" "$TMP/port" 2> "$TMP/server.log" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$TMP"' EXIT
i=0; while [ ! -s "$TMP/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$TMP/port" ] || { fail "https test server" "$(cat "$TMP/server.log")"; exit 1; }
url="https://localhost:$(cat "$TMP/port")/team.git"

expect_exit "clone refuses a certificate no system CA signed" 2 db clone "$url" "$TMP/c1"
expect_contains "says the certificate is invalid" "SSL certificate is invalid" "$ERR"
expect_contains "names the remote" "cannot clone 'origin' ($url)" "$ERR"
check "nothing cloned" test ! -e "$TMP/c1/pipeline.json"

# with_system_ca FILE CMD…: CMD with FILE in place of the system CA file.
with_system_ca() {
    ca=$1; shift
    unshare --user --map-root-user --mount sh -c \
        'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh "$ca" "$SYSTEM_CA" "$@"
}
if ! with_system_ca "$TMP/ca.pem" true 2> /dev/null; then
    echo "# skip: no unprivileged mount namespaces (unshare)"; exit 0
fi

expect_exit "trusted through the system file: past the handshake" 2 \
    with_system_ca "$TMP/ca.pem" "$DEALBOARD" clone "$url" "$TMP/c2"
expect_not_contains "no certificate error" "certificate" "$ERR"
expect_contains "the server was reached over TLS (its 404)" "404" "$ERR"

printf 'this is not a certificate\n' > "$TMP/bogus.crt"
expect_exit "an unreadable system CA file stops https" 2 \
    with_system_ca "$TMP/bogus.crt" "$DEALBOARD" clone "$url" "$TMP/c3"
expect_contains "says it is the certificate" "certificate" "$ERR"

team=$(team_remote team) || { fail "team remote"; exit 1; }
expect_exit "file:// clone does not need the CA file" 0 \
    with_system_ca "$TMP/bogus.crt" "$DEALBOARD" clone "$team" "$TMP/c4"
id=$(db -C "$TMP/c4" add "Acme rollout" --value 1000)
expect_exit "edits do not need it either" 0 \
    with_system_ca "$TMP/bogus.crt" "$DEALBOARD" -C "$TMP/c4" move "$id" explore
expect_exit "nor a file:// sync" 0 with_system_ca "$TMP/bogus.crt" "$DEALBOARD" -C "$TMP/c4" sync
check "the work tree is clean" is_clean "$TMP/c4"
