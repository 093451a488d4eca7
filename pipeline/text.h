/* Ids, slugs and safe display of untrusted text. */
#ifndef DB_TEXT_H
#define DB_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#define SLUG_MAX 32
#define ID_MAX (SLUG_MAX + 7)

/* Lowercase ASCII slug of a title ("Acme — Rollout!" -> "acme-rollout", accented
 * Latin letters as plain ones: "Müller" -> "muller"), at most
 * SLUG_MAX bytes; "deal" when nothing is left. */
void text_slug(const char *title, char out[SLUG_MAX + 1]);
/* slug + "-" + 6 random hex digits. */
void text_new_id(const char *title, char out[ID_MAX + 1]);
/* 8 random hex digits for log entries. */
void text_new_log_id(char out[9]);
/* An id as SPEC §2 allows it: [a-z0-9-], no leading '-', 1..ID_MAX long.
 * Anything else never reaches a path. */
bool text_valid_id(const char *id);
/* The same alphabet, for a prefix typed by the user. */
bool text_valid_id_prefix(const char *prefix);

/* Copy of s safe to print on a terminal: invalid UTF-8 becomes U+FFFD, escape
 * sequences (CSI, OSC, …) are dropped, other control characters (and newlines
 * unless keep_newlines) become spaces. Caller frees. */
char *text_sanitize(const char *s, bool keep_newlines);
/* Display columns of sanitized UTF-8 text (wide characters count 2). */
int text_width(const char *s);
/* Bytes of s that fit in `cols` columns without splitting a character. */
size_t text_fit(const char *s, int cols, int *used_cols);
bool text_valid_utf8(const char *s, size_t len);
/* ASCII stand-in for text, for a terminal whose locale is not UTF-8 (LANG=C):
 * accented Latin letters lose their accents ("Müller" -> "Muller", "ß" ->
 * "ss"), common punctuation becomes its look-alike ("–" -> "-", "…" ->
 * "..."), any other character is one '?'. Caller frees. */
char *text_ascii(const char *s);
/* True when the terminal's locale is UTF-8 (else ASCII fallbacks are drawn). */
bool text_locale_utf8(void);
/* The flag mark: "⚑" (move on?) / "!" (watch), "!!" for move on? outside UTF-8. */
const char *text_flag_mark(int level);
/* Drops a multi-byte character cut off at the end of s (after snprintf
 * truncated it), so that the text stays valid UTF-8. */
void text_trim_partial_utf8(char *s);

#endif
