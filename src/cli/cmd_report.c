/* lobkiosk report: the coordinator's report from this kiosk's database, for a
 * period (--since, --until), a group and an event: per student (with first names
 * from the roster: the report stays at school), group, event, host, kind,
 * competency and answer; --without-experience lists who has had none. With --from
 * FILE (repeatable) counts over exports of several kiosks (export --format xapi or
 * jsonl), each student once per event; that needs no kiosk.ini. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stdbool.h>

#include "cli/cli.h"
#include "lobkiosk/i18n.h"
#include "lobkiosk/lrs_read.h"
#include "lobkiosk/print.h"
#include "lobkiosk/report.h"
#include "lobkiosk/util.h"
#include "lobkiosk/store.h"

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "lobkiosk report: %s\n", why);
    fprintf(
        stderr,
        "usage: lobkiosk --config FILE report [--csv] [--event ID] [--group GROUP]\n"
        "         [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--without-experience | --pdf FILE]\n"
        "       lobkiosk report --from FILE [--from FILE ...] [--csv] [--event ID]\n"
        "  --until is the last day counted; the CSV is ';' separated with hours as 6,25\n");
    return CLI_EXIT_USAGE;
}

/* The merged report of the files in from[0..n). Exit 1 when a file or a statement
 * had to be left out (the report of the rest is still printed). */
static int report_from(char **from, int n, const char *event_id, report_format fmt)
{
    report_merge *m = report_merge_create();
    if (!m) {
        fprintf(stderr, "lobkiosk report: out of memory\n");
        return CLI_EXIT_ERROR;
    }
    int bad_files = 0;
    size_t bad_statements = 0;
    for (int i = 0; i < n; i++) {
        size_t skipped = 0;
        lk_status ls = report_merge_add_file(m, from[i], stderr, &skipped);
        bad_statements += skipped;
        if (ls == LK_ERR_NOMEM || ls == LK_ERR_DB) {
            fprintf(stderr, "lobkiosk report: %s: %s\n", from[i], lk_strerror(ls));
            report_merge_destroy(m);
            return CLI_EXIT_ERROR;
        }
        if (ls != LK_OK)
            bad_files++; /* the reason is printed; go on with the others */
    }
    lk_status ls = report_merge_write(m, event_id, fmt, stdout);
    report_merge_destroy(m);
    if (ls != LK_OK || fflush(stdout) != 0) {
        fprintf(stderr, "lobkiosk report: %s\n", lk_strerror(ls != LK_OK ? ls : LK_ERR_IO));
        return CLI_EXIT_ERROR;
    }
    if (bad_files || bad_statements) {
        fprintf(stderr,
                "lobkiosk report: left out %d of %d files and %zu malformed statements;"
                " the report counts the rest\n",
                bad_files, n, bad_statements);
        return CLI_EXIT_REFUSED;
    }
    return CLI_EXIT_OK;
}

/* The school's LRS: every statement stored in the period, through the merge engine. */
static int report_lrs(const config *cfg, const report_filter *f, report_format fmt)
{
    report_merge *m = report_merge_create();
    if (!m) {
        fprintf(stderr, "lobkiosk report: out of memory\n");
        return CLI_EXIT_ERROR;
    }
    lrs_read_stats rs;
    lk_status ls = lrs_read_into(cfg, f->since_ms, f->until_ms, m, stderr, &rs);
    if (ls == LK_OK) {
        fprintf(stderr, "lobkiosk report: %zu statements in %zu pages from %s\n", rs.statements,
                rs.pages, cfg->sync.endpoint);
        ls = report_merge_write(m, f->event_id, fmt, stdout);
    }
    report_merge_destroy(m);
    if (ls != LK_OK) {
        fprintf(stderr, "lobkiosk report: --lrs: %s\n", lk_strerror(ls));
        return CLI_EXIT_ERROR;
    }
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}

/* This kiosk's own database; with pdf set, the pages to that file; with lrs the
 * school's LRS instead. */
static int report_store(const config *cfg, const report_filter *f, bool without, report_format fmt,
                        const char *pdf, bool lrs)
{
    if (lrs)
        return report_lrs(cfg, f, fmt);
    if (f->event_id && !config_find_event(cfg, f->event_id))
        fprintf(stderr, "lobkiosk report: note: event '%s' is not in kiosk.ini\n", f->event_id);

    store *st = NULL;
    char err[256] = "";
    lk_status ls = store_open_config(cfg, &st, err, sizeof err);
    /* Titles and kinds come from kiosk.ini as it is now. */
    if (ls == LK_OK)
        ls = store_sync_events(st, cfg);
    if (ls == LK_OK && pdf) {
        i18n *tr = i18n_create();
        char period[64] = "";
        if (f->since_ms || f->until_ms) {
            int a = f->since_ms ? lk_local_yyyymmdd(f->since_ms) : 0;
            int b = f->until_ms ? lk_local_yyyymmdd(f->until_ms - 1) : 0;
            snprintf(period, sizeof period, "%02d-%02d-%04d - %02d-%02d-%04d", a % 100,
                     a / 100 % 100, a / 10000, b % 100, b / 100 % 100, b / 10000);
        }
        if (!tr || i18n_load_dir(tr, cfg->assets_dir, err, sizeof err) != LK_OK)
            ls = LK_ERR_IO;
        else
            ls = print_report_pdf(pdf, st, cfg, f, tr, period, err, sizeof err);
        i18n_destroy(tr);
        if (ls == LK_OK)
            printf("report written to %s\n", pdf);
    } else if (ls == LK_OK) {
        ls = without ? report_write_without(st, cfg, f, fmt, stdout)
                     : report_write(st, cfg, f, fmt, stdout);
    }
    store_close(st);
    if (ls != LK_OK) {
        fprintf(stderr, "lobkiosk report: %s %s\n", lk_strerror(ls), err);
        return CLI_EXIT_ERROR;
    }
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}

/* Local midnight at the start of YYYY-MM-DD (plus days), in ms; -1 when s is no date. */
static int64_t local_day_ms(const char *s, int days)
{
    int y, m, d;
    char tail;
    if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 ||
        d < 1 || d > 31)
        return -1;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + days, .tm_isdst = -1};
    time_t t = mktime(&tm);
    if (t == (time_t)-1 || (days == 0 && tm.tm_mday != d))
        return -1;
    return (int64_t)t * 1000;
}

int cmd_report(const cli_ctx *ctx, int argc, char **argv)
{
    report_format fmt = REPORT_TEXT;
    const char *event_id = NULL;
    report_filter f = {0};
    bool without = false;
    const char *pdf = NULL;
    bool lrs = false;
    char **from = calloc((size_t)argc + 1, sizeof *from);
    if (!from) {
        fprintf(stderr, "lobkiosk report: out of memory\n");
        return CLI_EXIT_ERROR;
    }
    int n_from = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--csv") == 0) {
            fmt = REPORT_CSV;
        } else if (strcmp(argv[i], "--event") == 0 && i + 1 < argc) {
            event_id = argv[++i];
        } else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc) {
            from[n_from++] = argv[++i];
        } else if (strcmp(argv[i], "--group") == 0 && i + 1 < argc) {
            f.group = argv[++i];
        } else if (strcmp(argv[i], "--pdf") == 0 && i + 1 < argc && *argv[i + 1]) {
            pdf = argv[++i];
        } else if (strcmp(argv[i], "--lrs") == 0) {
            lrs = true;
        } else if (strcmp(argv[i], "--without-experience") == 0) {
            without = true;
        } else if ((strcmp(argv[i], "--since") == 0 || strcmp(argv[i], "--until") == 0) &&
                   i + 1 < argc) {
            bool since = argv[i][2] == 's';
            int64_t ms = local_day_ms(argv[i + 1], since ? 0 : 1);
            if (ms < 0) {
                free(from);
                return usage("--since and --until take a real date, YYYY-MM-DD");
            }
            *(since ? &f.since_ms : &f.until_ms) = ms;
            i++;
        } else {
            free(from);
            return usage("unknown argument");
        }
    }
    f.event_id = event_id;
    if (f.until_ms && f.since_ms >= f.until_ms) {
        free(from);
        return usage("--until is before --since");
    }
    if (pdf && (without || fmt == REPORT_CSV)) {
        free(from);
        return usage("--pdf writes the whole report; leave out --csv and --without-experience");
    }
    if (lrs && (n_from > 0 || f.group || without || pdf)) {
        free(from);
        return usage("--lrs counts the LRS's statements (which hold no roster): it takes "
                     "--since, --until, --event and --csv only");
    }
    if (n_from > 0 && (f.group || f.since_ms || f.until_ms || without || pdf)) {
        free(from);
        return usage("--group, --since, --until and --without-experience need this kiosk's "
                     "roster: use them without --from");
    }
    int rc;
    if (n_from > 0) {
        rc = report_from(from, n_from, event_id, fmt);
    } else if (ctx->cfg) {
        rc = report_store(ctx->cfg, &f, without, fmt, pdf, lrs);
    } else if (ctx->config_path) {
        /* main.c may leave loading kiosk.ini to us, since --from needs none. */
        config *cfg = malloc(sizeof *cfg);
        if (!cfg) {
            fprintf(stderr, "lobkiosk report: out of memory\n");
            rc = CLI_EXIT_ERROR;
        } else if ((rc = cli_config_load(cfg, ctx->config_path, "report")) != CLI_EXIT_OK) {
            /* cli_config_load said why */
        } else {
            rc = report_store(cfg, &f, without, fmt, pdf, lrs);
        }
        config_free(cfg);
        free(cfg);
    } else {
        rc = usage("needs --config FILE, or --from FILE");
    }
    free(from);
    return rc;
}
