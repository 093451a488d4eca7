/* The terminal: a real one (curses on the tty), or a virtual one driven by a
 * script file (DEALBOARD_SCRIPT, for tests). Everything that reads keys or
 * sets up curses goes through here, so the views never know which it is.
 *
 * Script lines (DEALBOARD_SCRIPT=FILE, screen size DEALBOARD_SCRIPT_SIZE=WxH,
 * default 80x24):
 *   key KEY          one key or a sequence in bind syntax: j, <C-n>, Enter, gg
 *   keys KEY…        several, separated by spaces: keys g g Enter
 *   type TEXT        the literal characters of TEXT (rest of the line)
 *   screen PATH      saves the screen as text, one line a row, trailing spaces trimmed
 *   resize WxH       the terminal changes size
 *   idle             a long pause: the idle work runs too (the deferred git
 *                    index is written)
 *   # comment, blank lines
 * After every other line the board sees one short tick (TERM_TICK): pending key
 * sequences end and HEAD is checked, but the idle work waits for an `idle`
 * line or the end, as when a user types on. A sync (S) finishes before the
 * next line is read, so scripts stay deterministic. End of script: quit.
 * DEALBOARD_SCRIPT_TIMES=FILE writes one line per key taken, "KEY MS": the
 * time from taking it to asking for the next key (the frame is on screen by
 * then), and "idle MS" for each `idle` line. */
#ifndef DB_TERM_H
#define DB_TERM_H

#include <stdbool.h>

#include "../pipeline/util.h"

/* TERM_TIMEOUT: no key for timeout_ms (idle work is due); TERM_TICK: a
 * script's short pause between lines (pending sequences end, nothing else). */
enum { TERM_TIMEOUT = -1, TERM_EOF = -2, TERM_TICK = -3 };

/* Opens the terminal (curses initialized, stdscr ready). */
int term_open(db_err *err);
void term_close(void);
bool term_is_script(void);
/* The next key code (keymap_key_from_wch form), KEY_RESIZE, TERM_TIMEOUT
 * after timeout_ms without a key, TERM_TICK (scripts), or TERM_EOF (end of
 * script). */
int term_read_key(int timeout_ms);
/* Leaves curses for a child program (the editor) and comes back. */
void term_suspend(void);
void term_resume(void);
/* Colours: false with NO_COLOR set or on a monochrome terminal. */
bool term_has_colors(void);

#endif
