/* The report over several kiosks' exports (report --from) and over an LRS's
 * statements (report --lrs): statements into an in-memory SQLite database, each
 * kept once by id, voided ones left out, and the same GROUP BY sections as the
 * kiosk's own report. Nothing here names a person. */
#include <ctype.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/report_int.h"
#include "lobkiosk/util.h"

/* --- One report over several kiosks' exports --------------------------------------
 * The statements are loaded into an in-memory SQLite database, one row each, keyed by
 * statement id: a duplicate (the same statement in two exports, or exported twice)
 * is then simply not inserted, and the sections are GROUP BY queries like those
 * above. An experience is one (event activity, actor account) pair, whichever kiosk
 * or file it came from: that is how a student seen by two kiosks counts once. */

#define LOB_IRI "https://w3id.org/xapi/lob"
#define EXT_KIOSK LOB_IRI "/extensions/kiosk"
#define EXT_COMPETENCY LOB_IRI "/extensions/competency"
#define VERB_ATTENDED "http://adlnet.gov/expapi/verbs/attended"
#define VERB_LEFT "http://activitystrea.ms/leave"
#define VERB_ANSWERED "http://adlnet.gov/expapi/verbs/answered"
#define VERB_VOIDED "http://adlnet.gov/expapi/verbs/voided"

struct report_merge {
    sqlite3 *db;
    sqlite3_stmt *insert;
    sqlite3_stmt *fill;
    report_merge_stats stats;
};

static const char MERGE_SCHEMA[] =
    "CREATE TABLE files (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " nread INTEGER NOT NULL DEFAULT 0, nnew INTEGER NOT NULL DEFAULT 0,"
    " ndup INTEGER NOT NULL DEFAULT 0, nskip INTEGER NOT NULL DEFAULT 0);"
    /* verb is attended, left, answered, voided or other; activity the event's IRI
     * (an answer's parent event; NULL when unknown); ms a check-out's duration. */
    "CREATE TABLE st (id TEXT PRIMARY KEY, file INTEGER NOT NULL, kiosk TEXT,"
    " verb TEXT NOT NULL, home TEXT, subject TEXT, activity TEXT, event TEXT, kind TEXT,"
    " title TEXT, question TEXT, competency TEXT, ms INTEGER, target TEXT);"
    /* What still counts: neither a voiding statement nor voided by one. xAPI 1.0.3
     * says a voiding statement cannot itself be voided, so those stay out. */
    "CREATE VIEW live AS SELECT * FROM st WHERE verb <> 'voided' AND id NOT IN"
    " (SELECT target FROM st WHERE verb = 'voided' AND target IS NOT NULL);"
    /* An event's id, kind and title from any statement about it: an export row
     * (jsonl) has no activity type, a statement of another kiosk may. */
    "CREATE VIEW ev AS SELECT activity, max(event) AS event,"
    " coalesce(max(nullif(kind, '')), 'unknown') AS kind,"
    " coalesce(max(nullif(title, '')), '') AS title FROM st"
    " WHERE activity IS NOT NULL GROUP BY activity;"
    /* One experience per event and student; the longest of several check-outs (two
     * kiosks each measure from their own check-in). */
    "CREATE VIEW exp AS SELECT activity, home, subject, max(verb = 'left') AS out,"
    " max(CASE WHEN verb = 'left' THEN ms END) AS ms FROM live"
    " WHERE verb IN ('attended', 'left') GROUP BY activity, home, subject;";

/* Filter on the event (ev) by ?1: its id or its activity IRI, NULL = all. */
#define MERGE_FILTER "(?1 IS NULL OR ev.event = ?1 OR ev.activity = ?1)"
#define STUDENT(t) t ".home || char(31) || " t ".subject"

static const report_section merge_sections[] = {
    {"Check-ins per event (each student once)",
     "  %-16s %-16s %9s %10s %9s %8s %7s  %s\n",
     "SELECT ev.event, ev.kind, count(*), sum(x.out), count(DISTINCT " STUDENT(
         "x") "),"
              " coalesce(CAST(round(avg(x.ms / 60000.0)) AS INTEGER), ''),"
              " (SELECT count(DISTINCT k.kiosk) FROM live k WHERE k.activity = x.activity"
              "  AND k.verb IN ('attended', 'left')),"
              " ev.title FROM exp x JOIN ev ON ev.activity = x.activity WHERE " MERGE_FILTER
              " GROUP BY x.activity ORDER BY ev.event, x.activity",
     "event",
     {C_EVENT, C_KIND, C_COUNT, C_CHECKOUTS, C_STUDENTS, C_MINUTES, C_KIOSKS, C_TITLE},
     "  %-16s %-16s %9s %10s %9s %8s %7s  %s\n"},
    {"Check-ins per kind of activity",
     "  %-16s %9s %9s\n",
     "SELECT ev.kind AS k, count(*), count(DISTINCT " STUDENT(
         "x") ")"
              " FROM exp x JOIN ev ON ev.activity = x.activity WHERE " MERGE_FILTER
              " GROUP BY k ORDER BY k",
     "kind",
     {C_KIND, C_COUNT, C_STUDENTS, -1},
     "  %-16s %9s %9s\n"},
    {"Experiences per student",
     "  %-16s %11s %10s %8s  %s\n",
     "SELECT x.subject, count(*), sum(x.out), coalesce(sum(x.ms), 0) / 60000, x.home"
     " FROM exp x JOIN ev ON ev.activity = x.activity WHERE " MERGE_FILTER
     " GROUP BY x.home, x.subject ORDER BY x.home, x.subject",
     "student",
     {C_SUBJECT, C_COUNT, C_CHECKOUTS, C_MINUTES, C_ISSUER, -1},
     "  %-16s %11s %10s %8s  %s\n"},
    /* The same question answered at two kiosks of one event is one answer. */
    {"Answers per competency",
     "  %-18s %9s %9s\n",
     "SELECT coalesce(a.competency, 'overall') AS c,"
     " count(DISTINCT coalesce(a.activity, '') || char(31) || " STUDENT(
         "a") " || char(31) || a.question), count(DISTINCT " STUDENT("a") ")"
                                                                          " FROM live a LEFT JOIN "
                                                                          "ev ON ev.activity = "
                                                                          "a.activity"
                                                                          " WHERE a.verb = "
                                                                          "'answered' "
                                                                          "AND " MERGE_FILTER
                                                                          " GROUP BY c ORDER BY c",
     "competency",
     {C_COMPETENCY, C_COUNT, C_STUDENTS, -1},
     "  %-18s %9s %9s\n"},
    {"Statements per kiosk",
     "  %-20s %10s\n",
     "SELECT coalesce(l.kiosk, '?'), count(*) FROM live l LEFT JOIN ev ON ev.activity = l.activity"
     " WHERE " MERGE_FILTER " GROUP BY l.kiosk ORDER BY l.kiosk IS NULL, l.kiosk",
     "kiosk",
     {C_KIOSK, C_COUNT, -1},
     "  %-20s %10s\n"},
};

static const char *const merge_titles[][8] = {
    {"event", "kind", "check-ins", "check-outs", "students", "avg min", "kiosks", "title"},
    {"kind", "check-ins", "students"},
    {"subject", "experiences", "check-outs", "minutes", "home page"},
    {"competency", "answers", "students"},
    {"kiosk", "statements"},
};

static char merge_csv_header[256];

const char *report_merge_csv_header(void)
{
    if (!merge_csv_header[0])
        snprintf(merge_csv_header, sizeof merge_csv_header, "%s,kiosk,kiosks,files",
                 REPORT_MERGE_CSV_BASE);
    return merge_csv_header;
}

report_merge *report_merge_create(void)
{
    report_merge *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    if (sqlite3_open(":memory:", &m->db) != SQLITE_OK ||
        sqlite3_exec(m->db, MERGE_SCHEMA, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(m->db,
                           "INSERT OR IGNORE INTO st (id, file, kiosk, verb, home, subject,"
                           " activity, event, kind, title, question, competency, ms, target)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           -1, &m->insert, NULL) != SQLITE_OK ||
        /* A duplicate may know more than the copy read first: a jsonl row has no
         * kiosk id, activity type or event of an answer, the statement does. */
        sqlite3_prepare_v2(m->db,
                           "UPDATE st SET kiosk = coalesce(kiosk, ?3),"
                           " activity = coalesce(activity, ?7), event = coalesce(event, ?8),"
                           " kind = coalesce(kind, ?9), title = coalesce(title, ?10),"
                           " competency = coalesce(competency, ?12), ms = coalesce(ms, ?13)"
                           " WHERE id = ?1 AND verb = ?4",
                           -1, &m->fill, NULL) != SQLITE_OK) {
        fprintf(stderr, "report: merge: %s\n", m->db ? sqlite3_errmsg(m->db) : "no memory");
        report_merge_destroy(m);
        return NULL;
    }
    return m;
}

void report_merge_destroy(report_merge *m)
{
    if (!m)
        return;
    sqlite3_finalize(m->insert);
    sqlite3_finalize(m->fill);
    sqlite3_close(m->db);
    free(m);
}

/* One statement or export row, reduced to what the report counts. Strings are
 * borrowed from the JSON; the buffers hold what had to be rewritten. */
typedef struct mrow {
    char id[37];
    const char *kiosk;
    const char *verb;
    const char *home, *subject;
    const char *activity;
    char event[256];
    char kind[64];
    const char *title;
    const char *question;
    char competency[64];
    int64_t ms; /* -1: unknown */
    char target[37];
} mrow;

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

/* A statement id as xAPI requires it, a UUID, lower-cased so "A..." and "a..." are
 * one statement. */
static bool uuid_norm(const char *s, char out[37])
{
    if (!s || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!isxdigit(c)) {
            return false;
        }
        out[i] = (char)tolower(c);
    }
    out[36] = '\0';
    return true;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The last path segment of an IRI with '-' as '_': competencies and kinds as
 * kiosk.ini names them (work-exploration -> work_exploration, open-day -> open_day). */
static void ini_name(const char *iri, char *out, size_t len)
{
    const char *seg = strrchr(iri, '/');
    seg = seg ? seg + 1 : iri;
    size_t i = 0;
    for (; seg[i] && i + 1 < len; i++)
        out[i] = seg[i] == '-' ? '_' : seg[i];
    out[i] = '\0';
}

static void kind_from_type(const char *type, char *out, size_t len)
{
    out[0] = '\0';
    if (!type)
        return;
    ini_name(type, out, len);
    /* the profile's type for kind "other" (and any kind it does not know) */
    if (strcmp(out, "other_experience") == 0)
        lk_strlcpy(out, "other", len);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The event id from <activity base>events/<id> (percent-decoded, as the kiosk
 * encoded it); an IRI of another shape is its own id. */
static void event_from_iri(const char *iri, char *out, size_t len)
{
    const char *p = NULL;
    for (const char *q = strstr(iri, "/events/"); q; q = strstr(q + 1, "/events/"))
        p = q + strlen("/events/");
    if (!p || !*p || strchr(p, '/')) {
        lk_strlcpy(out, iri, len);
        return;
    }
    size_t n = 0;
    for (; *p && n + 1 < len; p++) {
        int hi, lo;
        if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
            out[n++] = (char)(hi * 16 + lo);
            p += 2;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
}

/* An ISO 8601 duration as the kiosk writes it (PnDTnHnMn.nnS); -1 when it is not
 * one. Only days and smaller: a check-out never spans months. */
static int64_t duration_ms(const char *s)
{
    if (!s || *s != 'P')
        return -1;
    s++;
    bool time = false, any = false;
    double total = 0;
    while (*s) {
        if (*s == 'T' && !time) {
            time = true;
            s++;
            continue;
        }
        if (!isdigit((unsigned char)*s))
            return -1;
        double v = 0, scale = 0;
        for (; isdigit((unsigned char)*s) || (*s == '.' && scale == 0); s++) {
            if (*s == '.') {
                scale = 1;
                continue;
            }
            if (scale > 0) {
                scale /= 10;
                v += (*s - '0') * scale;
            } else {
                v = v * 10 + (*s - '0');
            }
        }
        char unit = *s++;
        if (!time && unit == 'D')
            total += v * 86400000.0;
        else if (time && unit == 'H')
            total += v * 3600000.0;
        else if (time && unit == 'M')
            total += v * 60000.0;
        else if (time && unit == 'S')
            total += v * 1000.0;
        else
            return -1;
        any = true;
    }
    return any && total < 9e15 ? (int64_t)(total + 0.5) : -1;
}

static const char *verb_name(const char *iri)
{
    if (strcmp(iri, VERB_ATTENDED) == 0)
        return "attended";
    if (strcmp(iri, VERB_LEFT) == 0)
        return "left";
    if (strcmp(iri, VERB_ANSWERED) == 0)
        return "answered";
    if (strcmp(iri, VERB_VOIDED) == 0)
        return "voided";
    return "other";
}

/* A voiding statement's actor is the kiosk's own account (<base>kiosks, kiosk id). */
static const char *kiosk_of_account(const char *home, const char *name)
{
    return home && name && (ends_with(home, "/kiosks") || ends_with(home, "/kiosks/")) ? name
                                                                                       : NULL;
}

/* An xAPI statement as the kiosk builds it (docs/xapi-profile.md). Returns NULL, or
 * why it cannot be counted. */
static const char *row_from_statement(json_t *s, mrow *r)
{
    if (!uuid_norm(jstr(s, "id"), r->id))
        return "no statement id (a UUID)";
    const char *verb = jstr(json_object_get(s, "verb"), "id");
    if (!verb)
        return "no verb id";
    r->verb = verb_name(verb);
    json_t *ctx = json_object_get(s, "context");
    json_t *ext = json_object_get(ctx, "extensions");
    r->kiosk = jstr(ext, EXT_KIOSK);
    json_t *account = json_object_get(json_object_get(s, "actor"), "account");
    r->home = jstr(account, "homePage");
    r->subject = jstr(account, "name");
    json_t *obj = json_object_get(s, "object");
    const char *obj_id = jstr(obj, "id");
    if (strcmp(r->verb, "voided") == 0) {
        const char *t = jstr(obj, "objectType");
        if (!t || strcmp(t, "StatementRef") != 0 || !uuid_norm(obj_id, r->target))
            return "a voiding statement without a StatementRef to a statement id";
        if (!r->kiosk)
            r->kiosk = kiosk_of_account(r->home, r->subject);
        r->home = r->subject = NULL; /* the kiosk, not a student */
        return NULL;
    }
    if (strcmp(r->verb, "other") == 0)
        return NULL;
    if (!r->home || !r->subject)
        return "no actor account (homePage and name)";
    if (!obj_id)
        return "no object id";
    json_t *activity = obj;
    if (strcmp(r->verb, "answered") == 0) {
        r->question = obj_id;
        const char *comp = jstr(ext, EXT_COMPETENCY);
        if (comp)
            ini_name(comp, r->competency, sizeof r->competency);
        activity =
            json_array_get(json_object_get(json_object_get(ctx, "contextActivities"), "parent"), 0);
        r->activity = jstr(activity, "id");
    } else {
        r->activity = obj_id;
        if (strcmp(r->verb, "left") == 0)
            r->ms = duration_ms(jstr(json_object_get(s, "result"), "duration"));
    }
    if (r->activity) {
        event_from_iri(r->activity, r->event, sizeof r->event);
        json_t *def = json_object_get(activity, "definition");
        kind_from_type(jstr(def, "type"), r->kind, sizeof r->kind);
        json_t *name = json_object_get(def, "name");
        r->title = jstr(name, "nl-NL") ? jstr(name, "nl-NL") : jstr(name, "en-US");
    }
    return NULL;
}

/* A row of export --format jsonl (src/sync/export.c): the outbox kind, the actor's
 * account, the object id and a few result fields, but no activity type, no kiosk id
 * and no link from an answer to its event. */
static const char *row_from_export_row(json_t *o, mrow *r)
{
    if (!uuid_norm(jstr(o, "statement_id"), r->id))
        return "no statement_id (a UUID)";
    const char *kind = jstr(o, "kind");
    if (!kind)
        return "no kind";
    r->verb = strcmp(kind, "checkin") == 0    ? "attended"
              : strcmp(kind, "checkout") == 0 ? "left"
              : strcmp(kind, "answer") == 0   ? "answered"
              : strcmp(kind, "voiding") == 0  ? "voided"
                                              : "other";
    r->home = jstr(o, "account_home");
    r->subject = jstr(o, "account");
    const char *obj_id = jstr(o, "activity");
    if (strcmp(r->verb, "voided") == 0) {
        if (!uuid_norm(obj_id, r->target))
            return "a voiding row whose activity is no statement id";
        r->kiosk = kiosk_of_account(r->home, r->subject);
        r->home = r->subject = NULL;
        return NULL;
    }
    if (strcmp(r->verb, "other") == 0)
        return NULL;
    if (!r->home || !r->subject)
        return "no account_home and account";
    if (!obj_id)
        return "no activity";
    if (strcmp(r->verb, "answered") == 0) {
        r->question = obj_id;
        const char *comp = jstr(o, "competency");
        if (comp)
            ini_name(comp, r->competency, sizeof r->competency);
        return NULL;
    }
    r->activity = obj_id;
    event_from_iri(r->activity, r->event, sizeof r->event);
    r->title = jstr(o, "activity_name");
    if (strcmp(r->verb, "left") == 0)
        r->ms = duration_ms(jstr(o, "duration"));
    return NULL;
}

static void bind_opt(sqlite3_stmt *s, int i, const char *v)
{
    if (v && *v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

/* Per-file counts while adding. */
typedef struct add_counts {
    size_t read, added, dup, skipped;
} add_counts;

/* Counts one JSON value (a statement or an export row) found at where (e.g. "line 3"). */
static lk_status add_value(report_merge *m, sqlite3_int64 file, json_t *v, const char *name,
                           const char *where, FILE *diag, add_counts *c)
{
    c->read++;
    mrow r;
    memset(&r, 0, sizeof r);
    r.ms = -1;
    const char *why = NULL;
    if (!json_is_object(v))
        why = "not a JSON object";
    else if (json_object_get(v, "statement_id"))
        why = row_from_export_row(v, &r);
    else
        why = row_from_statement(v, &r);
    if (why) {
        if (diag) {
            char sn[256];
            lk_log_escape(name, sn, sizeof sn);
            fprintf(diag, "%s: %s: %s; left out\n", sn, where, why);
        }
        c->skipped++;
        return LK_OK;
    }
    for (int pass = 0; pass < 2; pass++) {
        sqlite3_stmt *s = pass == 0 ? m->insert : m->fill;
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        sqlite3_bind_text(s, 1, r.id, -1, SQLITE_TRANSIENT);
        if (pass == 0)
            sqlite3_bind_int64(s, 2, file);
        bind_opt(s, 3, r.kiosk);
        sqlite3_bind_text(s, 4, r.verb, -1, SQLITE_STATIC);
        if (pass == 0) {
            bind_opt(s, 5, r.home);
            bind_opt(s, 6, r.subject);
            bind_opt(s, 11, r.question);
            bind_opt(s, 14, r.target);
        }
        bind_opt(s, 7, r.activity);
        bind_opt(s, 8, r.activity ? r.event : NULL);
        bind_opt(s, 9, r.kind);
        bind_opt(s, 10, r.title);
        bind_opt(s, 12, r.competency);
        if (r.ms >= 0)
            sqlite3_bind_int64(s, 13, r.ms);
        if (sqlite3_step(s) != SQLITE_DONE)
            return report_db_fail(m->db, "merge insert");
        if (pass == 0 && sqlite3_changes(m->db) > 0) {
            c->added++;
            return LK_OK;
        }
    }
    c->dup++; /* the same id is the same statement: counted once */
    return LK_OK;
}

/* A JSON array of statements (export --format xapi). */
static lk_status add_array(report_merge *m, sqlite3_int64 file, const char *name, const char *data,
                           size_t len, FILE *diag, add_counts *c)
{
    json_error_t e;
    json_t *root = json_loadb(data, len, 0, &e);
    if (!root) {
        if (diag) {
            char sn[256], st[JSON_ERROR_TEXT_LENGTH * 4];
            lk_log_escape(name, sn, sizeof sn); /* a file from a stick: foreign text */
            lk_log_escape(e.text, st, sizeof st);
            fprintf(diag, "%s: line %d column %d: not a complete JSON array of statements (%s)\n",
                    sn, e.line, e.column, st);
        }
        return LK_ERR_INVALID;
    }
    if (!json_is_array(root)) {
        json_decref(root);
        if (diag) {
            char sn[256];
            lk_log_escape(name, sn, sizeof sn);
            fprintf(diag, "%s: not a JSON array of statements\n", sn);
        }
        return LK_ERR_INVALID;
    }
    lk_status ls = LK_OK;
    for (size_t i = 0; ls == LK_OK && i < json_array_size(root); i++) {
        char where[64];
        snprintf(where, sizeof where, "statement %zu", i + 1);
        ls = add_value(m, file, json_array_get(root, i), name, where, diag, c);
    }
    json_decref(root);
    return ls;
}

/* One JSON object a line: export --format jsonl rows, or statements. */
static lk_status add_lines(report_merge *m, sqlite3_int64 file, const char *name, const char *data,
                           size_t len, FILE *diag, add_counts *c)
{
    lk_status ls = LK_OK;
    size_t line = 0;
    for (size_t pos = 0; ls == LK_OK && pos < len;) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        size_t n = end - pos;
        line++;
        const char *p = data + pos;
        pos = end + 1;
        while (n > 0 && isspace((unsigned char)p[n - 1]))
            n--;
        size_t lead = 0;
        while (lead < n && isspace((unsigned char)p[lead]))
            lead++;
        if (lead == n)
            continue;
        char where[64];
        snprintf(where, sizeof where, "line %zu", line);
        json_error_t e;
        json_t *v = json_loadb(p + lead, n - lead, 0, &e);
        if (!v) {
            if (diag) {
                char sn[256], st[JSON_ERROR_TEXT_LENGTH * 4];
                lk_log_escape(name, sn, sizeof sn);
                lk_log_escape(e.text, st, sizeof st);
                fprintf(diag, "%s: %s: not JSON (%s); left out\n", sn, where, st);
            }
            c->read++;
            c->skipped++;
            continue;
        }
        ls = add_value(m, file, v, name, where, diag, c);
        json_decref(v);
    }
    return ls;
}

lk_status report_merge_add(report_merge *m, const char *name, const char *data, size_t len,
                           FILE *diag, size_t *out_skipped)
{
    if (out_skipped)
        *out_skipped = 0;
    if (!m || !name || (!data && len > 0))
        return LK_ERR_INVALID;
    size_t start = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        start = 3; /* a BOM, as editors on Windows write one */
    size_t off = start;
    while (off < len && isspace((unsigned char)data[off]))
        off++;
    /* An empty file is an export without statements (jsonl writes nothing then). */
    if (off < len && data[off] != '[' && data[off] != '{') {
        if (diag)
            fprintf(diag,
                    "%s: not an xapi or jsonl export (a csv export cannot be merged:"
                    " export again with --format xapi)\n",
                    name);
        return LK_ERR_INVALID;
    }
    sqlite3_stmt *f = NULL;
    if (sqlite3_prepare_v2(m->db, "INSERT INTO files (name) VALUES (?)", -1, &f, NULL) != SQLITE_OK)
        return report_db_fail(m->db, "merge file");
    sqlite3_bind_text(f, 1, name, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(f);
    sqlite3_finalize(f);
    if (rc != SQLITE_DONE)
        return report_db_fail(m->db, "merge file");
    sqlite3_int64 file = sqlite3_last_insert_rowid(m->db);
    /* One transaction per file: all of it or (on an error) none of it. */
    if (sqlite3_exec(m->db, "SAVEPOINT addfile", NULL, NULL, NULL) != SQLITE_OK)
        return report_db_fail(m->db, "merge begin");
    add_counts c = {0};
    lk_status ls = off < len && data[off] == '['
                       ? add_array(m, file, name, data + start, len - start, diag, &c)
                       : add_lines(m, file, name, data + start, len - start, diag, &c);
    if (ls == LK_OK) {
        sqlite3_stmt *u = NULL;
        if (sqlite3_prepare_v2(m->db,
                               "UPDATE files SET nread = ?, nnew = ?, ndup = ?, nskip = ?"
                               " WHERE id = ?",
                               -1, &u, NULL) != SQLITE_OK) {
            ls = report_db_fail(m->db, "merge file counts");
        } else {
            sqlite3_bind_int64(u, 1, (sqlite3_int64)c.read);
            sqlite3_bind_int64(u, 2, (sqlite3_int64)c.added);
            sqlite3_bind_int64(u, 3, (sqlite3_int64)c.dup);
            sqlite3_bind_int64(u, 4, (sqlite3_int64)c.skipped);
            sqlite3_bind_int64(u, 5, file);
            if (sqlite3_step(u) != SQLITE_DONE)
                ls = report_db_fail(m->db, "merge file counts");
            sqlite3_finalize(u);
        }
    }
    if (ls == LK_OK && sqlite3_exec(m->db, "RELEASE addfile", NULL, NULL, NULL) != SQLITE_OK)
        ls = report_db_fail(m->db, "merge commit");
    if (ls != LK_OK) {
        sqlite3_exec(m->db, "ROLLBACK TO addfile; RELEASE addfile", NULL, NULL, NULL);
        return ls;
    }
    m->stats.files++;
    m->stats.statements += c.read;
    m->stats.duplicates += c.dup;
    m->stats.skipped += c.skipped;
    if (out_skipped)
        *out_skipped = c.skipped;
    return LK_OK;
}

lk_status report_merge_add_file(report_merge *m, const char *path, FILE *diag, size_t *out_skipped)
{
    if (out_skipped)
        *out_skipped = 0;
    if (!m || !path)
        return LK_ERR_INVALID;
    char *data = NULL;
    size_t len = 0;
    lk_status ls = lk_read_file(path, &data, &len);
    if (ls != LK_OK) {
        if (diag)
            fprintf(diag, "%s: cannot be read (%s)\n", path, lk_strerror(ls));
        return ls;
    }
    ls = report_merge_add(m, path, data, len, diag, out_skipped);
    free(data);
    return ls;
}

/* One integer from a query without parameters but the optional filter. */
static lk_status merge_count(sqlite3 *db, const char *sql, const char *event_id, int64_t *out)
{
    sqlite3_stmt *s = NULL;
    lk_status ls = report_prepare(db, sql, event_id, &s);
    if (ls != LK_OK)
        return ls;
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else
        ls = report_db_fail(db, "merge count");
    sqlite3_finalize(s);
    return ls;
}

lk_status report_merge_get_stats(report_merge *m, report_merge_stats *out)
{
    if (!m || !out)
        return LK_ERR_INVALID;
    *out = m->stats;
    int64_t voided = 0, kiosks = 0;
    lk_status ls = merge_count(m->db,
                               "SELECT count(*) FROM st WHERE verb <> 'voided' AND id IN"
                               " (SELECT target FROM st WHERE verb = 'voided')",
                               NULL, &voided);
    if (ls == LK_OK)
        ls = merge_count(m->db, "SELECT count(DISTINCT kiosk) FROM st", NULL, &kiosks);
    out->voided = (size_t)voided;
    out->kiosks = (size_t)kiosks;
    return ls;
}

/* The per-file table of the text report: what each export brought. */
static lk_status write_files(sqlite3 *db, FILE *out)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, "SELECT nread, nnew, ndup, nskip, name FROM files ORDER BY id", -1,
                           &s, NULL) != SQLITE_OK)
        return report_db_fail(db, "prepare files");
    int rc, rows = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (rows++ == 0)
            fprintf(out, "\nFiles\n  %10s %10s %10s %10s  %s\n", "statements", "new", "duplicates",
                    "malformed", "file");
        char sn[256];
        lk_log_escape(report_col_text(s, 4), sn, sizeof sn); /* a file name from a stick */
        fprintf(out, "  %10s %10s %10s %10s  %s\n", report_col_text(s, 0), report_col_text(s, 1),
                report_col_text(s, 2), report_col_text(s, 3), sn);
    }
    lk_status ls = rc == SQLITE_DONE ? LK_OK : report_db_fail(db, "files");
    sqlite3_finalize(s);
    return ls;
}

lk_status report_merge_write(report_merge *m, const char *event_id, report_format fmt, FILE *out)
{
    if (!m || !out || (fmt != REPORT_TEXT && fmt != REPORT_CSV))
        return LK_ERR_INVALID;
    report_merge_stats ms;
    lk_status ls = report_merge_get_stats(m, &ms);
    int64_t n = 0, students = 0, events = 0, checkouts = 0, kiosks = 0;
    static const char FROM_EXP[] =
        " FROM exp x JOIN ev ON ev.activity = x.activity WHERE " MERGE_FILTER;
    char sql[512];
    static const char *const what[] = {"count(*)", "count(DISTINCT " STUDENT("x") ")",
                                       "count(DISTINCT x.activity)", "coalesce(sum(x.out), 0)"};
    int64_t *into[] = {&n, &students, &events, &checkouts};
    for (size_t i = 0; ls == LK_OK && i < sizeof what / sizeof what[0]; i++) {
        snprintf(sql, sizeof sql, "SELECT %s%s", what[i], FROM_EXP);
        ls = merge_count(m->db, sql, event_id, into[i]);
    }
    if (ls == LK_OK)
        ls = merge_count(m->db,
                         "SELECT count(DISTINCT l.kiosk) FROM live l"
                         " LEFT JOIN ev ON ev.activity = l.activity WHERE " MERGE_FILTER,
                         event_id, &kiosks);
    if (ls != LK_OK)
        return ls;
    char c_n[24], c_students[24], c_checkouts[24], c_kiosks[24], c_files[24];
    snprintf(c_n, sizeof c_n, "%lld", (long long)n);
    snprintf(c_students, sizeof c_students, "%lld", (long long)students);
    snprintf(c_checkouts, sizeof c_checkouts, "%lld", (long long)checkouts);
    snprintf(c_kiosks, sizeof c_kiosks, "%lld", (long long)kiosks);
    snprintf(c_files, sizeof c_files, "%zu", ms.files);
    if (fmt == REPORT_CSV) {
        fprintf(out, "%s\n", report_merge_csv_header());
        const char *cells[C_MERGE_N] = {0};
        cells[C_SECTION] = "total";
        cells[C_COUNT] = c_n;
        cells[C_CHECKOUTS] = c_checkouts;
        cells[C_STUDENTS] = c_students;
        cells[C_KIOSKS] = c_kiosks;
        cells[C_FILES] = c_files;
        report_csv_row(out, cells, C_MERGE_N);
    } else {
        fprintf(out, "Total: %lld check-ins by %lld students at %lld events\n", (long long)n,
                (long long)students, (long long)events);
        if (event_id && *event_id)
            fprintf(out, "Event: %s\n", event_id);
        fprintf(out,
                "Merged: %zu files from %lld kiosks; %zu statements, %zu duplicates left out,"
                " %zu voided, %zu malformed left out\n",
                ms.files, (long long)kiosks, ms.statements, ms.duplicates, ms.voided, ms.skipped);
    }
    for (size_t i = 0; ls == LK_OK && i < sizeof merge_sections / sizeof merge_sections[0]; i++)
        ls = report_write_section(m->db, &merge_sections[i], merge_titles[i], event_id, fmt,
                                  C_MERGE_N, out, NULL);
    if (ls == LK_OK && fmt == REPORT_TEXT)
        ls = write_files(m->db, out);
    if (ls == LK_OK && ferror(out))
        ls = LK_ERR_IO;
    return ls;
}
