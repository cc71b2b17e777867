/* The coordinator's report in one pass: the check-ins in scope are read once (a
 * range of an index when the report is about one event, one group or a period,
 * the table in rowid order for the whole year), their answers and confirmations
 * once, and every section's aggregates are kept in C as they stream past (hash
 * tables of students, events, hosts, kinds and answers; sets of pairs for the
 * distinct counts). Each section then comes out as the rows its SQL query in
 * report.c would give, so the text, CSV and PDF code after it is shared, and a
 * test compares both on seeded databases (test_report_fast).
 *
 * What SQLite computes (hours rounded with round(), local dates and hours) is
 * asked of SQLite itself, once per output row, or per quarter of an hour of the
 * check-ins' times, so the numbers cannot drift from the reference. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/report_int.h"
#include "lobkiosk/util.h"

/* --- small hash tables --------------------------------------------------------------- */

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* FNV-1a over a string, continuing from h; NULL hashes apart from "". */
static uint64_t hash_str(uint64_t h, const char *s)
{
    if (!s)
        return (h ^ 0xffu) * 0x100000001b3ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return (h ^ 0x1fu) * 0x100000001b3ULL;
}
#define HASH0 0xcbf29ce484222325ULL

/* Open addressing from a hash to an index into the owner's array; the owner
 * compares keys. */
typedef struct idmap {
    uint64_t *h;
    int32_t *v; /* -1 = empty */
    size_t cap, n;
} idmap;

static bool idmap_grow(idmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 256;
    uint64_t *h = malloc(cap * sizeof *h);
    int32_t *v = malloc(cap * sizeof *v);
    if (!h || !v) {
        free(h);
        free(v);
        return false;
    }
    for (size_t i = 0; i < cap; i++)
        v[i] = -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->v[i] < 0)
            continue;
        size_t j = (size_t)m->h[i] & (cap - 1);
        while (v[j] >= 0)
            j = (j + 1) & (cap - 1);
        h[j] = m->h[i];
        v[j] = m->v[i];
    }
    free(m->h);
    free(m->v);
    m->h = h;
    m->v = v;
    m->cap = cap;
    return true;
}

typedef bool (*idmap_eq)(const void *owner, int32_t idx, const void *key);

/* The slot of key: its value is the index, or -1 when absent (set it to add the
 * key; idmap_added counts it). NULL when out of memory. */
static int32_t *idmap_slot(idmap *m, uint64_t h, idmap_eq eq, const void *owner, const void *key)
{
    if ((m->n + 1) * 2 > m->cap && !idmap_grow(m))
        return NULL;
    size_t j = (size_t)h & (m->cap - 1);
    while (m->v[j] >= 0) {
        if (m->h[j] == h && eq(owner, m->v[j], key))
            return &m->v[j];
        j = (j + 1) & (m->cap - 1);
    }
    m->h[j] = h;
    return &m->v[j];
}

static void idmap_free(idmap *m)
{
    free(m->h);
    free(m->v);
    memset(m, 0, sizeof *m);
}

/* A set of pairs of non-negative 31-bit numbers (distinct counts). */
typedef struct pairset {
    uint64_t *k; /* 0 = empty; stored as key | 1 << 63 */
    size_t cap, n;
} pairset;

/* Adds (a, b): 1 when new, 0 when there already, -1 out of memory. */
static int pairset_add(pairset *p, uint32_t a, uint32_t b)
{
    if ((p->n + 1) * 2 > p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1024;
        uint64_t *k = calloc(cap, sizeof *k);
        if (!k)
            return -1;
        for (size_t i = 0; i < p->cap; i++) {
            if (!p->k[i])
                continue;
            size_t j = (size_t)mix64(p->k[i]) & (cap - 1);
            while (k[j])
                j = (j + 1) & (cap - 1);
            k[j] = p->k[i];
        }
        free(p->k);
        p->k = k;
        p->cap = cap;
    }
    uint64_t key = ((uint64_t)a << 32 | b) | 1ULL << 63;
    size_t j = (size_t)mix64(key) & (p->cap - 1);
    while (p->k[j]) {
        if (p->k[j] == key)
            return 0;
        j = (j + 1) & (p->cap - 1);
    }
    p->k[j] = key;
    p->n++;
    return 1;
}

static bool pairset_has(const pairset *p, uint32_t a, uint32_t b)
{
    if (!p->cap)
        return false;
    uint64_t key = ((uint64_t)a << 32 | b) | 1ULL << 63;
    size_t j = (size_t)mix64(key) & (p->cap - 1);
    while (p->k[j]) {
        if (p->k[j] == key)
            return true;
        j = (j + 1) & (p->cap - 1);
    }
    return false;
}

/* --- what is counted ------------------------------------------------------------------ */

#define N_KNOWN 5   /* the five competencies, in the report's order */
#define C_NULL 5    /* the overall rating (no competency) */
#define C_EMPTY 6   /* competency '' */
#define C_OTHER 7   /* a competency no report lists */
#define N_KINDCOL 6 /* the student section's kind columns; the last is "other" */

static const char *const known_comp[N_KNOWN] = {"qualities", "motives", "work_exploration",
                                                "career_steering", "networking"};
static const char *const kind_cols[N_KINDCOL - 1] = {"open_day", "trial_day", "company_visit",
                                                     "career_fair", "internship_day"};

typedef struct fstudent {
    char *issuer, *subject, *first_name, *grp; /* grp: the roster's, "" when not on it */
    bool roster;                               /* on the roster */
    int32_t group;                             /* index into groups */
    int64_t n, ms, man, open, cf, an, k[N_KINDCOL], c[N_KNOWN];
    unsigned comps;      /* competency ids (C_*) answered, bit per id */
    uint64_t hosts_seen; /* hosts 0..63 with a check-in (more: host_students) */
    uint64_t kinds_seen; /* kinds 0..63 likewise */
} fstudent;

typedef struct fevent {
    char *id, *title, *kind, *host, *mode; /* as in events, or the report's defaults */
    int64_t start_ms, end_ms;
    bool in_table; /* a row of events (else only check-ins name it) */
    bool expect;   /* kiosk.ini expects groups: who came is kept */
    bool cc;       /* mode checkin_checkout */
    int32_t host_i, kind_i, kind_col;
    int64_t n, man, open, ms, first;
    int64_t last_day; /* the local day of the previous check-in (host_days has it) */
    int64_t hours[24];
} fevent;

typedef struct fname { /* a host, a kind or a group */
    char *name;
    int64_t n, ms, open, students, days;
    int64_t ro, sg, an, c[N_KNOWN]; /* groups: roster, with experience, answers, per comp */
} fname;

typedef struct fanswer {
    char *comp, *qid, *resp; /* comp "" for NULL */
    int rank;
    int64_t n;
} fanswer;

typedef struct vec {
    void *a;
    size_t n, cap, size;
} vec;

static void *vec_push(vec *v)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 64;
        void *a = realloc(v->a, cap * v->size);
        if (!a)
            return NULL;
        v->a = a;
        v->cap = cap;
    }
    void *p = (char *)v->a + v->n++ * v->size;
    memset(p, 0, v->size);
    return p;
}

#define AT(v, T, i) (&((T *)(v).a)[i])

struct report_fast {
    sqlite3 *db;
    report_filter f;
    int64_t until; /* f.until_ms or INT64_MAX */
    vec students, events, hosts, kinds, groups, answers;
    idmap m_students, m_events, m_hosts, m_kinds, m_groups, m_answers;
    pairset host_students, host_days, kind_students, came;
    int64_t nx;               /* check-ins in scope */
    int64_t comp_n[8];        /* answers per competency id */
    int64_t comp_students[8]; /* students per competency id */
    /* check-ins in scope by id: x_ids ascending with their student */
    int64_t *x_ids;
    int32_t *x_sid;
    size_t x_n, x_cap;
    bool x_sorted;
    int32_t *x_dense; /* student by id - x_ids[0] when the ids are dense, -1 none */
    size_t x_span;
    sqlite3_stmt *q_round, *q_date, *q_local;
    int64_t round_ms; /* the last hours_text: its ms and text */
    char round_text[32];
    int32_t last_event; /* the previous check-in's event, -1 none */
    struct {
        int64_t block;
        int32_t off; /* seconds east of UTC; INT32_MIN = not constant: ask SQLite */
    } tz[4096];
};

static char *dup_or_empty(const unsigned char *s)
{
    return strdup(s ? (const char *)s : "");
}

/* --- keys ----------------------------------------------------------------------------- */

typedef struct skey {
    const char *issuer, *subject;
} skey;

static bool student_eq(const void *owner, int32_t i, const void *key)
{
    const fstudent *s = AT(*(const vec *)owner, fstudent, i);
    const skey *k = key;
    return strcmp(s->subject, k->subject) == 0 && strcmp(s->issuer, k->issuer) == 0;
}

static bool event_eq(const void *owner, int32_t i, const void *key)
{
    return strcmp(AT(*(const vec *)owner, fevent, i)->id, key) == 0;
}

static bool name_eq(const void *owner, int32_t i, const void *key)
{
    return strcmp(AT(*(const vec *)owner, fname, i)->name, key) == 0;
}

static bool answer_eq(const void *owner, int32_t i, const void *key)
{
    const fanswer *a = AT(*(const vec *)owner, fanswer, i);
    const char *const *k = key;
    return strcmp(a->resp, k[2]) == 0 && strcmp(a->qid, k[1]) == 0 && strcmp(a->comp, k[0]) == 0;
}

/* The student issuer/subject, added (not on the roster) when new; -1 no memory. */
static int32_t student_get(report_fast *d, const char *issuer, const char *subject)
{
    skey k = {issuer, subject};
    int32_t *slot = idmap_slot(&d->m_students, hash_str(hash_str(HASH0, issuer), subject),
                               student_eq, &d->students, &k);
    if (!slot)
        return -1;
    if (*slot >= 0)
        return *slot;
    fstudent *s = vec_push(&d->students);
    if (!s)
        return -1;
    s->issuer = strdup(issuer);
    s->subject = strdup(subject);
    s->first_name = strdup("");
    s->grp = strdup("");
    s->group = -1;
    if (!s->issuer || !s->subject || !s->first_name || !s->grp)
        return -1;
    d->m_students.n++;
    return *slot = (int32_t)(d->students.n - 1);
}

/* A host, kind or group by name, added when new; -1 no memory. */
static int32_t name_get(vec *v, idmap *m, const char *name)
{
    int32_t *slot = idmap_slot(m, hash_str(HASH0, name), name_eq, v, name);
    if (!slot)
        return -1;
    if (*slot >= 0)
        return *slot;
    fname *n = vec_push(v);
    if (!n || !(n->name = strdup(name)))
        return -1;
    m->n++;
    return *slot = (int32_t)(v->n - 1);
}

static int32_t event_new(report_fast *d, const config *cfg, const char *id, int32_t *slot)
{
    fevent *e = vec_push(&d->events);
    if (!e)
        return -1;
    e->id = strdup(id);
    e->title = strdup("");
    e->kind = strdup("other");
    e->host = strdup("");
    e->mode = strdup("checkin");
    e->first = INT64_MAX;
    e->last_day = INT64_MIN;
    if (!e->id || !e->title || !e->kind || !e->host || !e->mode)
        return -1;
    const config_event *ce = cfg ? config_find_event(cfg, id) : NULL;
    e->expect = ce && ce->expected_groups[0];
    d->m_events.n++;
    return *slot = (int32_t)(d->events.n - 1);
}

/* Where an event's check-ins are counted: its host, kind and kind column. */
static lk_status event_place(report_fast *d, fevent *e)
{
    e->host_i = name_get(&d->hosts, &d->m_hosts, e->host);
    e->kind_i = name_get(&d->kinds, &d->m_kinds, e->kind);
    if (e->host_i < 0 || e->kind_i < 0)
        return LK_ERR_NOMEM;
    e->kind_col = N_KINDCOL - 1;
    for (int i = 0; i < N_KINDCOL - 1; i++)
        if (strcmp(e->kind, kind_cols[i]) == 0)
            e->kind_col = i;
    e->cc = strcmp(e->mode, "checkin_checkout") == 0;
    return LK_OK;
}

static int32_t event_get(report_fast *d, const config *cfg, const char *id)
{
    if (d->last_event >= 0 && strcmp(AT(d->events, fevent, d->last_event)->id, id) == 0)
        return d->last_event;
    int32_t *slot = idmap_slot(&d->m_events, hash_str(HASH0, id), event_eq, &d->events, id);
    if (!slot)
        return -1;
    if (*slot < 0) {
        int32_t i = event_new(d, cfg, id, slot);
        if (i < 0 || event_place(d, AT(d->events, fevent, i)) != LK_OK)
            return -1;
    }
    return d->last_event = *slot;
}

/* --- SQLite's own arithmetic ----------------------------------------------------------- */

static lk_status prepare(report_fast *d, const char *sql, sqlite3_stmt **s)
{
    if (sqlite3_prepare_v2(d->db, sql, -1, s, NULL) != SQLITE_OK)
        return report_db_fail(d->db, "report");
    return LK_OK;
}

/* round(ms / 3600000.0, 2) as the reference query computes it, as text that
 * strtod turns back into the same double. */
static void hours_text(report_fast *d, int64_t ms, char *buf, size_t len)
{
    if (d->round_ms == ms && d->round_text[0]) { /* rows of students without hours */
        lk_strlcpy(buf, d->round_text, len);
        return;
    }
    sqlite3_reset(d->q_round);
    sqlite3_bind_int64(d->q_round, 1, ms);
    double v = sqlite3_step(d->q_round) == SQLITE_ROW ? sqlite3_column_double(d->q_round, 0) : 0;
    snprintf(buf, len, "%.17g", v);
    d->round_ms = ms;
    lk_strlcpy(d->round_text, buf, sizeof d->round_text);
}

/* date(ms / 1000, 'unixepoch', 'localtime') */
static void date_text(report_fast *d, int64_t ms, char *buf, size_t len)
{
    sqlite3_reset(d->q_date);
    sqlite3_bind_int64(d->q_date, 1, ms / 1000);
    buf[0] = '\0';
    if (sqlite3_step(d->q_date) == SQLITE_ROW)
        lk_strlcpy(buf, report_col_text(d->q_date, 0), len);
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t dd)
{
    y -= m <= 2;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + dd - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The local day (days since 1970-01-01) and hour of a check-in, as SQLite's
 * 'localtime' gives them. Within 1970..2037 SQLite uses localtime_r as is: the
 * offset of each quarter of an hour is asked once and kept when it is the same at
 * its first and last second and the breakdown agrees; else (and outside those
 * years, where SQLite maps the year) SQLite is asked for this row. */
static void local_day_hour(report_fast *d, int64_t ms, int64_t *day, int *hour)
{
    int64_t t = ms / 1000; /* as checkin_ms / 1000 in SQL: truncated */
    if (t >= 0 && t < 2147385600) {
        int64_t block = t / 900;
        size_t slot = (size_t)block & 4095;
        if (d->tz[slot].block != block) {
            d->tz[slot].block = block;
            d->tz[slot].off = INT32_MIN;
            time_t a = (time_t)(block * 900), b = a + 899;
            struct tm ta, tb;
            if (localtime_r(&a, &ta) && localtime_r(&b, &tb) && ta.tm_gmtoff == tb.tm_gmtoff) {
                int64_t la = (int64_t)a + ta.tm_gmtoff;
                int64_t sod = la - floor_div(la, 86400) * 86400;
                if (days_from_civil(ta.tm_year + 1900LL, ta.tm_mon + 1, ta.tm_mday) ==
                        floor_div(la, 86400) &&
                    ta.tm_hour == sod / 3600 && ta.tm_min == sod % 3600 / 60 &&
                    ta.tm_sec == sod % 60)
                    d->tz[slot].off = (int32_t)ta.tm_gmtoff;
            }
        }
        if (d->tz[slot].off != INT32_MIN) {
            int64_t l = t + d->tz[slot].off;
            *day = floor_div(l, 86400);
            *hour = (int)((l - *day * 86400) / 3600);
            return;
        }
    }
    sqlite3_reset(d->q_local);
    sqlite3_bind_int64(d->q_local, 1, t);
    *day = INT64_MIN;
    *hour = 0;
    if (sqlite3_step(d->q_local) == SQLITE_ROW) {
        const char *date = report_col_text(d->q_local, 0);
        long long y = 0;
        int mo = 0, dd = 0;
        if (sscanf(date, "%lld-%d-%d", &y, &mo, &dd) == 3)
            *day = days_from_civil(y, mo, dd);
        *hour = sqlite3_column_int(d->q_local, 1);
    }
}

/* --- reading ------------------------------------------------------------------------- */

static lk_status load_roster(report_fast *d)
{
    sqlite3_stmt *s = NULL;
    lk_status ls = prepare(d, "SELECT issuer, subject, first_name, grp FROM roster", &s);
    int rc = SQLITE_ROW;
    while (ls == LK_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int32_t i = student_get(d, report_col_text(s, 0), report_col_text(s, 1));
        fstudent *st = i >= 0 ? AT(d->students, fstudent, i) : NULL;
        if (!st) {
            ls = LK_ERR_NOMEM;
            break;
        }
        free(st->first_name);
        free(st->grp);
        st->first_name = dup_or_empty(sqlite3_column_text(s, 2));
        st->grp = dup_or_empty(sqlite3_column_text(s, 3));
        st->roster = true;
        st->group = name_get(&d->groups, &d->m_groups, st->grp);
        if (!st->first_name || !st->grp || st->group < 0)
            ls = LK_ERR_NOMEM;
        else if (!d->f.group || strcmp(st->grp, d->f.group) == 0)
            AT(d->groups, fname, st->group)->ro++;
    }
    if (ls == LK_OK && rc != SQLITE_DONE)
        ls = report_db_fail(d->db, "roster");
    sqlite3_finalize(s);
    return ls;
}

static lk_status load_events(report_fast *d, const config *cfg)
{
    sqlite3_stmt *s = NULL;
    lk_status ls =
        prepare(d, "SELECT id, title, kind, host, mode, start_ms, end_ms FROM events", &s);
    int rc = SQLITE_ROW;
    while (ls == LK_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *id = report_col_text(s, 0);
        int32_t *slot = idmap_slot(&d->m_events, hash_str(HASH0, id), event_eq, &d->events, id);
        int32_t i = !slot ? -1 : *slot >= 0 ? *slot : event_new(d, cfg, id, slot);
        if (i < 0) {
            ls = LK_ERR_NOMEM;
            break;
        }
        fevent *e = AT(d->events, fevent, i);
        char **col[4] = {&e->title, &e->kind, &e->host, &e->mode};
        for (int c = 0; c < 4; c++) {
            free(*col[c]);
            *col[c] = dup_or_empty(sqlite3_column_text(s, c + 1));
            if (!*col[c])
                ls = LK_ERR_NOMEM;
        }
        e->start_ms = sqlite3_column_int64(s, 5);
        e->end_ms = sqlite3_column_int64(s, 6);
        e->in_table = true;
        if (ls == LK_OK)
            ls = event_place(d, e);
    }
    if (ls == LK_OK && rc != SQLITE_DONE)
        ls = report_db_fail(d->db, "events");
    sqlite3_finalize(s);
    return ls;
}

/* The check-ins a report over f reads: a range of experiences_by_event for one
 * event, the group's roster rows and their experiences for one group, a range of
 * experiences_by_time for a period, the table for everything. ?1 event, ?2 since,
 * ?3 until, ?4 group. The columns: id, event_id, issuer, subject, checkin_ms,
 * checkout_ms, manual. Every row is checked against f again in C. */
#define X_COLS "e.id, e.event_id, e.issuer, e.subject, e.checkin_ms, e.checkout_ms, e.manual"
static const char *x_sql(const report_filter *f, int64_t until)
{
    if (f->event_id)
        return "SELECT " X_COLS " FROM experiences e WHERE e.event_id = ?1"
               " AND e.checkin_ms >= ?2 AND e.checkin_ms < ?3";
    if (f->group)
        return "SELECT " X_COLS " FROM roster r JOIN experiences e ON e.issuer = r.issuer"
               " AND e.subject = r.subject WHERE r.grp = ?4 AND e.checkin_ms >= ?2"
               " AND e.checkin_ms < ?3";
    if (f->since_ms > 0 || until != INT64_MAX)
        return "SELECT " X_COLS " FROM experiences e WHERE e.checkin_ms >= ?2"
               " AND e.checkin_ms < ?3";
    return "SELECT " X_COLS " FROM experiences e";
}

static void bind_x(sqlite3_stmt *s, const report_fast *d)
{
    if (d->f.event_id)
        sqlite3_bind_text(s, 1, d->f.event_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, d->f.since_ms);
    sqlite3_bind_int64(s, 3, d->until);
    if (d->f.group)
        sqlite3_bind_text(s, 4, d->f.group, -1, SQLITE_STATIC);
}

static lk_status x_push(report_fast *d, int64_t id, int32_t sid)
{
    if (d->x_n == d->x_cap) {
        size_t cap = d->x_cap ? d->x_cap * 2 : 4096;
        int64_t *ids = realloc(d->x_ids, cap * sizeof *ids);
        if (!ids)
            return LK_ERR_NOMEM;
        d->x_ids = ids;
        int32_t *sids = realloc(d->x_sid, cap * sizeof *sids);
        if (!sids)
            return LK_ERR_NOMEM;
        d->x_sid = sids;
        d->x_cap = cap;
    }
    if (d->x_n > 0 && d->x_ids[d->x_n - 1] >= id)
        d->x_sorted = false;
    d->x_ids[d->x_n] = id;
    d->x_sid[d->x_n++] = sid;
    return LK_OK;
}

/* One check-in in scope, counted everywhere. */
static lk_status count_checkin(report_fast *d, int32_t sid, int32_t eid, int64_t in, int64_t out,
                               int64_t manual)
{
    fstudent *s = AT(d->students, fstudent, sid);
    fevent *e = AT(d->events, fevent, eid);
    int64_t ms = out > in ? out - in : 0;
    int64_t open = out == 0 && e->cc;
    int64_t day;
    int hour;
    local_day_hour(d, in, &day, &hour);
    d->nx++;
    s->n++;
    s->ms += ms;
    s->man += manual;
    s->open += open;
    s->k[e->kind_col]++;
    e->n++;
    e->man += manual;
    e->open += open;
    e->ms += ms;
    if (in < e->first)
        e->first = in;
    if (hour >= 0 && hour < 24)
        e->hours[hour]++;
    fname *h = AT(d->hosts, fname, e->host_i), *k = AT(d->kinds, fname, e->kind_i);
    h->n++;
    h->ms += ms;
    h->open += open;
    k->n++;
    k->ms += ms;
    /* distinct students and days: bits per student for the first 64 hosts and
     * kinds, sets of pairs beyond; a day once per event as long as it lasts */
    int a, b = 0, c;
    if (e->host_i < 64) {
        a = !(s->hosts_seen >> e->host_i & 1u);
        s->hosts_seen |= (uint64_t)1 << e->host_i;
    } else {
        a = pairset_add(&d->host_students, (uint32_t)e->host_i, (uint32_t)sid);
    }
    if (e->kind_i < 64) {
        c = !(s->kinds_seen >> e->kind_i & 1u);
        s->kinds_seen |= (uint64_t)1 << e->kind_i;
    } else {
        c = pairset_add(&d->kind_students, (uint32_t)e->kind_i, (uint32_t)sid);
    }
    if (day != e->last_day) {
        b = pairset_add(&d->host_days, (uint32_t)e->host_i, (uint32_t)(day + 0x40000000));
        e->last_day = day;
    }
    int m = e->expect ? pairset_add(&d->came, (uint32_t)eid, (uint32_t)sid) : 0;
    if (a < 0 || b < 0 || c < 0 || m < 0)
        return LK_ERR_NOMEM;
    h->students += a;
    h->days += b;
    k->students += c;
    return LK_OK;
}

static lk_status load_checkins(report_fast *d, const config *cfg)
{
    sqlite3_stmt *s = NULL;
    lk_status ls = prepare(d, x_sql(&d->f, d->until), &s);
    if (ls != LK_OK)
        return ls;
    bind_x(s, d);
    int rc = SQLITE_ROW;
    while (ls == LK_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t in = sqlite3_column_int64(s, 4);
        const char *event = report_col_text(s, 1);
        if (in < d->f.since_ms || in >= d->until ||
            (d->f.event_id && strcmp(event, d->f.event_id) != 0))
            continue;
        int32_t sid = student_get(d, report_col_text(s, 2), report_col_text(s, 3));
        if (sid < 0) {
            ls = LK_ERR_NOMEM;
            break;
        }
        if (d->f.group && strcmp(AT(d->students, fstudent, sid)->grp, d->f.group) != 0)
            continue;
        int32_t eid = event_get(d, cfg, event);
        if (eid < 0) {
            ls = LK_ERR_NOMEM;
            break;
        }
        ls = x_push(d, sqlite3_column_int64(s, 0), sid);
        if (ls == LK_OK)
            ls = count_checkin(d, sid, eid, in, sqlite3_column_int64(s, 5),
                               sqlite3_column_int64(s, 6));
    }
    if (ls == LK_OK && rc != SQLITE_DONE)
        ls = report_db_fail(d->db, "experiences");
    sqlite3_finalize(s);
    return ls;
}

static int cmp_x(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The student of check-in id when it is in scope, else -1. */
static int32_t x_student(const report_fast *d, int64_t id)
{
    if (d->x_dense) {
        uint64_t i = (uint64_t)(id - (d->x_n ? d->x_ids[0] : 0));
        return i < d->x_span ? d->x_dense[i] : -1;
    }
    size_t lo = 0, hi = d->x_n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->x_ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->x_n && d->x_ids[lo] == id ? d->x_sid[lo] : -1;
}

/* Sorts the check-ins by id (a group's come in roster order) with their students. */
static lk_status x_sort(report_fast *d)
{
    if (d->x_sorted)
        return LK_OK;
    int64_t(*pairs)[2] = malloc(d->x_n * sizeof *pairs);
    if (!pairs)
        return LK_ERR_NOMEM;
    for (size_t i = 0; i < d->x_n; i++) {
        pairs[i][0] = d->x_ids[i];
        pairs[i][1] = d->x_sid[i];
    }
    qsort(pairs, d->x_n, sizeof *pairs, cmp_x);
    for (size_t i = 0; i < d->x_n; i++) {
        d->x_ids[i] = pairs[i][0];
        d->x_sid[i] = (int32_t)pairs[i][1];
    }
    free(pairs);
    d->x_sorted = true;
    return LK_OK;
}

/* With ids dense enough (a year's check-ins, not a scattered group), a direct
 * table from id to student instead of a binary search per answer. */
static void x_densify(report_fast *d)
{
    if (!d->x_n)
        return;
    int64_t span = d->x_ids[d->x_n - 1] - d->x_ids[0] + 1;
    if (span > (int64_t)d->x_n * 4 + 4096)
        return;
    d->x_dense = malloc((size_t)span * sizeof *d->x_dense);
    if (!d->x_dense)
        return; /* the binary search still answers */
    d->x_span = (size_t)span;
    for (size_t i = 0; i < d->x_span; i++)
        d->x_dense[i] = -1;
    for (size_t i = 0; i < d->x_n; i++)
        d->x_dense[d->x_ids[i] - d->x_ids[0]] = d->x_sid[i];
}

/* Rows of table (answers or confirmations) that belong to the check-ins in scope:
 * the whole table when the scope is most of the check-ins, else found through
 * the scope's own query and the table's index on experience_id. */
/* The scope's rows of table (answers or confirmations), cols after their
 * experience_id: the whole table (whole) or through the scope's own query and
 * the table's index on experience_id. */
static void child_sql(const report_filter *f, int64_t until, const char *table, const char *cols,
                      bool whole, char *buf, size_t len)
{
    if (whole)
        snprintf(buf, len, "SELECT c.experience_id, %s FROM %s c", cols, table);
    else
        snprintf(buf, len,
                 "SELECT c.experience_id, %s FROM (%s) x JOIN %s c ON c.experience_id = x.id", cols,
                 x_sql(f, until), table);
}

#define ANSWER_COLS "c.competency, c.question_id, c.response"

const char *report_fast_scope_sql(const report_filter *f, size_t i, char *buf, size_t len)
{
    report_filter g = *f;
    if (g.event_id && !*g.event_id)
        g.event_id = NULL;
    if (g.group && !*g.group)
        g.group = NULL;
    int64_t until = f->until_ms > 0 ? f->until_ms : INT64_MAX;
    if (i == 0)
        snprintf(buf, len, "%s", x_sql(&g, until));
    else if (i == 1)
        child_sql(&g, until, "answers", ANSWER_COLS, false, buf, len);
    else if (i == 2)
        child_sql(&g, until, "confirmations", "1", false, buf, len);
    else
        return NULL;
    return buf;
}

/* Rows of table that belong to the check-ins in scope: the whole table when the
 * scope is most of the check-ins, else found through the scope's own query. */
static lk_status child_stmt(report_fast *d, const char *table, const char *cols, sqlite3_stmt **out)
{
    int64_t max_id = 0;
    sqlite3_stmt *s = NULL;
    lk_status ls = prepare(d, "SELECT max(id) FROM experiences", &s);
    if (ls == LK_OK && sqlite3_step(s) == SQLITE_ROW)
        max_id = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (ls != LK_OK)
        return ls;
    char sql[1024];
    bool whole = (int64_t)d->x_n * 4 >= max_id;
    child_sql(&d->f, d->until, table, cols, whole, sql, sizeof sql);
    ls = prepare(d, sql, out);
    if (ls == LK_OK && !whole)
        bind_x(*out, d);
    return ls;
}

static int comp_id(const char *c)
{
    if (!c)
        return C_NULL;
    if (!*c)
        return C_EMPTY;
    for (int i = 0; i < N_KNOWN; i++)
        if (strcmp(c, known_comp[i]) == 0)
            return i;
    return C_OTHER;
}

static int comp_rank(int id)
{
    return id < N_KNOWN ? id + 1 : 0;
}

static lk_status count_answer(report_fast *d, int32_t sid, const char *comp, const char *qid,
                              const char *resp)
{
    fstudent *s = AT(d->students, fstudent, sid);
    int ci = comp_id(comp);
    s->an++;
    if (ci < N_KNOWN)
        s->c[ci]++;
    if (!(s->comps & 1u << ci)) {
        s->comps |= 1u << ci;
        d->comp_students[ci]++;
    }
    d->comp_n[ci]++;
    const char *key[3] = {comp ? comp : "", qid, resp};
    uint64_t h = hash_str(hash_str(hash_str(HASH0, key[0]), qid), resp);
    int32_t *slot = idmap_slot(&d->m_answers, h, answer_eq, &d->answers, key);
    if (!slot)
        return LK_ERR_NOMEM;
    if (*slot < 0) {
        fanswer *a = vec_push(&d->answers);
        if (!a || !(a->comp = strdup(key[0])) || !(a->qid = strdup(qid)) ||
            !(a->resp = strdup(resp)))
            return LK_ERR_NOMEM;
        a->rank = comp_rank(ci);
        d->m_answers.n++;
        *slot = (int32_t)(d->answers.n - 1);
    }
    AT(d->answers, fanswer, *slot)->n++;
    return LK_OK;
}

static lk_status load_children(report_fast *d)
{
    lk_status ls = x_sort(d);
    if (ls == LK_OK)
        x_densify(d);
    sqlite3_stmt *s = NULL;
    if (ls == LK_OK)
        ls = child_stmt(d, "answers", ANSWER_COLS, &s);
    int rc = SQLITE_DONE;
    while (ls == LK_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int32_t sid = x_student(d, sqlite3_column_int64(s, 0));
        if (sid >= 0)
            ls = count_answer(d, sid, (const char *)sqlite3_column_text(s, 1),
                              report_col_text(s, 2), report_col_text(s, 3));
    }
    if (ls == LK_OK && rc != SQLITE_DONE)
        ls = report_db_fail(d->db, "answers");
    sqlite3_finalize(s);
    s = NULL;
    if (ls == LK_OK)
        ls = child_stmt(d, "confirmations", "1", &s);
    while (ls == LK_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int32_t sid = x_student(d, sqlite3_column_int64(s, 0));
        if (sid >= 0)
            AT(d->students, fstudent, sid)->cf++;
    }
    if (ls == LK_OK && rc != SQLITE_DONE)
        ls = report_db_fail(d->db, "confirmations");
    sqlite3_finalize(s);
    /* per group: students with check-ins, their check-ins, answers, competencies */
    for (size_t i = 0; ls == LK_OK && i < d->students.n; i++) {
        fstudent *st = AT(d->students, fstudent, i);
        if (st->n == 0 && st->an == 0)
            continue;
        if (st->group < 0 && (st->group = name_get(&d->groups, &d->m_groups, st->grp)) < 0)
            return LK_ERR_NOMEM;
        fname *g = AT(d->groups, fname, st->group);
        if (st->n > 0) {
            g->sg++;
            g->n += st->n;
            g->ms += st->ms;
        }
        g->an += st->an;
        for (int c = 0; c < N_KNOWN; c++)
            g->c[c] += (st->comps >> c) & 1u;
    }
    return ls;
}

lk_status report_fast_load(sqlite3 *db, const config *cfg, const report_filter *f,
                           report_fast **out)
{
    *out = NULL;
    report_fast *d = calloc(1, sizeof *d);
    if (!d)
        return LK_ERR_NOMEM;
    d->db = db;
    d->f = *f;
    if (d->f.event_id && !*d->f.event_id)
        d->f.event_id = NULL;
    if (d->f.group && !*d->f.group)
        d->f.group = NULL;
    d->until = f->until_ms > 0 ? f->until_ms : INT64_MAX;
    d->students.size = sizeof(fstudent);
    d->events.size = sizeof(fevent);
    d->hosts.size = d->kinds.size = d->groups.size = sizeof(fname);
    d->answers.size = sizeof(fanswer);
    d->last_event = -1;
    d->x_sorted = true;
    for (size_t i = 0; i < sizeof d->tz / sizeof d->tz[0]; i++)
        d->tz[i].block = INT64_MIN;
    lk_status ls = prepare(d, "SELECT round(?1 / 3600000.0, 2)", &d->q_round);
    if (ls == LK_OK)
        ls = prepare(d, "SELECT date(?1, 'unixepoch', 'localtime')", &d->q_date);
    if (ls == LK_OK)
        ls = prepare(d,
                     "SELECT date(?1, 'unixepoch', 'localtime'),"
                     " strftime('%H', ?1, 'unixepoch', 'localtime')",
                     &d->q_local);
    if (ls == LK_OK)
        ls = load_roster(d);
    if (ls == LK_OK)
        ls = load_events(d, cfg);
    if (ls == LK_OK)
        ls = load_checkins(d, cfg);
    if (ls == LK_OK)
        ls = load_children(d);
    if (ls != LK_OK) {
        report_fast_free(d);
        return ls;
    }
    *out = d;
    return LK_OK;
}

void report_fast_free(report_fast *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->students.n; i++) {
        fstudent *s = AT(d->students, fstudent, i);
        free(s->issuer);
        free(s->subject);
        free(s->first_name);
        free(s->grp);
    }
    for (size_t i = 0; i < d->events.n; i++) {
        fevent *e = AT(d->events, fevent, i);
        free(e->id);
        free(e->title);
        free(e->kind);
        free(e->host);
        free(e->mode);
    }
    vec *names[3] = {&d->hosts, &d->kinds, &d->groups};
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < names[k]->n; i++)
            free(AT(*names[k], fname, i)->name);
    for (size_t i = 0; i < d->answers.n; i++) {
        fanswer *a = AT(d->answers, fanswer, i);
        free(a->comp);
        free(a->qid);
        free(a->resp);
    }
    vec *all[6] = {&d->students, &d->events, &d->hosts, &d->kinds, &d->groups, &d->answers};
    for (int k = 0; k < 6; k++)
        free(all[k]->a);
    idmap *maps[6] = {&d->m_students, &d->m_events, &d->m_hosts,
                      &d->m_kinds,    &d->m_groups, &d->m_answers};
    for (int k = 0; k < 6; k++)
        idmap_free(maps[k]);
    free(d->host_students.k);
    free(d->host_days.k);
    free(d->kind_students.k);
    free(d->came.k);
    free(d->x_ids);
    free(d->x_sid);
    free(d->x_dense);
    sqlite3_finalize(d->q_round);
    sqlite3_finalize(d->q_date);
    sqlite3_finalize(d->q_local);
    free(d);
}

/* --- the sections' rows -------------------------------------------------------------- */

static int cmp_student_who(const void *a, const void *b)
{
    const fstudent *x = *(const fstudent *const *)a, *y = *(const fstudent *const *)b;
    int c = strcmp(x->grp, y->grp);
    if (!c)
        c = strcmp(x->first_name, y->first_name);
    if (!c)
        c = strcmp(x->issuer, y->issuer);
    if (!c)
        c = strcmp(x->subject, y->subject);
    return c;
}

/* The expected lists' order: group, first name, subject (issuer last). */
static int cmp_student_expected(const void *a, const void *b)
{
    const fstudent *x = *(const fstudent *const *)a, *y = *(const fstudent *const *)b;
    int c = strcmp(x->grp, y->grp);
    if (!c)
        c = strcmp(x->first_name, y->first_name);
    if (!c)
        c = strcmp(x->subject, y->subject);
    if (!c)
        c = strcmp(x->issuer, y->issuer);
    return c;
}

static int cmp_name(const void *a, const void *b)
{
    const fname *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

static int cmp_group(const void *a, const void *b)
{
    const fname *const *x = a, *const *y = b;
    int ex = !(*x)->name[0], ey = !(*y)->name[0];
    return ex != ey ? ex - ey : strcmp((*x)->name, (*y)->name);
}

static int cmp_event_id(const void *a, const void *b)
{
    const fevent *const *x = a, *const *y = b;
    return strcmp((*x)->id, (*y)->id);
}

static int cmp_answer(const void *a, const void *b)
{
    const fanswer *const *x = a, *const *y = b;
    int c = (*x)->rank - (*y)->rank;
    if (!c)
        c = strcmp((*x)->qid, (*y)->qid);
    if (!c)
        c = strcmp((*x)->resp, (*y)->resp);
    if (!c)
        c = strcmp((*x)->comp, (*y)->comp);
    return c;
}

/* Pointers to the n items of v (size each) that keep(item) wants, sorted. */
static void **sorted(const vec *v, bool (*keep)(const void *),
                     int (*cmp)(const void *, const void *), size_t *n)
{
    void **p = malloc((v->n ? v->n : 1) * sizeof *p);
    *n = 0;
    if (!p)
        return NULL;
    for (size_t i = 0; i < v->n; i++) {
        void *item = (char *)v->a + i * v->size;
        if (!keep || keep(item))
            p[(*n)++] = item;
    }
    qsort(p, *n, sizeof *p, cmp);
    return p;
}

static bool name_used(const void *p)
{
    return ((const fname *)p)->n > 0;
}

static bool event_used(const void *p)
{
    return ((const fevent *)p)->n > 0;
}

#define I64(buf, v) (snprintf(buf, sizeof buf, "%lld", (long long)(v)), buf)

/* Students of the roster in the group filter, and with all_seen those with
 * check-ins who are not on it; sorted by cmp. */
static fstudent **students_sorted(const report_fast *d, bool all_seen,
                                  int (*cmp)(const void *, const void *), size_t *n)
{
    fstudent **p = malloc((d->students.n ? d->students.n : 1) * sizeof *p);
    *n = 0;
    if (!p)
        return NULL;
    for (size_t i = 0; i < d->students.n; i++) {
        fstudent *s = AT(d->students, fstudent, i);
        bool in = s->roster ? !d->f.group || strcmp(s->grp, d->f.group) == 0 : all_seen && s->n > 0;
        if (in)
            p[(*n)++] = s;
    }
    qsort(p, *n, sizeof *p, cmp);
    return p;
}

static lk_status rows_students(report_fast *d, report_row_fn fn, void *ctx, bool without)
{
    size_t n;
    fstudent **ix = students_sorted(d, !without, cmp_student_who, &n);
    if (!ix)
        return LK_ERR_NOMEM;
    lk_status ls = LK_OK;
    for (size_t i = 0; ls == LK_OK && i < n; i++) {
        const fstudent *s = ix[i];
        if (without) {
            if (s->n == 0) {
                const char *v[4] = {s->issuer, s->subject, s->first_name, s->grp};
                ls = fn(ctx, v, 4);
            }
            continue;
        }
        char b[19][24];
        hours_text(d, s->ms, b[0], sizeof b[0]);
        int64_t nums[18] = {s->n,    s->open, s->cf,   s->man,  s->an,   s->c[0], s->c[1], s->c[2],
                            s->c[3], s->c[4], s->k[0], s->k[1], s->k[2], s->k[3], s->k[4], s->k[5]};
        const char *v[21] = {s->issuer, s->subject,         s->first_name,
                             s->grp,    I64(b[1], nums[0]), b[0]};
        for (int k = 1; k < 16; k++)
            v[5 + k] = I64(b[1 + k], nums[k]);
        ls = fn(ctx, v, 21);
    }
    free(ix);
    return ls;
}

static lk_status rows_groups(report_fast *d, report_row_fn fn, void *ctx)
{
    size_t n;
    fname **g = (fname **)sorted(&d->groups, NULL, cmp_group, &n);
    if (!g)
        return LK_ERR_NOMEM;
    lk_status ls = LK_OK;
    for (size_t i = 0; ls == LK_OK && i < n; i++) {
        const fname *x = g[i];
        if (x->ro == 0 && x->sg == 0)
            continue; /* neither on the filtered roster nor with check-ins */
        char b[12][24];
        hours_text(d, x->ms, b[0], sizeof b[0]);
        const char *v[12] = {x->name[0] ? x->name : "-",
                             I64(b[1], x->ro > x->sg ? x->ro : x->sg),
                             I64(b[2], x->sg),
                             I64(b[3], x->ro > x->sg ? x->ro - x->sg : 0),
                             I64(b[4], x->n),
                             b[0],
                             I64(b[5], x->an),
                             I64(b[6], x->c[0]),
                             I64(b[7], x->c[1]),
                             I64(b[8], x->c[2]),
                             I64(b[9], x->c[3]),
                             I64(b[10], x->c[4])};
        ls = fn(ctx, v, 12);
    }
    free(g);
    return ls;
}

static int cmp_event_first(const void *a, const void *b)
{
    const fevent *x = *(const fevent *const *)a, *y = *(const fevent *const *)b;
    int64_t fx = x->n > 0 ? x->first : x->start_ms, fy = y->n > 0 ? y->first : y->start_ms;
    if (fx != fy)
        return fx < fy ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* extra: the ids of kiosk.ini's events that expect groups, framed by char(31). */
static lk_status rows_events(report_fast *d, const char *extra, report_row_fn fn, void *ctx)
{
    fevent **p = malloc((d->events.n ? d->events.n : 1) * sizeof *p);
    if (!p)
        return LK_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < d->events.n; i++) {
        fevent *e = AT(d->events, fevent, i);
        bool listed = false;
        if (!e->n && e->in_table && (!d->f.event_id || strcmp(e->id, d->f.event_id) == 0) &&
            e->start_ms < d->until && e->end_ms >= d->f.since_ms && extra) {
            size_t len = strlen(e->id);
            for (const char *q = extra; (q = strchr(q, '\x1f')) != NULL; q++)
                if (strncmp(q + 1, e->id, len) == 0 && q[1 + len] == '\x1f') {
                    listed = true;
                    break;
                }
        }
        if (e->n > 0 || listed)
            p[n++] = e;
    }
    qsort(p, n, sizeof *p, cmp_event_first);
    lk_status ls = LK_OK;
    for (size_t i = 0; ls == LK_OK && i < n; i++) {
        const fevent *e = p[i];
        char date[40], b[5][24];
        date_text(d, e->n > 0 ? e->first : e->start_ms, date, sizeof date);
        hours_text(d, e->ms, b[0], sizeof b[0]);
        const char *v[9] = {
            e->id, date,     e->kind,          e->host, I64(b[1], e->n), I64(b[2], e->open),
            b[0],  e->title, I64(b[3], e->man)};
        ls = fn(ctx, v, 9);
    }
    free(p);
    return ls;
}

/* Roster students of the expected groups (groups: ",3B,3C,") at event id: issuer,
 * subject, first name, group and "1"/"0" came. */
static lk_status rows_expected(report_fast *d, const char *groups, const char *id, report_row_fn fn,
                               void *ctx)
{
    int32_t eid = -1;
    int32_t *slot = idmap_slot(&d->m_events, hash_str(HASH0, id), event_eq, &d->events, id);
    if (!slot)
        return LK_ERR_NOMEM;
    eid = *slot;
    size_t n;
    fstudent **ix = students_sorted(d, false, cmp_student_expected, &n);
    if (!ix)
        return LK_ERR_NOMEM;
    lk_status ls = LK_OK;
    for (size_t i = 0; ls == LK_OK && i < n; i++) {
        const fstudent *s = ix[i];
        if (!s->grp[0])
            continue;
        size_t len = strlen(s->grp);
        bool in = false;
        for (const char *q = groups; (q = strchr(q, ',')) != NULL; q++)
            if (strncmp(q + 1, s->grp, len) == 0 && q[1 + len] == ',') {
                in = true;
                break;
            }
        if (!in)
            continue;
        bool came = eid >= 0 && pairset_has(&d->came, (uint32_t)eid,
                                            (uint32_t)(s - (const fstudent *)d->students.a));
        const char *v[5] = {s->issuer, s->subject, s->first_name, s->grp, came ? "1" : "0"};
        ls = fn(ctx, v, 5);
    }
    free(ix);
    return ls;
}

static lk_status rows_hosts_kinds(report_fast *d, bool hosts, report_row_fn fn, void *ctx)
{
    size_t n;
    fname **p = (fname **)sorted(hosts ? &d->hosts : &d->kinds, name_used, cmp_name, &n);
    if (!p)
        return LK_ERR_NOMEM;
    lk_status ls = LK_OK;
    for (size_t i = 0; ls == LK_OK && i < n; i++) {
        const fname *x = p[i];
        char b[6][24];
        hours_text(d, x->ms, b[0], sizeof b[0]);
        if (hosts) {
            const char *v[6] = {x->name[0] ? x->name : "?",
                                I64(b[1], x->students),
                                I64(b[2], x->n),
                                I64(b[3], x->days),
                                b[0],
                                I64(b[4], x->open)};
            ls = fn(ctx, v, 6);
        } else {
            const char *v[4] = {x->name, I64(b[1], x->n), I64(b[2], x->students), b[0]};
            ls = fn(ctx, v, 4);
        }
    }
    free(p);
    return ls;
}

static lk_status rows_hours(report_fast *d, report_row_fn fn, void *ctx)
{
    size_t n;
    fevent **p = (fevent **)sorted(&d->events, event_used, cmp_event_id, &n);
    if (!p)
        return LK_ERR_NOMEM;
    lk_status ls = LK_OK;
    for (size_t i = 0; ls == LK_OK && i < n; i++)
        for (int h = 0; ls == LK_OK && h < 24; h++) {
            if (!p[i]->hours[h])
                continue;
            char hh[8], b[24];
            snprintf(hh, sizeof hh, "%02d:00", h);
            const char *v[3] = {p[i]->id, hh, I64(b, p[i]->hours[h])};
            ls = fn(ctx, v, 3);
        }
    free(p);
    return ls;
}

static lk_status rows_competencies(report_fast *d, report_row_fn fn, void *ctx)
{
    /* as GROUP BY a.competency orders them: NULL, then '' and the names */
    static const int order[] = {C_NULL, C_EMPTY, 3, 1, 4, 0, 2};
    lk_status ls = LK_OK;
    for (size_t i = 0; ls == LK_OK && i < sizeof order / sizeof order[0]; i++) {
        int c = order[i];
        if (!d->comp_n[c])
            continue;
        char b[2][24];
        const char *v[3] = {c < N_KNOWN ? known_comp[c] : "", I64(b[0], d->comp_n[c]),
                            I64(b[1], d->comp_students[c])};
        ls = fn(ctx, v, 3);
    }
    return ls;
}

static lk_status rows_answers(report_fast *d, report_row_fn fn, void *ctx)
{
    size_t n;
    fanswer **p = (fanswer **)sorted(&d->answers, NULL, cmp_answer, &n);
    if (!p)
        return LK_ERR_NOMEM;
    lk_status ls = LK_OK;
    for (size_t i = 0; ls == LK_OK && i < n; i++) {
        char b[24];
        const char *v[4] = {p[i]->comp, p[i]->qid, p[i]->resp, I64(b, p[i]->n)};
        ls = fn(ctx, v, 4);
    }
    free(p);
    return ls;
}

static lk_status rows_total(report_fast *d, report_row_fn fn, void *ctx)
{
    int64_t students = 0, events = 0;
    for (size_t i = 0; i < d->students.n; i++)
        students += AT(d->students, fstudent, i)->n > 0;
    for (size_t i = 0; i < d->events.n; i++)
        events += AT(d->events, fevent, i)->n > 0;
    char b[3][24];
    const char *v[3] = {I64(b[0], d->nx), I64(b[1], students), I64(b[2], events)};
    return fn(ctx, v, 3);
}

lk_status report_fast_rows(report_fast *d, report_query q, const char *extra, const char *extra2,
                           report_row_fn fn, void *ctx)
{
    switch (q) {
    case RQ_STUDENTS:
        return rows_students(d, fn, ctx, false);
    case RQ_WITHOUT:
        return rows_students(d, fn, ctx, true);
    case RQ_GROUPS:
        return rows_groups(d, fn, ctx);
    case RQ_EVENTS:
        return rows_events(d, extra, fn, ctx);
    case RQ_EXPECTED:
        return rows_expected(d, extra, extra2, fn, ctx);
    case RQ_HOSTS:
        return rows_hosts_kinds(d, true, fn, ctx);
    case RQ_KINDS:
        return rows_hosts_kinds(d, false, fn, ctx);
    case RQ_HOURS:
        return rows_hours(d, fn, ctx);
    case RQ_COMPETENCIES:
        return rows_competencies(d, fn, ctx);
    case RQ_ANSWERS:
        return rows_answers(d, fn, ctx);
    case RQ_TOTAL:
        return rows_total(d, fn, ctx);
    }
    return LK_ERR_INVALID;
}
