/* The coordinator's report over the kiosk's store: for a period, a group and an
 * event, per student (every roster student, also those without an experience), per
 * group, per event (checked in / expected), per host, per kind, per competency and
 * per answer. Each section is defined by one SQL query with aggregates over the
 * indexed range of check-ins (the reference); the report itself takes the same
 * rows from one read of the check-ins (report_fast.c), so a year of a big school
 * takes well under a second. The rows are read into a table of text cells that
 * the text report, the CSV and the PDF pages all print: their numbers cannot
 * differ. */
#include "lobkiosk/report.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/report_int.h"
#include "lobkiosk/reflection.h"
#include "lobkiosk/util.h"

/* --- competencies and kinds ---------------------------------------------------------- */

static const struct {
    const char *id, *nl;
} competency_names[] = {
    {"qualities", "kwaliteitenreflectie"},
    {"motives", "motievenreflectie"},
    {"work_exploration", "werkexploratie"},
    {"career_steering", "loopbaansturing"},
    {"networking", "netwerken"},
};
#define N_COMPETENCIES 5

const char *report_competency_name(const char *id)
{
    if (!id || !*id)
        return "algemeen";
    for (size_t i = 0; i < N_COMPETENCIES; i++)
        if (strcmp(id, competency_names[i].id) == 0)
            return competency_names[i].nl;
    return id;
}

/* --- the experiences in scope ------------------------------------------------------------
 * ?1 event (NULL = all), ?2 since, ?3 until (exclusive), ?4 group (NULL = all). One
 * event is a range of experiences_by_event, every event a range of experiences_by_time
 * (two branches: "?1 IS NULL OR event_id = ?1" could use neither index and would read
 * a year of check-ins for one event), one group of every event its roster rows
 * (roster_by_group) and their experiences (experiences_by_person); the roster join
 * uses its primary key. */
#define X_CTE                                                                                      \
    "WITH x AS (SELECT e.id, e.event_id, e.issuer, e.subject, e.checkin_ms, e.checkout_ms,"        \
    " coalesce(ev.kind, 'other') AS kind, coalesce(ev.host, '') AS host,"                          \
    " coalesce(ev.mode, 'checkin') AS mode, e.manual AS manual,"                                   \
    " CASE WHEN e.checkout_ms > e.checkin_ms THEN e.checkout_ms - e.checkin_ms ELSE 0 END AS ms,"  \
    " coalesce(r.grp, '') AS grp"                                                                  \
    " FROM (SELECT * FROM experiences WHERE ?1 IS NOT NULL AND event_id = ?1"                    \
    "   AND checkin_ms >= ?2 AND checkin_ms < ?3"                                                  \
    " UNION ALL SELECT * FROM experiences WHERE ?1 IS NULL AND ?4 IS NULL"                         \
    "   AND checkin_ms >= ?2 AND checkin_ms < ?3"                                                  \
    " UNION ALL SELECT g.* FROM roster gr JOIN experiences g"                                      \
    "   ON g.issuer = gr.issuer AND g.subject = gr.subject WHERE ?1 IS NULL"                       \
    "   AND ?4 IS NOT NULL AND gr.grp = ?4 AND g.checkin_ms >= ?2 AND g.checkin_ms < ?3) e"        \
    " LEFT JOIN events ev ON ev.id = e.event_id"                                                   \
    " LEFT JOIN roster r ON r.issuer = e.issuer AND r.subject = e.subject"                         \
    " WHERE (?4 IS NULL OR coalesce(r.grp, '') = ?4))"

/* Sums of ms as hours, rounded to 2 decimals in SQL so every output agrees. */
#define HOURS(expr) "round(coalesce(" expr ", 0) / 3600000.0, 2)"

/* Per-student competency counts from answers joined to x. */
#define COMPETENCY_SUMS                                                                            \
    "sum(a.competency = 'qualities'), sum(a.competency = 'motives'),"                              \
    " sum(a.competency = 'work_exploration'), sum(a.competency = 'career_steering'),"              \
    " sum(a.competency = 'networking')"

typedef struct table_def {
    const char *name, *title;
    const char *headers[24];
    int widths[24];
    const char *sql;   /* NULL: filled in C */
    int hours_cols[4]; /* columns holding hours (decimal comma), -1 ends */
} table_def;

static const table_def defs[REPORT_T_COUNT] = {
    [REPORT_T_STUDENTS] = {"student",
                           "Per student",
                           {"issuer",
                            "subject",
                            "first_name",
                            "group",
                            "experiences",
                            "hours",
                            "no_checkout",
                            "confirmed",
                            "manual",
                            "answers",
                            "kwaliteitenreflectie",
                            "motievenreflectie",
                            "werkexploratie",
                            "loopbaansturing",
                            "netwerken",
                            "open_day",
                            "trial_day",
                            "company_visit",
                            "career_fair",
                            "internship_day",
                            "other"},
                           {-6, -12, -14, -8, 5, 8, 5, 5, 5, 5, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4},
                           NULL,
                           {5, -1}},
    [REPORT_T_GROUPS] = {"group",
                         "Per group",
                         {"group", "students", "with_experience", "without_experience",
                          "experiences", "hours", "answers", "kwaliteitenreflectie",
                          "motievenreflectie", "werkexploratie", "loopbaansturing", "netwerken"},
                         {-10, 8, 8, 8, 8, 9, 8, 6, 6, 6, 6, 6},
                         NULL,
                         {5, -1}},
    [REPORT_T_EVENTS] = {"event",
                         "Per event (checked in / expected from expected_groups)",
                         {"event", "date", "kind", "host", "checked_in", "manual", "expected",
                          "expected_in", "missing", "no_checkout", "hours", "title"},
                         {-16, -10, -14, -18, 7, 6, 8, 8, 7, 7, 8, -30},
                         NULL,
                         {9, -1}},
    [REPORT_T_MISSING] = {"missing",
                          "Expected but not checked in",
                          {"event", "issuer", "subject", "first_name", "group"},
                          {-16, -6, -12, -14, -8},
                          NULL,
                          {-1}},
    [REPORT_T_HOSTS] = {"host",
                        "Per host",
                        {"host", "students", "experiences", "days", "hours", "no_checkout"},
                        {-30, 8, 11, 5, 9, 7},
                        X_CTE
                        " SELECT CASE WHEN host = '' THEN '?' ELSE host END,"
                        " count(DISTINCT issuer || '/' || subject), count(*),"
                        " count(DISTINCT date(checkin_ms / 1000, 'unixepoch', 'localtime')),"
                        " " HOURS("sum(ms)") ","
                                             " sum(checkout_ms = 0 AND mode = 'checkin_checkout')"
                                             " FROM x GROUP BY host ORDER BY host",
                        {4, -1}},
    [REPORT_T_KINDS] = {"kind",
                        "Per kind of activity",
                        {"kind", "experiences", "students", "hours"},
                        {-16, 11, 8, 9},
                        X_CTE " SELECT kind, count(*), count(DISTINCT issuer || '/' || subject),"
                              " " HOURS("sum(ms)") " FROM x GROUP BY kind ORDER BY kind",
                        {3, -1}},
    [REPORT_T_COMPETENCIES] = {"competency",
                               "Per competency",
                               {"competency", "answers", "students"},
                               {-22, 8, 8},
                               NULL,
                               {-1}},
    [REPORT_T_ANSWERS] = {"answer",
                          "Answers",
                          {"competency", "question", "answer", "count"},
                          {-20, -30, -26, 6},
                          NULL,
                          {-1}},
    [REPORT_T_HOURS] = {"hour",
                        "Check-ins per hour",
                        {"event", "hour", "checkins"},
                        {-16, -5, 8},
                        X_CTE " SELECT event_id, strftime('%H', checkin_ms / 1000, 'unixepoch',"
                              " 'localtime') || ':00' AS h, count(*) FROM x GROUP BY event_id, h"
                              " ORDER BY event_id, h",
                        {-1}},
    [REPORT_T_REFUSALS] = {"refusal", "Refused scans", {"reason", "count"}, {-22, 8}, NULL, {-1}},
    [REPORT_T_WITHOUT] = {"without_experience",
                          "Nog geen ervaring",
                          {"issuer", "subject", "first_name", "group"},
                          {-6, -12, -20, -10},
                          X_CTE " SELECT r.issuer, r.subject, r.first_name, r.grp FROM roster r"
                                " WHERE (?4 IS NULL OR r.grp = ?4) AND NOT EXISTS (SELECT 1"
                                " FROM x WHERE x.issuer = r.issuer AND x.subject = r.subject)"
                                " ORDER BY r.grp, r.first_name, r.issuer, r.subject",
                          {-1}},
};

/* --- tables ----------------------------------------------------------------------------- */

void report_table_free(report_table *t)
{
    if (!t)
        return;
    if (t->cells)
        for (size_t i = 0; i < t->rows * t->cols; i++)
            free(t->cells[i]);
    free(t->cells);
    t->cells = NULL;
    t->rows = 0;
}

const char *report_cell(const report_table *t, size_t row, size_t col)
{
    if (!t || row >= t->rows || col >= t->cols || !t->cells[row * t->cols + col])
        return "";
    return t->cells[row * t->cols + col];
}

static bool is_hours_col(const table_def *d, size_t col)
{
    for (size_t i = 0; i < 4 && d->hours_cols[i] >= 0; i++)
        if ((size_t)d->hours_cols[i] == col)
            return true;
    return false;
}

/* Appends one row of cols strings (copied; NULL as ""). Hours get a decimal comma
 * and two decimals: "6,25", as a Dutch spreadsheet adds them. */
static lk_status add_row(report_table *t, const table_def *d, const char *const *v)
{
    char **n = realloc(t->cells, (t->rows + 1) * t->cols * sizeof *n);
    if (!n)
        return LK_ERR_NOMEM;
    t->cells = n;
    for (size_t c = 0; c < t->cols; c++) {
        const char *s = v[c] ? v[c] : "";
        char buf[32];
        if (is_hours_col(d, c)) {
            snprintf(buf, sizeof buf, "%.2f", strtod(s, NULL));
            char *dot = strchr(buf, '.');
            if (dot)
                *dot = ',';
            s = buf;
        }
        n[t->rows * t->cols + c] = strdup(s);
        if (!n[t->rows * t->cols + c]) {
            for (size_t k = 0; k < c; k++)
                free(n[t->rows * t->cols + k]);
            return LK_ERR_NOMEM;
        }
    }
    t->rows++;
    return LK_OK;
}

static void bind_filter(sqlite3_stmt *s, const report_filter *f)
{
    if (f->event_id && *f->event_id)
        sqlite3_bind_text(s, 1, f->event_id, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 1);
    sqlite3_bind_int64(s, 2, f->since_ms);
    sqlite3_bind_int64(s, 3, f->until_ms > 0 ? f->until_ms : INT64_MAX);
    if (f->group && *f->group)
        sqlite3_bind_text(s, 4, f->group, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, 4);
}

/* Where the sections' rows come from: each query's SQL over db (the reference), or
 * fast, the same rows from one read of the check-ins (report_fast.c). */
typedef struct rsrc {
    sqlite3 *db;
    report_fast *fast; /* NULL: run the SQL */
} rsrc;

typedef struct add_ctx {
    report_table *t;
    const table_def *d;
} add_ctx;

static lk_status add_cb(void *ctx, const char *const *v, size_t n)
{
    add_ctx *a = ctx;
    const char *w[24] = {0};
    for (size_t c = 0; c < n && c < 24; c++)
        w[c] = v[c];
    return add_row(a->t, a->d, w);
}

/* Runs query q: its sql (bound with the filter, ?5 = extra and ?6 = extra2 when
 * given) or the fast reader's rows, and adds every row, its first cols columns. */
static lk_status run_q(const rsrc *src, report_query q, const char *sql, const report_filter *f,
                       const char *extra, const char *extra2, report_table *t, const table_def *d)
{
    if (src->fast) {
        add_ctx a = {t, d};
        return report_fast_rows(src->fast, q, extra, extra2, add_cb, &a);
    }
    sqlite3 *db = src->db;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return report_db_fail(db, d->name ? d->name : "report");
    bind_filter(s, f);
    if (extra)
        sqlite3_bind_text(s, 5, extra, -1, SQLITE_STATIC);
    if (extra2)
        sqlite3_bind_text(s, 6, extra2, -1, SQLITE_STATIC);
    lk_status ls = LK_OK;
    int rc;
    while (ls == LK_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *v[24] = {0};
        for (size_t c = 0; c < t->cols && c < 24; c++)
            v[c] = report_col_text(s, (int)c);
        ls = add_row(t, d, v);
    }
    if (ls == LK_OK && rc != SQLITE_DONE)
        ls = report_db_fail(db, d->name ? d->name : "report");
    sqlite3_finalize(s);
    return ls;
}

/* Every roster student of the group filter (and subjects seen but not on the
 * roster), with their experiences by kind, hours, open check-outs, host
 * confirmations, answers and answers per competency. */
static const char STUDENT_SQL[] = X_CTE
    ", per AS (SELECT issuer, subject, count(*) AS n, sum(ms) AS ms, sum(manual) AS man,"
    " sum(checkout_ms = 0 AND mode = 'checkin_checkout') AS open,"
    " sum(kind = 'open_day') AS k1, sum(kind = 'trial_day') AS k2,"
    " sum(kind = 'company_visit') AS k3, sum(kind = 'career_fair') AS k4,"
    " sum(kind = 'internship_day') AS k5,"
    " sum(kind NOT IN ('open_day', 'trial_day', 'company_visit', 'career_fair',"
    " 'internship_day')) AS k6 FROM x GROUP BY issuer, subject),"
    " cf AS (SELECT x.issuer, x.subject, count(*) AS n FROM confirmations c"
    " JOIN x ON x.id = c.experience_id GROUP BY x.issuer, x.subject),"
    " an AS (SELECT x.issuer, x.subject, count(*) AS n,"
    " sum(a.competency = 'qualities') AS c1, sum(a.competency = 'motives') AS c2,"
    " sum(a.competency = 'work_exploration') AS c3,"
    " sum(a.competency = 'career_steering') AS c4,"
    " sum(a.competency = 'networking') AS c5"
    " FROM answers a JOIN x ON x.id = a.experience_id GROUP BY x.issuer, x.subject),"
    " who AS (SELECT issuer, subject, first_name, grp FROM roster"
    " WHERE ?4 IS NULL OR grp = ?4 UNION ALL SELECT p.issuer, p.subject, '', ''"
    " FROM per p WHERE NOT EXISTS (SELECT 1 FROM roster r WHERE r.issuer = p.issuer"
    " AND r.subject = p.subject))"
    " SELECT w.issuer, w.subject, w.first_name, w.grp, coalesce(p.n, 0),"
    " " HOURS(
        "p.ms") ", coalesce(p.open, 0), coalesce(cf.n, 0), coalesce(p.man, 0), coalesce(an.n, 0),"
                " coalesce(an.c1, 0), coalesce(an.c2, 0), coalesce(an.c3, 0), coalesce(an.c4, 0),"
                " coalesce(an.c5, 0), coalesce(p.k1, 0), coalesce(p.k2, 0), coalesce(p.k3, 0),"
                " coalesce(p.k4, 0), coalesce(p.k5, 0), coalesce(p.k6, 0)"
                " FROM who w LEFT JOIN per p ON p.issuer = w.issuer AND p.subject = w.subject"
                " LEFT JOIN cf ON cf.issuer = w.issuer AND cf.subject = w.subject"
                " LEFT JOIN an ON an.issuer = w.issuer AND an.subject = w.subject"
                " ORDER BY w.grp, w.first_name, w.issuer, w.subject";

/* Per group: the roster's groups (in the filter) and the groups of experiences. The
 * competency columns count students who answered at least one question of it. */
static const char GROUP_SQL[] =
    X_CTE ", ro AS (SELECT grp, count(*) AS n FROM roster WHERE ?4 IS NULL OR grp = ?4"
          " GROUP BY grp),"
          " st AS (SELECT grp, issuer, subject, count(*) AS n, sum(ms) AS ms FROM x"
          " GROUP BY grp, issuer, subject),"
          " sg AS (SELECT grp, count(*) AS n, sum(n) AS exps, sum(ms) AS ms FROM st"
          " GROUP BY grp),"
          " an AS (SELECT x.grp, x.issuer, x.subject, count(*) AS n,"
          " max(a.competency = 'qualities') AS c1, max(a.competency = 'motives') AS c2,"
          " max(a.competency = 'work_exploration') AS c3,"
          " max(a.competency = 'career_steering') AS c4,"
          " max(a.competency = 'networking') AS c5"
          " FROM answers a JOIN x ON x.id = a.experience_id GROUP BY x.grp, x.issuer, x.subject),"
          " ag AS (SELECT grp, sum(n) AS n, sum(c1) AS c1, sum(c2) AS c2, sum(c3) AS c3,"
          " sum(c4) AS c4, sum(c5) AS c5 FROM an GROUP BY grp),"
          " g AS (SELECT grp FROM ro UNION SELECT grp FROM sg)"
          " SELECT CASE WHEN g.grp = '' THEN '-' ELSE g.grp END, max(coalesce(ro.n, 0),"
          " coalesce(sg.n, 0)), coalesce(sg.n, 0),"
          " max(coalesce(ro.n, 0) - coalesce(sg.n, 0), 0), coalesce(sg.exps, 0),"
          " " HOURS("sg.ms") ", coalesce(ag.n, 0), coalesce(ag.c1, 0), coalesce(ag.c2, 0),"
                             " coalesce(ag.c3, 0), coalesce(ag.c4, 0), coalesce(ag.c5, 0)"
                             " FROM g LEFT JOIN ro ON ro.grp = g.grp LEFT JOIN sg ON sg.grp = g.grp"
                             " LEFT JOIN ag ON ag.grp = g.grp ORDER BY g.grp = '', g.grp";

/* The events of the period: those with check-ins in it, and those of kiosk.ini that
 * overlap it (an event nobody came to still shows who was expected). */
static const char EVENT_SQL[] = X_CTE
    ", es AS (SELECT event_id, count(DISTINCT issuer || '/' || subject) AS n, sum(manual) AS man,"
    " sum(checkout_ms = 0 AND mode = 'checkin_checkout') AS open, sum(ms) AS ms,"
    " min(checkin_ms) AS first FROM x GROUP BY event_id),"
    " ids AS (SELECT event_id AS id FROM es UNION SELECT id FROM events"
    " WHERE (?1 IS NULL OR id = ?1) AND start_ms < ?3 AND end_ms >= ?2"
    " AND instr(?5, char(31) || id || char(31)) > 0)"
    " SELECT ids.id, date(coalesce(es.first, ev.start_ms) / 1000, 'unixepoch', 'localtime'),"
    " coalesce(ev.kind, 'other'), coalesce(ev.host, ''), coalesce(es.n, 0),"
    " coalesce(es.open, 0), " HOURS("es.ms") ", coalesce(ev.title, ''), coalesce(es.man, 0)"
                                             " FROM ids LEFT JOIN es ON es.event_id = ids.id LEFT "
                                             "JOIN events ev ON ev.id = ids.id"
                                             " ORDER BY coalesce(es.first, ev.start_ms), ids.id";

/* Roster students of the expected groups (?5: ",3B,3C,") at event ?6, and whether
 * they checked in there in the period. */
static const char EXPECTED_SQL[] =
    X_CTE " SELECT r.issuer, r.subject, r.first_name, r.grp, EXISTS (SELECT 1 FROM x"
          " WHERE x.event_id = ?6 AND x.issuer = r.issuer AND x.subject = r.subject)"
          " FROM roster r WHERE (?4 IS NULL OR r.grp = ?4) AND r.grp <> ''"
          " AND instr(?5, ',' || r.grp || ',') > 0 ORDER BY r.grp, r.first_name, r.subject";

/* ",3B,3C," from "3B, 3C": the groups as instr() finds them. */
static void group_list(const char *in, char *out, size_t len)
{
    size_t o = 0;
    out[o++] = ',';
    for (const char *p = in; *p && o + 2 < len; p++) {
        if (*p == ' ' || *p == '\t')
            continue;
        if (*p == ',' && out[o - 1] == ',')
            continue;
        out[o++] = *p;
    }
    if (out[o - 1] != ',')
        out[o++] = ',';
    out[o] = '\0';
}

/* Events, and with want_missing the missing students of each instead. */
static lk_status events_table(const rsrc *src, const config *cfg, const report_filter *f,
                              report_table *t, bool want_missing)
{
    /* The ids of kiosk.ini's events that expect groups, as char(31)-framed list. */
    char ids[8192] = "\x1f";
    size_t o = 1;
    for (size_t i = 0; cfg && i < cfg->n_events && i < CONFIG_MAX_EVENTS; i++) {
        const config_event *ev = &cfg->events[i];
        if (!ev->expected_groups[0])
            continue;
        int n = snprintf(ids + o, sizeof ids - o, "%s\x1f", ev->id);
        if (n < 0 || (size_t)n >= sizeof ids - o)
            break;
        o += (size_t)n;
    }
    table_def ed = defs[REPORT_T_EVENTS];
    report_table ev = {.cols = 9};
    lk_status ls = run_q(src, RQ_EVENTS, EVENT_SQL, f, ids, NULL, &ev,
                         &(table_def){.name = "event", .hours_cols = {6, -1}});
    for (size_t r = 0; ls == LK_OK && r < ev.rows; r++) {
        const char *id = report_cell(&ev, r, 0);
        const config_event *ce = cfg ? config_find_event(cfg, id) : NULL;
        char groups[CONFIG_TEXT_MAX + 2] = "";
        long expected = 0, came = 0;
        if (ce && ce->expected_groups[0]) {
            group_list(ce->expected_groups, groups, sizeof groups);
            report_table ex = {.cols = 5};
            ls = run_q(src, RQ_EXPECTED, EXPECTED_SQL, f, groups, id, &ex,
                       &(table_def){.name = "expected", .hours_cols = {-1}});
            for (size_t k = 0; ls == LK_OK && k < ex.rows; k++) {
                expected++;
                if (strcmp(report_cell(&ex, k, 4), "0") != 0) {
                    came++;
                } else if (want_missing) {
                    const char *v[5] = {id, report_cell(&ex, k, 0), report_cell(&ex, k, 1),
                                        report_cell(&ex, k, 2), report_cell(&ex, k, 3)};
                    ls = add_row(t, &defs[REPORT_T_MISSING], v);
                }
            }
            report_table_free(&ex);
        }
        if (ls != LK_OK || want_missing)
            continue;
        char c_exp[24] = "", c_came[24] = "", c_missing[24] = "";
        if (groups[0]) {
            snprintf(c_exp, sizeof c_exp, "%ld", expected);
            snprintf(c_came, sizeof c_came, "%ld", came);
            snprintf(c_missing, sizeof c_missing, "%ld", expected - came);
        }
        const char *v[12] = {id,
                             report_cell(&ev, r, 1),
                             report_cell(&ev, r, 2),
                             report_cell(&ev, r, 3),
                             report_cell(&ev, r, 4),
                             report_cell(&ev, r, 8),
                             c_exp,
                             c_came,
                             c_missing,
                             report_cell(&ev, r, 5),
                             report_cell(&ev, r, 6),
                             report_cell(&ev, r, 7)};
        ed.hours_cols[0] = -1; /* already formatted */
        ls = add_row(t, &ed, v);
    }
    report_table_free(&ev);
    return ls;
}

static lk_status competencies_table(const rsrc *src, const report_filter *f, report_table *t)
{
    static const char sql[] =
        X_CTE " SELECT a.competency, count(*), count(DISTINCT x.issuer || '/' || x.subject)"
              " FROM answers a JOIN x ON x.id = a.experience_id GROUP BY a.competency";
    report_table raw = {.cols = 3};
    table_def plain = {.name = "competency", .hours_cols = {-1}};
    lk_status ls = run_q(src, RQ_COMPETENCIES, sql, f, NULL, NULL, &raw, &plain);
    /* Always the five, in their order, then the overall rating. */
    for (size_t i = 0; ls == LK_OK && i <= N_COMPETENCIES; i++) {
        const char *id = i < N_COMPETENCIES ? competency_names[i].id : "";
        const char *n = "0", *students = "0";
        for (size_t r = 0; r < raw.rows; r++)
            if (strcmp(report_cell(&raw, r, 0), id) == 0) {
                n = report_cell(&raw, r, 1);
                students = report_cell(&raw, r, 2);
            }
        const char *v[3] = {report_competency_name(id), n, students};
        ls = add_row(t, &plain, v);
    }
    report_table_free(&raw);
    return ls;
}

/* Answers by their labels from the question sets of kiosk.ini's events (the
 * default set too). Free text is never printed: it is counted as one line. */
static lk_status answers_table(const rsrc *src, const config *cfg, const report_filter *f,
                               report_table *t)
{
    static const char sql[] =
        X_CTE " SELECT coalesce(a.competency, ''), a.question_id, a.response, count(*)"
              " FROM answers a JOIN x ON x.id = a.experience_id"
              " GROUP BY a.competency, a.question_id, a.response"
              " ORDER BY CASE a.competency WHEN 'qualities' THEN 1 WHEN 'motives' THEN 2"
              " WHEN 'work_exploration' THEN 3 WHEN 'career_steering' THEN 4"
              " WHEN 'networking' THEN 5 ELSE 0 END, a.question_id, a.response";
    reflection_set *sets[CONFIG_MAX_EVENTS + 1] = {0};
    size_t n_sets = 0;
    if (cfg) {
        const char *names[CONFIG_MAX_EVENTS + 1];
        size_t n_names = 0;
        names[n_names++] = "default";
        for (size_t i = 0; i < cfg->n_events && i < CONFIG_MAX_EVENTS; i++) {
            /* the set the kiosk used: "default" is the one for the event's kind */
            const char *name = reflection_set_for(cfg->assets_dir, cfg->events[i].questions,
                                                  cfg->events[i].kind);
            bool seen = !name[0];
            for (size_t k = 0; k < n_names && !seen; k++)
                seen = strcmp(names[k], name) == 0;
            if (!seen)
                names[n_names++] = name;
        }
        for (size_t k = 0; k < n_names; k++)
            if (reflection_set_load(cfg->assets_dir, names[k], &sets[n_sets], NULL, 0) == LK_OK)
                n_sets++;
    }
    report_table raw = {.cols = 4};
    table_def plain = {.name = "answer", .hours_cols = {-1}};
    lk_status ls = run_q(src, RQ_ANSWERS, sql, f, NULL, NULL, &raw, &plain);
    long notes = 0;
    for (size_t r = 0; ls == LK_OK && r < raw.rows; r++) {
        const char *qid = report_cell(&raw, r, 1), *resp = report_cell(&raw, r, 2);
        const xapi_question *q = NULL;
        for (size_t k = 0; k < n_sets && !q; k++)
            for (size_t i = 0; i < reflection_set_count(sets[k]) && !q; i++) {
                const xapi_question *c = reflection_set_question(sets[k], i);
                if (c && strcmp(c->id, qid) == 0)
                    q = c;
            }
        if (!q || q->type == XAPI_FILL_IN) {
            /* A written note (or a question no set knows): never its text. */
            notes += strtol(report_cell(&raw, r, 3), NULL, 10);
            continue;
        }
        const char *label = NULL;
        for (size_t c = 0; c < q->n_choices && !label; c++)
            if (strcmp(q->choices[c].id, resp) == 0)
                label = q->choices[c].nl;
        const char *v[4] = {report_competency_name(report_cell(&raw, r, 0)), q->prompt_nl,
                            label ? label : "?", report_cell(&raw, r, 3)};
        ls = add_row(t, &plain, v);
    }
    if (ls == LK_OK && notes > 0) {
        char c[24];
        snprintf(c, sizeof c, "%ld", notes);
        const char *v[4] = {"", "(geschreven tekst)", "(niet getoond)", c};
        ls = add_row(t, &plain, v);
    }
    report_table_free(&raw);
    for (size_t k = 0; k < n_sets; k++)
        reflection_set_destroy(sets[k]);
    return ls;
}

static lk_status refusals_table(sqlite3 *db, const report_filter *f, report_table *t)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT reason, sum(count) FROM refusals WHERE day >= ?1 AND day <= ?2"
                           " GROUP BY reason ORDER BY reason",
                           -1, &s, NULL) != SQLITE_OK)
        return report_db_fail(db, "refusals");
    sqlite3_bind_int(s, 1, f->since_ms > 0 ? lk_local_yyyymmdd(f->since_ms) : 0);
    sqlite3_bind_int(s, 2, f->until_ms > 0 ? lk_local_yyyymmdd(f->until_ms - 1) : 99991231);
    lk_status ls = LK_OK;
    int rc;
    table_def plain = {.hours_cols = {-1}};
    while (ls == LK_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *v[2] = {report_col_text(s, 0), report_col_text(s, 1)};
        ls = add_row(t, &plain, v);
    }
    if (ls == LK_OK && rc != SQLITE_DONE)
        ls = report_db_fail(db, "refusals");
    sqlite3_finalize(s);
    return ls;
}

static lk_status table_get(const rsrc *src, const config *cfg, const report_filter *f,
                           report_table_id id, report_table *out)
{
    sqlite3 *db = src->db;
    report_filter none = {0};
    if (!f)
        f = &none;
    const table_def *d = &defs[id];
    out->id = id;
    out->name = d->name;
    out->title = d->title;
    out->headers = d->headers;
    out->widths = d->widths;
    while (out->cols < 24 && d->headers[out->cols])
        out->cols++;
    switch (id) {
    case REPORT_T_STUDENTS:
        return run_q(src, RQ_STUDENTS, STUDENT_SQL, f, NULL, NULL, out, d);
    case REPORT_T_GROUPS:
        return run_q(src, RQ_GROUPS, GROUP_SQL, f, NULL, NULL, out, d);
    case REPORT_T_EVENTS:
        return events_table(src, cfg, f, out, false);
    case REPORT_T_MISSING:
        return events_table(src, cfg, f, out, true);
    case REPORT_T_COMPETENCIES:
        return competencies_table(src, f, out);
    case REPORT_T_ANSWERS:
        return answers_table(src, cfg, f, out);
    case REPORT_T_REFUSALS:
        return refusals_table(db, f, out);
    case REPORT_T_HOSTS:
        return run_q(src, RQ_HOSTS, d->sql, f, NULL, NULL, out, d);
    case REPORT_T_KINDS:
        return run_q(src, RQ_KINDS, d->sql, f, NULL, NULL, out, d);
    case REPORT_T_HOURS:
        return run_q(src, RQ_HOURS, d->sql, f, NULL, NULL, out, d);
    case REPORT_T_WITHOUT:
        return run_q(src, RQ_WITHOUT, d->sql, f, NULL, NULL, out, d);
    default:
        return LK_ERR_INVALID;
    }
}

/* Sections ids[0..n) into t[0..n) (zeroed first), in one read transaction, from
 * one read of the check-ins or (reference) each section's SQL. */
static lk_status tables_get(store *st, const config *cfg, const report_filter *f,
                            const report_table_id *ids, size_t n, report_table *t, bool reference)
{
    for (size_t i = 0; i < n; i++)
        memset(&t[i], 0, sizeof t[i]);
    sqlite3 *db = store_db(st);
    if (!db || (n > 0 && !ids))
        return LK_ERR_INVALID;
    for (size_t i = 0; i < n; i++)
        if ((unsigned)ids[i] >= REPORT_T_COUNT)
            return LK_ERR_INVALID;
    report_filter none = {0};
    if (!f)
        f = &none;
    /* One read transaction: every section sees the same moment, even while the
     * kiosk keeps writing. */
    bool own = sqlite3_get_autocommit(db);
    if (own && sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return report_db_fail(db, "begin");
    rsrc src = {db, NULL};
    lk_status ls = reference ? LK_OK : report_fast_load(db, cfg, f, &src.fast);
    for (size_t i = 0; ls == LK_OK && i < n; i++)
        ls = table_get(&src, cfg, f, ids[i], &t[i]);
    report_fast_free(src.fast);
    if (own)
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    return ls;
}

lk_status report_tables_get(store *st, const config *cfg, const report_filter *f,
                            const report_table_id *ids, size_t n, report_table *out)
{
    if (!out)
        return LK_ERR_INVALID;
    return tables_get(st, cfg, f, ids, n, out, false);
}

lk_status report_table_get(store *st, const config *cfg, const report_filter *f, report_table_id id,
                           report_table *out)
{
    if (!out)
        return LK_ERR_INVALID;
    return tables_get(st, cfg, f, &id, 1, out, false);
}

lk_status report_table_get_reference(store *st, const config *cfg, const report_filter *f,
                                     report_table_id id, report_table *out)
{
    if (!out)
        return LK_ERR_INVALID;
    return tables_get(st, cfg, f, &id, 1, out, true);
}

/* --- writing ------------------------------------------------------------------------------ */

/* One CSV field as the export writes it: quoted, quotes doubled, a leading
 * = + - @ defused with an apostrophe. */
static void csv_field(FILE *out, const char *s, bool last)
{
    fputc('"', out);
    if (s[0] && strchr("=+-@\t\r", s[0]))
        fputc('\'', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
    fputs(last ? "\r\n" : ";", out);
}

/* Characters (code points) of s. */
static size_t u8len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Writes s in exactly |width| characters: padded, or cut with "~" at the end, so a
 * long id or name never pushes the next column. */
static void text_cell(FILE *out, const char *s, int width)
{
    size_t w = (size_t)(width < 0 ? -width : width);
    size_t n = u8len(s);
    if (n > w) {
        size_t chars = 0;
        const char *p = s;
        while (*p && chars < w - 1) {
            p++;
            while ((*p & 0xC0) == 0x80)
                p++;
            chars++;
        }
        fwrite(s, 1, (size_t)(p - s), out);
        fputc('~', out);
        return;
    }
    if (width > 0)
        for (size_t i = n; i < w; i++)
            fputc(' ', out);
    fputs(s, out);
    if (width < 0)
        for (size_t i = n; i < w; i++)
            fputc(' ', out);
}

static void text_row(FILE *out, const report_table *t, const char *const *v)
{
    fputs(" ", out);
    for (size_t c = 0; c < t->cols; c++) {
        fputc(' ', out);
        bool last = c + 1 == t->cols;
        if (last && t->widths[c] < 0)
            fputs(v[c], out); /* the last column may run on: nothing follows it */
        else
            text_cell(out, v[c], t->widths[c]);
    }
    fputc('\n', out);
}

lk_status report_write_tables(const report_table *t, size_t n, report_format fmt, FILE *out)
{
    if (!out || (!t && n > 0) || (fmt != REPORT_TEXT && fmt != REPORT_CSV))
        return LK_ERR_INVALID;
    if (fmt == REPORT_CSV)
        fputs("\xEF\xBB\xBF", out); /* the BOM makes Excel read UTF-8 */
    for (size_t i = 0; i < n; i++) {
        const report_table *tb = &t[i];
        if (fmt == REPORT_CSV) {
            csv_field(out, "section", false);
            for (size_t c = 0; c < tb->cols; c++)
                csv_field(out, tb->headers[c], c + 1 == tb->cols);
            for (size_t r = 0; r < tb->rows; r++) {
                csv_field(out, tb->name, false);
                for (size_t c = 0; c < tb->cols; c++)
                    csv_field(out, report_cell(tb, r, c), c + 1 == tb->cols);
            }
            continue;
        }
        fprintf(out, "%s%s (%zu)\n", i ? "\n" : "", tb->title, tb->rows);
        text_row(out, tb, tb->headers);
        for (size_t r = 0; r < tb->rows; r++) {
            const char *v[24];
            for (size_t c = 0; c < tb->cols && c < 24; c++)
                v[c] = report_cell(tb, r, c);
            text_row(out, tb, v);
        }
    }
    return ferror(out) ? LK_ERR_IO : LK_OK;
}

/* The text report's first lines: totals and what the report covers. */
static lk_status write_summary(const rsrc *src, const report_filter *f, FILE *out)
{
    report_table tot = {.cols = 3};
    lk_status ls = run_q(src, RQ_TOTAL,
                         X_CTE " SELECT count(*), count(DISTINCT issuer || '/' || subject),"
                               " count(DISTINCT event_id) FROM x",
                         f, NULL, NULL, &tot, &(table_def){.name = "total", .hours_cols = {-1}});
    if (ls == LK_OK && tot.rows == 1)
        fprintf(out, "Total: %s check-ins by %s students at %s events\n", report_cell(&tot, 0, 0),
                report_cell(&tot, 0, 1), report_cell(&tot, 0, 2));
    else if (ls == LK_OK)
        ls = report_db_fail(src->db, "total");
    report_table_free(&tot);
    if (f->since_ms > 0 || f->until_ms > 0) {
        int a = f->since_ms > 0 ? lk_local_yyyymmdd(f->since_ms) : 0;
        int b = f->until_ms > 0 ? lk_local_yyyymmdd(f->until_ms - 1) : 0;
        fprintf(out, "Period: ");
        if (a)
            fprintf(out, "from %04d-%02d-%02d ", a / 10000, a / 100 % 100, a % 100);
        if (b)
            fprintf(out, "up to and including %04d-%02d-%02d", b / 10000, b / 100 % 100, b % 100);
        fputc('\n', out);
    }
    if (f->event_id && *f->event_id)
        fprintf(out, "Event: %s\n", f->event_id);
    if (f->group && *f->group)
        fprintf(out, "Group: %s\n", f->group);
    fputc('\n', out);
    return ls;
}

/* Reads the tables ids[0..n) in one read transaction and writes them. */
static lk_status write_ids(store *st, const config *cfg, const report_filter *f,
                           const report_table_id *ids, size_t n, report_format fmt, FILE *out,
                           bool summary, bool reference)
{
    sqlite3 *db = store_db(st);
    if (!db || !out || (fmt != REPORT_TEXT && fmt != REPORT_CSV))
        return LK_ERR_INVALID;
    report_table t[REPORT_T_COUNT];
    memset(t, 0, sizeof t);
    /* One read transaction: every section sees the same moment, even while the
     * kiosk keeps writing. */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return report_db_fail(db, "begin");
    report_filter none = {0};
    if (!f)
        f = &none;
    rsrc src = {db, NULL};
    lk_status ls = reference ? LK_OK : report_fast_load(db, cfg, f, &src.fast);
    for (size_t i = 0; ls == LK_OK && i < n; i++)
        ls = table_get(&src, cfg, f, ids[i], &t[i]);
    if (ls == LK_OK && summary && fmt == REPORT_TEXT)
        ls = write_summary(&src, f, out);
    report_fast_free(src.fast);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (ls == LK_OK)
        ls = report_write_tables(t, n, fmt, out);
    for (size_t i = 0; i < n; i++)
        report_table_free(&t[i]);
    return ls;
}

static const report_table_id all_ids[] = {
    REPORT_T_STUDENTS, REPORT_T_GROUPS,   REPORT_T_EVENTS,       REPORT_T_MISSING,
    REPORT_T_HOSTS,    REPORT_T_KINDS,    REPORT_T_COMPETENCIES, REPORT_T_ANSWERS,
    REPORT_T_HOURS,    REPORT_T_REFUSALS, REPORT_T_WITHOUT,
};

lk_status report_write(store *st, const config *cfg, const report_filter *f, report_format fmt,
                       FILE *out)
{
    return write_ids(st, cfg, f, all_ids, sizeof all_ids / sizeof all_ids[0], fmt, out, true,
                     false);
}

lk_status report_write_reference(store *st, const config *cfg, const report_filter *f,
                                 report_format fmt, FILE *out)
{
    return write_ids(st, cfg, f, all_ids, sizeof all_ids / sizeof all_ids[0], fmt, out, true, true);
}

lk_status report_write_without(store *st, const config *cfg, const report_filter *f,
                               report_format fmt, FILE *out)
{
    static const report_table_id only[] = {REPORT_T_WITHOUT};
    return write_ids(st, cfg, f, only, 1, fmt, out, false, false);
}
