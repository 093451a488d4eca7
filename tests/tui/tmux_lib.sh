# tmux helpers for board tests in a real terminal. Source after lib.sh.
# Every step waits for what it expects on the screen (polling capture-pane up
# to TMUX_WAIT seconds); nothing sleeps a fixed time. The private server
# (tmux -L) is killed when the test exits.
# tests/run.sh runs every tests/tui/*.sh: on its own this file is a no-op.
[ -n "${TMP:-}" ] && [ -n "${TEST_NAME:-}" ] || exit 0
TMUX_SOCKET="dealboard-test-$$"
TMUX_WAIT=${TMUX_WAIT:-10}
TMUX_CONF="$TMP/tmux.conf"
# tmux-256color may be missing from terminfo; screen-256color is in ncurses-base.
printf 'set -g default-terminal screen-256color\nset -g status off\n' > "$TMUX_CONF"
trap 'tmux -L "$TMUX_SOCKET" kill-server 2>/dev/null; rm -rf "$TMP"' EXIT

tm() { tmux -L "$TMUX_SOCKET" -f "$TMUX_CONF" "$@"; }

# tmux_start NAME WIDTH HEIGHT COMMAND: a detached session running COMMAND
# (a shell command line) in the current environment.
tmux_start() {
    tm new-session -d -s "$1" -x "$2" -y "$3" "$4"
}
# capture NAME [-e]: the visible screen as text (-e: with attributes).
capture() { tm capture-pane -p -t "$1" ${2:-}; }
keys() { t=$1; shift; tm send-keys -t "$t" "$@"; }
# type NAME TEXT: literal text, no key names.
typetext() { tm send-keys -t "$1" -l "$2"; }

# wait_for NAME TEXT [SECONDS]: true once TEXT is on the screen.
wait_for() {
    limit=$(( $(date +%s) + ${3:-$TMUX_WAIT} ))
    while :; do
        case "$(capture "$1" 2>/dev/null)" in *"$2"*) return 0 ;; esac
        [ "$(date +%s)" -ge "$limit" ] && return 1
        sleep 0.05
    done
}
# wait_gone NAME TEXT: true once TEXT has left the screen.
wait_gone() {
    limit=$(( $(date +%s) + ${3:-$TMUX_WAIT} ))
    while :; do
        case "$(capture "$1" 2>/dev/null)" in *"$2"*) ;; *) return 0 ;; esac
        [ "$(date +%s)" -ge "$limit" ] && return 1
        sleep 0.05
    done
}
# wait_exit NAME: true once the session's program has ended.
wait_exit() {
    limit=$(( $(date +%s) + ${2:-$TMUX_WAIT} ))
    while tm has-session -t "$1" 2>/dev/null; do
        [ "$(date +%s)" -ge "$limit" ] && return 1
        sleep 0.05
    done
}
# screen_ok DESC NAME TEXT: an assertion that waits.
screen_ok() {
    if wait_for "$2" "$3"; then ok "$1"; else fail "$1" "waited ${TMUX_WAIT}s for: $3
$(capture "$2")"; fi
}
