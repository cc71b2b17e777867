/* Translated texts: assets/i18n/<lang>.ini, looked up as "section.key", with
 * {name} placeholders filled in at the call. Dutch is the first language and the
 * fallback; a missing key is counted and shown as the key itself, never as NULL. */
#ifndef LOBKIOSK_I18N_H
#define LOBKIOSK_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include "lobkiosk/status.h"

#define I18N_LANG_MAX 8 /* "nl", "en" */

typedef struct i18n i18n;

/* An empty table with Dutch as the current language. NULL when out of memory.
 * Free with i18n_destroy(). */
i18n *i18n_create(void);

/* Accepts NULL. */
void i18n_destroy(i18n *t);

/* Adds the texts of one INI file for lang ("nl", "en"; [a-z]{2,7}). A later value
 * for the same key replaces the earlier one. err (may be NULL) names the file and
 * line on failure: LK_ERR_NOT_FOUND, LK_ERR_IO, LK_ERR_CONFIG or LK_ERR_INVALID. */
lk_status i18n_load_file(i18n *t, const char *lang, const char *path, char *err,
                         size_t err_len) LK_MUST_CHECK;

/* Loads ASSETS/i18n/nl.ini (required) and ASSETS/i18n/en.ini (optional). */
lk_status i18n_load_dir(i18n *t, const char *assets_dir, char *err, size_t err_len) LK_MUST_CHECK;

/* Switches the current language. False (and no change) when the language has no
 * texts loaded. */
bool i18n_set_language(i18n *t, const char *lang);

/* The current language ("nl" for NULL). Borrowed. */
const char *i18n_language(const i18n *t);

/* True when lang has at least one text loaded. */
bool i18n_has_language(const i18n *t, const char *lang);

/* The text of key in the current language, else in Dutch, else the key itself
 * (and the miss is counted). Borrowed from t; valid until t is destroyed. */
const char *i18n_get(i18n *t, const char *key);

/* Same in a given language (Dutch, then the key, as fallback). */
const char *i18n_get_lang(i18n *t, const char *lang, const char *key);

/* True when key exists in exactly lang (no fallback). */
bool i18n_has(const i18n *t, const char *lang, const char *key);

/* Looks key up like i18n_get and replaces each {name} with the value given in
 * vars, a NULL-terminated list of name, value pairs (vars may be NULL). An unknown
 * placeholder is kept as written. Writes into buf (always NUL-terminated, cut on
 * a UTF-8 character boundary) and returns false when the result was cut. */
bool i18n_format(i18n *t, const char *key, const char *const *vars, char *buf, size_t len);

/* The CLDR plural category ("one" or "other") of the whole number n in lang. Dutch
 * and English: "one" for 1, "other" for the rest (0 too). Static string. */
const char *i18n_plural_category(const char *lang, long long n);

/* i18n_format for a text that names a count: the text files hold its forms as
 * "key.one" and "key.other" (section [done], "saved_answers.one = {count} antwoord"),
 * and n picks one by the current language's plural rule. Falls back to "key.other",
 * then to key itself. The caller still passes n's digits in vars. */
bool i18n_format_n(i18n *t, const char *key, long long n, const char *const *vars, char *buf,
                   size_t len);

/* Number of lookups that found no text, since create (tests check for zero). */
size_t i18n_missing(const i18n *t);

/* The last key that was missing, "" when none. Borrowed. */
const char *i18n_last_missing(const i18n *t);

#endif
