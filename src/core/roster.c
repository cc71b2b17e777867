/* Roster import: a strict little CSV reader and the rules for a good roster row.
 * School systems export with ';' or ',', with or without a BOM, CRLF or LF; people
 * edit them in spreadsheets. Every bad row is reported by line number (never by its
 * content: it may hold a name) and skipped; the good rows land in one transaction. */
#include "lobkiosk/roster.h"

#include <ctype.h>
#include <iconv.h>
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
    size_t len[ROSTER_FIELDS_MAX];                       /* their lengths (may hold NULs) */
    size_t n;          /* fields seen, may exceed ROSTER_FIELDS_MAX */
    long line;         /* line the record starts on */
    bool blank;        /* an empty line */
    const char *error; /* why the record is malformed, NULL when fine */
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

/* The separator is whichever of ';', ',' and TAB the header line uses most (outside
 * quotes): Dutch spreadsheets write ';', others ',', Excel's "Unicode text" TAB. */
static char detect_sep(const char *p, const char *end)
{
    size_t semi = 0, comma = 0, tab = 0;
    bool in_quotes = false;
    for (; p < end && (in_quotes || *p != '\n'); p++) {
        if (*p == '"')
            in_quotes = !in_quotes;
        else if (!in_quotes && *p == ';')
            semi++;
        else if (!in_quotes && *p == ',')
            comma++;
        else if (!in_quotes && *p == '\t')
            tab++;
    }
    if (tab > semi && tab > comma)
        return '\t';
    return semi > comma ? ';' : ',';
}

/* --- header ------------------------------------------------------------------------ */

enum { COL_SUBJECT, COL_FIRST, COL_GROUP, COL_ISSUER, COL_COUNT };

/* Accepted header names, best first: with both "roepnaam" and "voornaam" the name a
 * student goes by wins over the official first names. */
static const char *const aliases[COL_COUNT][14] = {
    [COL_SUBJECT] = {"subject", "leerlingnummer", "leerling_nummer", "stamnummer", "stamnr", "llnr",
                     "studentnummer", "student_number", "student_id", "id", "nummer", NULL},
    [COL_FIRST] = {"roepnaam", "first_name", "firstname", "given_name", "voornaam", NULL},
    [COL_GROUP] = {"group", "klas", "groep", "lesgroep", "class", "stamgroep", NULL},
    [COL_ISSUER] = {"issuer", "brin", "brin_code", "brincode", "school", NULL},
};

/* Lower-case, trimmed, spaces and dashes as '_', dots dropped: "Leerling nummer" ->
 * "leerling_nummer", "Stamnr." -> "stamnr". */
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
        if (ch == '.')
            continue;
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
    for (size_t i = 0; i < cfg->n_issuers; i++) {
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
    const char *why = text_problem(first, first_len, sizeof p->first_name - 1, "empty first name",
                                   "first name too long");
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

/* Reads path (a regular file of at most ROSTER_FILE_MAX bytes) into *data. */
static lk_status read_whole(const char *path, FILE *report, char **data, size_t *len)
{
    if (!path)
        return LK_ERR_INVALID;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (report)
            fprintf(report, "%s: cannot read the file\n", path);
        return LK_ERR_NOT_FOUND;
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size > ROSTER_FILE_MAX) {
        if (report)
            fprintf(report, "%s: not a regular file of at most %ld bytes\n", path, ROSTER_FILE_MAX);
        return LK_ERR_INVALID;
    }
    lk_status ls = lk_read_file(path, data, len);
    if (ls != LK_OK && report)
        fprintf(report, "%s: cannot read the file\n", path);
    return ls;
}

/* --- encodings --------------------------------------------------------------------------- */

const char *roster_encoding_name(roster_encoding e)
{
    switch (e) {
    case ROSTER_ENC_UTF8:
        return "UTF-8";
    case ROSTER_ENC_UTF8_BOM:
        return "UTF-8 with BOM";
    case ROSTER_ENC_UTF16LE:
        return "UTF-16 LE (Unicode text)";
    case ROSTER_ENC_UTF16BE:
        return "UTF-16 BE (Unicode text)";
    case ROSTER_ENC_CP1252:
        return "Windows-1252 (Excel CSV)";
    }
    return "?";
}

/* Counts well-formed multi-byte UTF-8 sequences and bytes that start none, so a
 * UTF-8 file with one bad line is told apart from a Windows-1252 file (where "ë" is
 * one byte followed by a letter, never a continuation byte). */
static void utf8_votes(const unsigned char *s, size_t n, size_t *good, size_t *bad)
{
    *good = *bad = 0;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (len == 0 || c == 0xC0 || c == 0xC1 || i + len > n || !lk_utf8_valid(s + i, len)) {
            (*bad)++;
            i++;
            continue;
        }
        (*good)++;
        i += len;
    }
}

/* Converts in[0..len) from charset to UTF-8 with iconv. On a byte sequence that is not
 * valid in charset, *bad_line is its line (newlines counted in units of unit bytes). */
static lk_status convert(const char *charset, const char *in, size_t len, size_t unit,
                         bool big_endian, char **out, size_t *out_len, long *bad_line)
{
    iconv_t cd = iconv_open("UTF-8", charset);
    if (cd == (iconv_t)-1)
        return LK_ERR_INVALID;
    size_t cap = len * 3 + 4; /* UTF-16 and CP1252 never grow more than 3x */
    char *buf = malloc(cap);
    if (!buf) {
        iconv_close(cd);
        return LK_ERR_NOMEM;
    }
    char *ip = (char *)in; /* iconv's prototype is not const-correct */
    size_t il = len;
    char *op = buf;
    size_t ol = cap - 1;
    lk_status ls = LK_OK;
    if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ||
        iconv(cd, NULL, NULL, &op, &ol) == (size_t)-1) {
        long line = 1;
        for (const char *q = in; q + unit <= ip; q += unit) {
            bool nl = unit == 1    ? *q == '\n'
                      : big_endian ? (q[0] == 0 && q[1] == '\n')
                                   : (q[0] == '\n' && q[1] == 0);
            if (nl)
                line++;
        }
        *bad_line = line;
        ls = LK_ERR_INVALID;
    }
    iconv_close(cd);
    if (ls != LK_OK) {
        free(buf);
        return ls;
    }
    *op = '\0';
    *out = buf;
    *out_len = (size_t)(op - buf);
    return LK_OK;
}

lk_status roster_to_utf8(const char *data, size_t len, char **out, size_t *out_len,
                         roster_encoding *enc, long *bad_line)
{
    *out = NULL;
    *out_len = 0;
    *bad_line = 0;
    *enc = ROSTER_ENC_UTF8;
    if (!data && len > 0)
        return LK_ERR_INVALID;
    const unsigned char *u = (const unsigned char *)data;
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        bool be = u[0] == 0xFE;
        *enc = be ? ROSTER_ENC_UTF16BE : ROSTER_ENC_UTF16LE;
        if ((len - 2) % 2 != 0) {
            /* An odd byte count: the last character is cut off. */
            long line = 1;
            for (size_t i = 2; i + 1 < len; i += 2)
                if ((be ? u[i + 1] : u[i]) == '\n' && (be ? u[i] : u[i + 1]) == 0)
                    line++;
            *bad_line = line;
            return LK_ERR_INVALID;
        }
        return convert(be ? "UTF-16BE" : "UTF-16LE", data + 2, len - 2, 2, be, out, out_len,
                       bad_line);
    }
    size_t skip = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        *enc = ROSTER_ENC_UTF8_BOM;
        skip = 3;
    } else {
        /* A NUL in the header line: UTF-16 without a byte order mark, or no text. */
        const char *nl = memchr(data, '\n', len);
        size_t first = nl ? (size_t)(nl - data) : len;
        if (first > 0 && memchr(data, '\0', first)) {
            *bad_line = 1;
            return LK_ERR_INVALID;
        }
        size_t good, bad;
        utf8_votes(u, len, &good, &bad);
        if (bad > 0 && good < bad) {
            *enc = ROSTER_ENC_CP1252;
            return convert("WINDOWS-1252", data, len, 1, false, out, out_len, bad_line);
        }
    }
    /* UTF-8: copied as it is; a row that is not UTF-8 is reported by its line. */
    char *buf = malloc(len - skip + 1);
    if (!buf)
        return LK_ERR_NOMEM;
    if (len > skip)
        memcpy(buf, data + skip, len - skip);
    buf[len - skip] = '\0';
    *out = buf;
    *out_len = len - skip;
    return LK_OK;
}

/* --- reading rows ------------------------------------------------------------------------ */

typedef lk_status (*row_fn)(void *ctx, const store_person *p, long line, roster_stats *stats);

static void note_skipped(roster_stats *s, long line)
{
    if (s->skipped < ROSTER_SKIPPED_LINES_MAX)
        s->skipped_lines[s->skipped] = line;
    s->skipped++;
}

/* Decodes data, reads the header and hands every good row to fn; bad rows are
 * reported and counted. */
static lk_status read_rows(const char *data, size_t len, const char *issuer, FILE *report,
                           row_fn fn, void *ctx, roster_stats *stats)
{
    char default_issuer[LK_ISSUER_MAX + 1] = "";
    if (issuer && *issuer) {
        if (!lk_strlcpy(default_issuer, issuer, sizeof default_issuer) ||
            !code_ok(default_issuer, strlen(default_issuer), 2, LK_ISSUER_MAX)) {
            if (report)
                fprintf(report, "issuer '%s' is not 2-8 of 0-9 A-Z\n", issuer);
            return LK_ERR_INVALID;
        }
    }
    char *text = NULL;
    size_t text_len = 0;
    roster_encoding enc;
    long bad_line = 0;
    lk_status ls = roster_to_utf8(data, len, &text, &text_len, &enc, &bad_line);
    stats->encoding = roster_encoding_name(enc);
    if (ls == LK_ERR_NOMEM)
        return ls;
    if (ls != LK_OK) {
        if (report)
            fprintf(report,
                    "line %ld: the file is not text in UTF-8, UTF-16 (Unicode text) or "
                    "Windows-1252 (Excel CSV); nothing imported. Save it again from the "
                    "spreadsheet as CSV UTF-8\n",
                    bad_line);
        return LK_ERR_INVALID;
    }
    csv c = {.p = text, .end = text + text_len, .line = 1};
    c.sep = detect_sep(c.p, c.end);

    csv_record *r = malloc(sizeof *r);
    if (!r) {
        free(text);
        return LK_ERR_NOMEM;
    }
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
                    "(or stamnr, leerlingnummer, id) and first_name (or roepnaam, voornaam)\n",
                    have_header ? (r->error ? r->error : "missing column") : "empty file");
        ls = LK_ERR_INVALID;
        goto out;
    }
    if (!default_issuer[0] && col[COL_ISSUER] < 0) {
        if (report)
            fprintf(report, "the file has no issuer column: give --issuer CODE\n");
        ls = LK_ERR_INVALID;
        goto out;
    }
    while (ls == LK_OK && csv_next(&c, r)) {
        if (r->blank)
            continue;
        if (r->error) {
            say(report, r->line, r->error);
            note_skipped(stats, r->line);
            continue;
        }
        if (r->n != header_n) {
            if (report)
                fprintf(report, "line %ld: %zu fields where the header has %zu, skipped\n", r->line,
                        r->n, header_n);
            note_skipped(stats, r->line);
            continue;
        }
        store_person p;
        const char *why = row_to_person(r, col, default_issuer, &p);
        if (why) {
            say(report, r->line, why);
            note_skipped(stats, r->line);
            continue;
        }
        ls = fn(ctx, &p, r->line, stats);
    }
out:
    free(r);
    free(text);
    return ls;
}

static lk_status upsert_row(void *ctx, const store_person *p, long line, roster_stats *stats)
{
    (void)line;
    bool inserted = false;
    lk_status ls = store_roster_upsert(ctx, p, &inserted);
    if (ls == LK_OK) {
        stats->imported++;
        if (inserted)
            stats->inserted++;
        else
            stats->updated++;
    }
    return ls;
}

lk_status roster_import(store *st, const char *data, size_t len, const char *issuer, FILE *report,
                        roster_stats *out)
{
    roster_stats stats = {.encoding = ""};
    if (out)
        *out = stats;
    if (!st || (!data && len > 0))
        return LK_ERR_INVALID;
    lk_status ls = store_begin(st);
    if (ls != LK_OK)
        return ls;
    ls = read_rows(data, len, issuer, report, upsert_row, st, &stats);
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

typedef struct collect {
    roster_row *rows; /* grown as rows come */
    size_t n, cap;
} collect;

static lk_status collect_row(void *ctx, const store_person *p, long line, roster_stats *stats)
{
    collect *c = ctx;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->rows[i].person.issuer, p->issuer) == 0 &&
            strcmp(c->rows[i].person.subject, p->subject) == 0) {
            /* The later row wins, as it would in the store. */
            c->rows[i].person = *p;
            c->rows[i].line = line;
            stats->imported++;
            stats->updated++;
            return LK_OK;
        }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        roster_row *n = realloc(c->rows, cap * sizeof *n);
        if (!n)
            return LK_ERR_NOMEM;
        c->rows = n;
        c->cap = cap;
    }
    c->rows[c->n].person = *p;
    c->rows[c->n].line = line;
    c->n++;
    stats->imported++;
    stats->inserted++;
    return LK_OK;
}

lk_status roster_read(const char *data, size_t len, const char *issuer, FILE *report,
                      roster_row **out_rows, size_t *out_n, roster_stats *out)
{
    roster_stats stats = {.encoding = ""};
    if (out)
        *out = stats;
    if (!out_rows || !out_n)
        return LK_ERR_INVALID;
    *out_rows = NULL;
    *out_n = 0;
    if (!data && len > 0)
        return LK_ERR_INVALID;
    collect c = {0};
    lk_status ls = read_rows(data, len, issuer, report, collect_row, &c, &stats);
    if (ls != LK_OK) {
        free(c.rows);
        stats.imported = stats.inserted = stats.updated = 0;
    } else {
        *out_rows = c.rows;
        *out_n = c.n;
    }
    if (out)
        *out = stats;
    return ls;
}

lk_status roster_read_file(const char *path, const char *issuer, FILE *report,
                           roster_row **out_rows, size_t *out_n, roster_stats *out)
{
    char *data = NULL;
    size_t len = 0;
    lk_status ls = read_whole(path, report, &data, &len);
    if (ls != LK_OK)
        return ls;
    ls = roster_read(data, len, issuer, report, out_rows, out_n, out);
    free(data);
    return ls;
}

lk_status roster_import_file(store *st, const char *path, const char *issuer, FILE *report,
                             roster_stats *out)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!st || !path)
        return LK_ERR_INVALID;
    char *data = NULL;
    size_t len = 0;
    lk_status ls = read_whole(path, report, &data, &len);
    if (ls != LK_OK)
        return ls;
    ls = roster_import(st, data, len, issuer, report, out);
    free(data);
    return ls;
}
