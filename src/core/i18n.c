/* Translated texts from assets/i18n/<lang>.ini (parsed by inih) and the {name}
 * placeholder filling. A small sorted-by-insertion table: a kiosk has a few
 * hundred texts and looks up a handful per drawn frame, so a linear scan is fine. */
#include "lobkiosk/i18n.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/util.h"

typedef struct i18n_entry {
    char lang[I18N_LANG_MAX]; /* language of the text */
    char *key;                /* "section.key", heap */
    char *value;              /* the text, heap */
} i18n_entry;

struct i18n {
    i18n_entry *entries;      /* heap array */
    size_t n, cap;            /* used and allocated entries */
    char lang[I18N_LANG_MAX]; /* current language */
    size_t missing;           /* lookups without a text */
    char last_missing[128];   /* the last key that had no text */
};

i18n *i18n_create(void)
{
    i18n *t = calloc(1, sizeof *t);
    if (t)
        lk_strlcpy(t->lang, "nl", sizeof t->lang);
    return t;
}

void i18n_destroy(i18n *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->entries[i].key);
        free(t->entries[i].value);
    }
    free(t->entries);
    free(t);
}

static bool valid_lang(const char *lang)
{
    size_t n = lang ? strlen(lang) : 0;
    if (n < 2 || n >= I18N_LANG_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lang[i] < 'a' || lang[i] > 'z')
            return false;
    return true;
}

static i18n_entry *find(const i18n *t, const char *lang, const char *key)
{
    if (!t || !lang || !key)
        return NULL;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->entries[i].key, key) == 0 && strcmp(t->entries[i].lang, lang) == 0)
            return &t->entries[i];
    return NULL;
}

/* Stores one text; replaces an earlier one of the same key. */
static lk_status put(i18n *t, const char *lang, const char *key, const char *value)
{
    i18n_entry *e = find(t, lang, key);
    char *v = strdup(value);
    if (!v)
        return LK_ERR_NOMEM;
    if (e) {
        free(e->value);
        e->value = v;
        return LK_OK;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 128;
        i18n_entry *ne = realloc(t->entries, cap * sizeof *ne);
        if (!ne) {
            free(v);
            return LK_ERR_NOMEM;
        }
        t->entries = ne;
        t->cap = cap;
    }
    e = &t->entries[t->n];
    e->key = strdup(key);
    if (!e->key) {
        free(v);
        return LK_ERR_NOMEM;
    }
    lk_strlcpy(e->lang, lang, sizeof e->lang);
    e->value = v;
    t->n++;
    return LK_OK;
}

typedef struct load_ctx {
    i18n *t;          /* table being filled */
    const char *lang; /* language of the file */
    lk_status st;     /* first failure */
} load_ctx;

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
    load_ctx *c = user;
    char key[256];
    if (!section || !section[0] || !name || !name[0]) {
        c->st = LK_ERR_CONFIG; /* texts must live in a section */
        return 0;
    }
    if ((size_t)snprintf(key, sizeof key, "%s.%s", section, name) >= sizeof key) {
        c->st = LK_ERR_CONFIG;
        return 0;
    }
    lk_status st = put(c->t, c->lang, key, value ? value : "");
    if (st != LK_OK) {
        c->st = st;
        return 0;
    }
    return 1;
}

lk_status i18n_load_file(i18n *t, const char *lang, const char *path, char *err, size_t err_len)
{
    if (err && err_len)
        err[0] = '\0';
    if (!t || !path || !valid_lang(lang)) {
        if (err)
            snprintf(err, err_len, "i18n: bad language or path");
        return LK_ERR_INVALID;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        int e = errno;
        if (err)
            snprintf(err, err_len, "%s: %s", path, strerror(e));
        return e == ENOENT ? LK_ERR_NOT_FOUND : LK_ERR_IO;
    }
    load_ctx c = {t, lang, LK_OK};
    int line = ini_parse_file(f, on_ini, &c);
    fclose(f);
    if (line != 0 || c.st != LK_OK) {
        if (err)
            snprintf(err, err_len, "%s:%d: not a valid text file (texts belong in a [section])",
                     path, line);
        return c.st != LK_OK ? c.st : LK_ERR_CONFIG;
    }
    return LK_OK;
}

lk_status i18n_load_dir(i18n *t, const char *assets_dir, char *err, size_t err_len)
{
    char path[1024];
    if (!t || !assets_dir)
        return LK_ERR_INVALID;
    snprintf(path, sizeof path, "%s/i18n/nl.ini", assets_dir);
    lk_status st = i18n_load_file(t, "nl", path, err, err_len);
    if (st != LK_OK)
        return st;
    snprintf(path, sizeof path, "%s/i18n/en.ini", assets_dir);
    st = i18n_load_file(t, "en", path, err, err_len);
    if (st == LK_ERR_NOT_FOUND) {
        if (err && err_len)
            err[0] = '\0';
        return LK_OK; /* English is optional */
    }
    return st;
}

bool i18n_has_language(const i18n *t, const char *lang)
{
    if (!t || !lang)
        return false;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->entries[i].lang, lang) == 0)
            return true;
    return false;
}

bool i18n_set_language(i18n *t, const char *lang)
{
    if (!t || !valid_lang(lang) || !i18n_has_language(t, lang))
        return false;
    lk_strlcpy(t->lang, lang, sizeof t->lang);
    return true;
}

const char *i18n_language(const i18n *t)
{
    return t ? t->lang : "nl";
}

bool i18n_has(const i18n *t, const char *lang, const char *key)
{
    return find(t, lang, key) != NULL;
}

const char *i18n_get_lang(i18n *t, const char *lang, const char *key)
{
    if (!key)
        return "";
    i18n_entry *e = find(t, lang, key);
    if (!e)
        e = find(t, "nl", key);
    if (e)
        return e->value;
    if (t) {
        t->missing++;
        lk_strlcpy(t->last_missing, key, sizeof t->last_missing);
    }
    return key;
}

const char *i18n_get(i18n *t, const char *key)
{
    return i18n_get_lang(t, i18n_language(t), key);
}

/* Appends n bytes of s at *pos, stopping before a cut UTF-8 character. */
static bool append(char *buf, size_t len, size_t *pos, const char *s, size_t n)
{
    if (*pos + n < len) {
        memcpy(buf + *pos, s, n);
        *pos += n;
        buf[*pos] = '\0';
        return true;
    }
    size_t room = len - 1 - *pos;
    /* Do not leave half a multi-byte character at the end. */
    while (room > 0 && ((unsigned char)s[room] & 0xC0) == 0x80)
        room--;
    memcpy(buf + *pos, s, room);
    *pos += room;
    buf[*pos] = '\0';
    return false;
}

/* Fills the {name} placeholders of text s from vars into buf. */
static bool fill(const char *s, const char *const *vars, char *buf, size_t len)
{
    size_t pos = 0;
    while (*s) {
        const char *open = strchr(s, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close) {
            return append(buf, len, &pos, s, strlen(s));
        }
        if (!append(buf, len, &pos, s, (size_t)(open - s)))
            return false;
        size_t name_len = (size_t)(close - open - 1);
        const char *value = NULL;
        for (size_t i = 0; vars && vars[i] && vars[i + 1]; i += 2)
            if (strlen(vars[i]) == name_len && strncmp(vars[i], open + 1, name_len) == 0) {
                value = vars[i + 1];
                break;
            }
        bool ok = value ? append(buf, len, &pos, value, strlen(value))
                        : append(buf, len, &pos, open, name_len + 2);
        if (!ok)
            return false;
        s = close + 1;
    }
    return true;
}

bool i18n_format(i18n *t, const char *key, const char *const *vars, char *buf, size_t len)
{
    if (!buf || len == 0)
        return false;
    buf[0] = '\0';
    return fill(i18n_get(t, key), vars, buf, len);
}

const char *i18n_plural_category(const char *lang, long long n)
{
    /* CLDR cardinal rules. Dutch and English (and the fallback for a language
     * without a rule here): "one" for the integer 1, "other" for everything else,
     * 0 included ("0 antwoorden", "0 answers"). */
    (void)lang;
    return n == 1 ? "one" : "other";
}

bool i18n_format_n(i18n *t, const char *key, long long n, const char *const *vars, char *buf,
                   size_t len)
{
    if (!buf || len == 0)
        return false;
    buf[0] = '\0';
    if (!key)
        return false;
    const char *lang = i18n_language(t);
    char form[256];
    snprintf(form, sizeof form, "%s.%s", key, i18n_plural_category(lang, n));
    /* The category's form, else "other" (a language may not need "one"), else the
     * plain key (a text without forms); a miss is counted on the category's form. */
    if (!i18n_has(t, lang, form) && !i18n_has(t, "nl", form)) {
        char other[256];
        snprintf(other, sizeof other, "%s.other", key);
        if (i18n_has(t, lang, other) || i18n_has(t, "nl", other))
            lk_strlcpy(form, other, sizeof form);
        else if (i18n_has(t, lang, key) || i18n_has(t, "nl", key))
            lk_strlcpy(form, key, sizeof form);
    }
    return fill(i18n_get(t, form), vars, buf, len);
}

size_t i18n_missing(const i18n *t)
{
    return t ? t->missing : 0;
}

const char *i18n_last_missing(const i18n *t)
{
    return t ? t->last_missing : "";
}
