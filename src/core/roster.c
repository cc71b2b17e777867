/* Roster import: a strict little CSV reader and the rules for a good roster row.
 * School systems export with ';' or ',', with or without a BOM, CRLF or LF; people
 * edit them in spreadsheets. Every bad row is reported by line number (never by its
 * content: it may hold a name) and skipped; the good rows land in one transaction. */
#include "lobkiosk/roster.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lobkiosk/util.h"

/* --- CSV reader ------------------------------------------------------------------- */

typedef struct csv {
    const char *p, *end; /* unread input */
    char sep;            /* ';' or ',' */
    long line;           /* physical line of p, from 1 */
} csv;

typedef struct csv_record {
    char field[ROSTER_FIELDS_MAX][ROSTER_FIELD_MAX + 1]; /* kept fields, NUL-terminated */
    size_t len[ROSTER_FIELDS_MAX];                        /* their lengths (may hold NULs) */
    size_t n;                 /* fields seen, may exceed ROSTER_FIELDS_MAX */
    long line;                /* line the record starts on */
    bool blank;               /* an empty line */
    const char *error;        /* why the record is malformed, NULL when fine */
} csv_record;

/* Skips to just after the next newline (resynchronising after an error). */
static void skip_line(csv *c)
{
    while (c->p < c->end && *c->p != '\n')
        c->p++;
    if (c->p < c->end) {
        c->p++;
        c->line++;
    }
}

static void put_char(csv_record *r, size_t idx, char ch, bool *overlong)
{
    if (idx >= ROSTER_FIELDS_MAX)
        return;
    if (r->len[idx] < ROSTER_FIELD_MAX) {
        r->field[idx][r->len[idx]++] = ch;
    } else if (!*overlong) {
        *overlong = true;
        if (!r->error)
            r->error = "a field is too long";
    }
}

/* Reads one record. Returns false at the end of input. A malformed record comes
 * back with r->error set and the reader positioned after it. */
static bool csv_next(csv *c, csv_record *r)
{
    if (c->p >= c->end)
        return false;
    r->n = 0;
    r->blank = false;
    r->error = NULL;
    r->line = c->line;
    for (;;) {
        size_t idx = r->n;
        if (idx < ROSTER_FIELDS_MAX)
            r->len[idx] = 0;
        bool overlong = false, quoted = false;
        if (c->p < c->end && *c->p == '"') {
            quoted = true;
            c->p++;
            for (;;) {
                if (c->p >= c->end) {
                    r->error = "a quote is not closed";
                    break;
                }
                char ch = *c->p;
                if (ch == '"') {
                    if (c->p + 1 < c->end && c->p[1] == '"') {
                        put_char(r, idx, '"', &overlong);
                        c->p += 2;
                        continue;
                    }
                    c->p++;
                    break;
                }
                if (ch == '\n')
                    c->line++;
                put_char(r, idx, ch, &overlong);
                c->p++;
            }
            if (!r->error && c->p < c->end && *c->p != c->sep && *c->p != '\r' && *c->p != '\n')
                r->error = "text after a closing quote";
        } else {
            while (c->p < c->end && *c->p != c->sep && *c->p != '\n') {
                if (*c->p == '\r' && (c->p + 1 == c->end || c->p[1] == '\n'))
                    break;
                if (*c->p == '"' && !r->error)
                    r->error = "a quote inside a field that does not start with one";
                put_char(r, idx, *c->p, &overlong);
                c->p++;
            }
        }
        if (idx < ROSTER_FIELDS_MAX)
            r->field[idx][r->len[idx]] = '\0';
        r->n++;
        if (r->error) {
            skip_line(c);
            return true;
        }
        if (c->p < c->end && *c->p == c->sep) {
            c->p++;
            continue;
        }
        if (c->p < c->end && *c->p == '\r')
            c->p++;
        if (c->p < c->end && *c->p == '\n') {
            c->p++;
            c->line++;
        }
        r->blank = r->n == 1 && r->len[0] == 0 && !quoted;
        return true;
    }
}

/* The separator is whichever of ';' and ',' the header line uses more (outside
 * quotes): Dutch spreadsheets write ';', others ','. */
static char detect_sep(const char *p, const char *end)
{
    size_t semi = 0, comma = 0;
    bool in_quotes = false;
    for (; p < end && (in_quotes || *p != '\n'); p++) {
        if (*p == '"')
            in_quotes = !in_quotes;
        else if (!in_quotes && *p == ';')
            semi++;
        else if (!in_quotes && *p == ',')
            comma++;
    }
    return semi > comma ? ';' : ',';
}

/* --- header ------------------------------------------------------------------------ */

enum { COL_SUBJECT, COL_FIRST, COL_GROUP, COL_ISSUER, COL_COUNT };

/* Accepted header names, best first: with both "roepnaam" and "voornaam" the name a
 * student goes by wins over the official first names. */
static const char *const aliases[COL_COUNT][12] = {
    [COL_SUBJECT] = {"subject", "leerlingnummer", "leerling_nummer", "llnr", "studentnummer",
                     "student_number", "student_id", "id", "nummer", NULL},
    [COL_FIRST] = {"roepnaam", "first_name", "firstname", "given_name", "voornaam", NULL},
    [COL_GROUP] = {"group", "klas", "groep", "class", "stamgroep", NULL},
    [COL_ISSUER] = {"issuer", "brin", "brin_code", "brincode", "school", NULL},
};

/* Lower-case, trimmed, spaces and dashes as '_': "Leerling nummer" -> "leerling_nummer". */
static void normalise_header(const char *in, size_t len, char *out, size_t out_len)
{
    while (len > 0 && isspace((unsigned char)*in)) {
        in++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)in[len - 1]))
        len--;
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < out_len; i++) {
        unsigned char ch = (unsigned char)in[i];
        out[o++] = (ch == ' ' || ch == '-') ? '_' : (char)tolower(ch);
    }
    out[o] = '\0';
}

/* Finds the columns; col[k] = -1 when absent. */
static void map_header(const csv_record *h, int col[COL_COUNT])
{
    int best[COL_COUNT];
    for (int k = 0; k < COL_COUNT; k++)
        col[k] = best[k] = -1;
    size_t n = h->n < ROSTER_FIELDS_MAX ? h->n : ROSTER_FIELDS_MAX;
    for (size_t i = 0; i < n; i++) {
        char name[64];
        normalise_header(h->field[i], h->len[i], name, sizeof name);
        for (int k = 0; k < COL_COUNT; k++)
            for (int a = 0; aliases[k][a]; a++)
                if (strcmp(name, aliases[k][a]) == 0 && (best[k] < 0 || a < best[k])) {
                    best[k] = a;
                    col[k] = (int)i;
                }
    }
}

/* --- row rules ----------------------------------------------------------------------- */


/* Trims spaces in place; returns the new length. */
static size_t trim(char *s, size_t len)
{
    size_t start = 0;
    while (start < len && (s[start] == ' ' || s[start] == '\t'))
        start++;
    while (len > start && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    memmove(s, s + start, len - start);
    s[len - start] = '\0';
    return len - start;
}

/* A code of [0-9A-Z]{min,max}; lower case letters are accepted and raised. */
static bool code_ok(char *s, size_t len, size_t min, size_t max)
{
    if (len < min || len > max)
        return false;
    for (size_t i = 0; i < len; i++) {
        char ch = (char)toupper((unsigned char)s[i]);
        if (!((ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z')))
            return false;
        s[i] = ch;
    }
    return true;
}

/* Checks a display text (first name, group). Returns why it is bad, or NULL. */
static const char *text_problem(const char *s, size_t len, size_t max, const char *what_empty,
                                const char *what_long)
{
    if (memchr(s, '\0', len))
        return "a NUL byte";
    if (len == 0)
        return what_empty;
    if (len > max)
        return what_long;
    if (!lk_utf8_valid(s, len))
        return "text that is not UTF-8";
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return "a control character";
    /* A spreadsheet would run these as formulas when the file is opened again. */
    if (strchr("=+-@", s[0]))
        return "a value that starts like a spreadsheet formula (= + - @)";
    return NULL;
}

/* --- import ---------------------------------------------------------------------------- */

static void say(FILE *report, long line, const char *why)
{
    if (report)
        fprintf(report, "line %ld: %s, skipped\n", line, why);
}

lk_status roster_default_issuer(const config *cfg, char *buf, size_t len)
{
    if (!cfg || !buf || !len)
        return LK_ERR_INVALID;
    buf[0] = '\0';
    const char *found = NULL;
    for (size_t i = 0; i < cfg->n_issuers && i < CONFIG_MAX_ISSUERS; i++) {
        if (!config_find_issuer(cfg, cfg->issuers[i].code))
            continue;
        if (found)
            return LK_ERR_EXISTS;
        found = cfg->issuers[i].code;
    }
    if (!found)
        return LK_ERR_NOT_FOUND;
    return lk_strlcpy(buf, found, len) ? LK_OK : LK_ERR_INVALID;
}

/* Validates one data row into *p. Returns why it is bad, or NULL. */
static const char *row_to_person(csv_record *r, const int col[COL_COUNT], const char *issuer,
                                 store_person *p)
{
    memset(p, 0, sizeof p[0]);
    char *subj = r->field[col[COL_SUBJECT]];
    size_t subj_len = trim(subj, r->len[col[COL_SUBJECT]]);
    if (memchr(subj, '\0', subj_len) || !code_ok(subj, subj_len, 1, LK_SUBJECT_MAX))
        return "invalid subject (1-16 of 0-9 A-Z)";

    const char *iss = issuer;
    if (col[COL_ISSUER] >= 0) {
        char *v = r->field[col[COL_ISSUER]];
        size_t vlen = trim(v, r->len[col[COL_ISSUER]]);
        if (vlen > 0) {
            if (memchr(v, '\0', vlen) || !code_ok(v, vlen, 2, LK_ISSUER_MAX))
                return "invalid issuer (2-8 of 0-9 A-Z)";
            iss = v;
        }
    }
    if (!iss || !*iss)
        return "no issuer (add an issuer column or give --issuer CODE)";

    char *first = r->field[col[COL_FIRST]];
    size_t first_len = trim(first, r->len[col[COL_FIRST]]);
    const char *why = text_problem(first, first_len, sizeof p->first_name - 1,
                                   "empty first name", "first name too long");
    if (why)
        return why;
    if (col[COL_GROUP] >= 0) {
        char *g = r->field[col[COL_GROUP]];
        size_t glen = trim(g, r->len[col[COL_GROUP]]);
        if (glen > 0) {
            why = text_problem(g, glen, sizeof p->group - 1, "", "group too long");
            if (why)
                return why;
            lk_strlcpy(p->group, g, sizeof p->group);
        }
    }
    lk_strlcpy(p->issuer, iss, sizeof p->issuer);
    lk_strlcpy(p->subject, subj, sizeof p->subject);
    lk_strlcpy(p->first_name, first, sizeof p->first_name);
    return NULL;
}

lk_status roster_import(store *st, const char *data, size_t len, const char *issuer,
                        FILE *report, roster_stats *out)
{
    roster_stats stats = {0};
    if (out)
        *out = stats;
    if (!st || (!data && len > 0))
        return LK_ERR_INVALID;
    char default_issuer[LK_ISSUER_MAX + 1] = "";
    if (issuer && *issuer) {
        if (!lk_strlcpy(default_issuer, issuer, sizeof default_issuer) ||
            !code_ok(default_issuer, strlen(default_issuer), 2, LK_ISSUER_MAX)) {
            if (report)
                fprintf(report, "issuer '%s' is not 2-8 of 0-9 A-Z\n", issuer);
            return LK_ERR_INVALID;
        }
    }
    csv c = {.p = data, .end = data + len, .line = 1};
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        c.p += 3;
    c.sep = detect_sep(c.p, c.end);

    csv_record *r = malloc(sizeof *r);
    if (!r)
        return LK_ERR_NOMEM;
    lk_status ls = LK_OK;
    bool have_header = false;
    while (!have_header && csv_next(&c, r)) {
        if (r->blank)
            continue;
        have_header = true;
    }
    int col[COL_COUNT];
    size_t header_n = have_header ? r->n : 0;
    if (have_header)
        map_header(r, col);
    if (!have_header || r->error || col[COL_SUBJECT] < 0 || col[COL_FIRST] < 0) {
        if (report)
            fprintf(report,
                    "%s: the first line must name the columns, at least subject "
                    "(or leerlingnummer, id) and first_name (or voornaam, roepnaam)\n",
                    have_header ? (r->error ? r->error : "missing column") : "empty file");
        free(r);
        return LK_ERR_INVALID;
    }
    if (!default_issuer[0] && col[COL_ISSUER] < 0) {
        if (report)
            fprintf(report, "the file has no issuer column: give --issuer CODE\n");
        free(r);
        return LK_ERR_INVALID;
    }

    ls = store_begin(st);
    while (ls == LK_OK && csv_next(&c, r)) {
        if (r->blank)
            continue;
        if (r->error) {
            say(report, r->line, r->error);
            stats.skipped++;
            continue;
        }
        if (r->n != header_n) {
            if (report)
                fprintf(report, "line %ld: %zu fields where the header has %zu, skipped\n",
                        r->line, r->n, header_n);
            stats.skipped++;
            continue;
        }
        store_person p;
        const char *why = row_to_person(r, col, default_issuer, &p);
        if (why) {
            say(report, r->line, why);
            stats.skipped++;
            continue;
        }
        bool inserted = false;
        ls = store_roster_upsert(st, &p, &inserted);
        if (ls == LK_OK) {
            stats.imported++;
            if (inserted)
                stats.inserted++;
            else
                stats.updated++;
        }
    }
    free(r);
    if (ls == LK_OK)
        ls = store_commit(st);
    if (ls != LK_OK) {
        store_rollback(st);
        stats.imported = stats.inserted = stats.updated = 0;
    }
    if (out)
        *out = stats;
    return ls;
}

lk_status roster_import_file(store *st, const char *path, const char *issuer, FILE *report,
                             roster_stats *out)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!st || !path)
        return LK_ERR_INVALID;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (report)
            fprintf(report, "%s: cannot read the file\n", path);
        return LK_ERR_NOT_FOUND;
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size > ROSTER_FILE_MAX) {
        if (report)
            fprintf(report, "%s: not a regular file of at most %ld bytes\n", path,
                    ROSTER_FILE_MAX);
        return LK_ERR_INVALID;
    }
    char *data = NULL;
    size_t len = 0;
    lk_status ls = lk_read_file(path, &data, &len);
    if (ls != LK_OK) {
        if (report)
            fprintf(report, "%s: cannot read the file\n", path);
        return ls;
    }
    ls = roster_import(st, data, len, issuer, report, out);
    free(data);
    return ls;
}
