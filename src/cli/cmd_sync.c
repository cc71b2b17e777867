/* lobkiosk sync --once | --status | --requeue | --verify [N]: one sync pass from
 * the command line, the outbox figures with every quarantined statement and the last
 * error, quarantined statements put back in the queue once the cause is fixed, or
 * the last N sent statements read back from the LRS.
 * Output is for admins (English) and for scripts: one "key value" pair a line, the
 * key one word; the format is in USAGE below (printed on a usage error; main.c
 * answers --help with the one-line usage) and in docs/xapi-profile.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lobkiosk/i18n.h"
#include "lobkiosk/store.h"
#include "lobkiosk/sync.h"
#include "lobkiosk/util.h"

static const char USAGE[] =
    "usage: lobkiosk --config FILE sync --once | --status | --requeue | --verify [N]\n"
    "\n"
    "  --once     one pass: send queued statements until the queue is empty or the\n"
    "             LRS or network says stop. Exit 0 when the queue was emptied.\n"
    "  --status   the outbox as the admin needs it. Exit 0.\n"
    "  --requeue  put every quarantined statement back in the queue (after the cause\n"
    "             was fixed at the LRS); the next sync sends them again. Exit 0.\n"
    "  --verify [N]  read the N (default 100) most recently sent statements back from\n"
    "             the LRS by id; exit 0 when it has them all, 1 when some are missing.\n"
    "\n"
    "Output: one \"key value\" a line; the key is one word, the value runs to the end\n"
    "of the line. Keys are never renamed; new keys may be added, so read by key.\n"
    "  --once:    sent N, quarantined N, requests N, state TOKEN (off idle sending\n"
    "             offline auth_failed error), cause TOKEN (-, not_lrs or lrs_rejects_all),\n"
    "             seconds S. Why it stopped goes to stderr.\n"
    "  --status:  endpoint URL|(off), queued N, sent N, quarantined N,\n"
    "             last_sync ISO-8601|never,\n"
    "             last_error TEXT|-   why the oldest queued statement was not sent\n"
    "                                 the last time it was tried (\"lrs_rejects_all: ...\"\n"
    "                                 when the LRS refused every statement),\n"
    "             head_attempts N     how often that statement was tried,\n"
    "             cause TOKEN|-       what stops the queue and a person must fix:\n"
    "                                 not_lrs (the endpoint does not answer like an\n"
    "                                 LRS) or lrs_rejects_all,\n"
    "             screen_text TEXT|-  what the kiosk's screen says about that cause,\n"
    "             then one line per quarantined statement, oldest first:\n"
    "             quarantined_statement UUID KIND REASON\n"
    "             (KIND: checkin checkout answer confirmation; REASON: the LRS's answer,\n"
    "             e.g. \"HTTP 400: ...\").\n"
    "  --requeue: requeued N\n"
    "  --verify:  checked N, missing N, then one line per statement the LRS does not\n"
    "             have: missing_statement UUID KIND\n"
    "Exit codes: 0 ok, 1 statements missing (--verify), 2 usage, 3 error (a message\n"
    "on stderr).\n";

/* Values run to the end of the line: a line break in one would forge a key. */
static void print_value(const char *s)
{
    if (!s || !*s) {
        fputs("-", stdout);
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        putchar(*p < 0x20 || *p == 0x7f ? ' ' : *p);
}

static void print_quarantined(const char *uuid, const char *kind, const char *message,
                              void *user)
{
    (void)user;
    printf("quarantined_statement %s %s ", uuid && *uuid ? uuid : "-",
           kind && *kind ? kind : "-");
    print_value(message);
    putchar('\n');
}

/* The cause a person must fix, from the head row's last error ("TOKEN: ..."), and
 * what the kiosk's screen says about it (assets/i18n, the kiosk's language). */
static void print_cause(const config *cfg, const char *last_error)
{
    static const struct {
        const char *token, *key;
    } causes[] = {
        {SYNC_CAUSE_NOT_LRS, "sync.not_lrs"},
        {SYNC_CAUSE_REJECTS_ALL, "sync.rejected"},
    };
    const char *token = NULL, *key = NULL;
    for (size_t i = 0; i < sizeof causes / sizeof causes[0]; i++) {
        size_t l = strlen(causes[i].token);
        if (strncmp(last_error, causes[i].token, l) == 0 && last_error[l] == ':') {
            token = causes[i].token;
            key = causes[i].key;
        }
    }
    printf("cause %s\nscreen_text ", token ? token : "-");
    i18n *t = key ? i18n_create() : NULL;
    if (t && i18n_load_dir(t, cfg->assets_dir, NULL, 0) == LK_OK) {
        i18n_set_language(t, cfg->language);
        print_value(i18n_get(t, key));
    } else {
        print_value(NULL);
    }
    i18n_destroy(t);
    putchar('\n');
}

static int show_status(const config *cfg)
{
    char err[256] = "";
    store *s = NULL;
    if (store_open_config(cfg, &s, err, sizeof err) != LK_OK) {
        fprintf(stderr, "lobkiosk: cannot open the store: %s\n", err);
        return CLI_EXIT_ERROR;
    }
    store_outbox_stats ss;
    char last_error[SYNC_MESSAGE_MAX];
    int64_t head_attempts = 0;
    int rc = CLI_EXIT_OK;
    if (store_outbox_stats_get(s, &ss) != LK_OK ||
        store_outbox_head_error(s, last_error, sizeof last_error, &head_attempts) != LK_OK) {
        fprintf(stderr, "lobkiosk: cannot read the outbox\n");
        rc = CLI_EXIT_ERROR;
        goto out;
    }
    char last[40] = "never";
    if (ss.last_sent_ms > 0)
        lk_format_iso8601(ss.last_sent_ms, last, sizeof last);
    printf("endpoint %s\n", cfg->sync.endpoint[0] ? cfg->sync.endpoint : "(off)");
    printf("queued %lld\nsent %lld\nquarantined %lld\nlast_sync %s\n", (long long)ss.queued,
           (long long)ss.sent, (long long)ss.quarantined, last);
    fputs("last_error ", stdout);
    print_value(last_error);
    printf("\nhead_attempts %lld\n", (long long)head_attempts);
    print_cause(cfg, last_error);
    /* each destination's own queue: the default and every school with its own LRS */
    sync_dest *d = NULL;
    size_t nd = 0;
    if (sync_dests(cfg, &d, &nd) != LK_OK) {
        fprintf(stderr, "lobkiosk: out of memory\n");
        rc = CLI_EXIT_ERROR;
        goto out;
    }
    for (size_t i = 0; i < nd && rc == CLI_EXIT_OK; i++) {
        int64_t q = 0, attempts = 0;
        if (sync_dest_scope(cfg, &d[i], s) != LK_OK || store_outbox_lane_queued(s, &q) != LK_OK ||
            store_outbox_head_error(s, last_error, sizeof last_error, &attempts) != LK_OK) {
            fprintf(stderr, "lobkiosk: cannot read the outbox\n");
            rc = CLI_EXIT_ERROR;
            break;
        }
        printf("destination %s %s queued %lld head_attempts %lld last_error ",
               d[i].issuer[0] ? d[i].issuer : "-", d[i].sc.endpoint, (long long)q,
               (long long)attempts);
        print_value(last_error);
        putchar('\n');
    }
    free(d);
    if (rc != CLI_EXIT_OK)
        goto out;
    if (store_outbox_each_quarantined(s, print_quarantined, NULL) != LK_OK) {
        fprintf(stderr, "lobkiosk: cannot list the quarantined statements\n");
        rc = CLI_EXIT_ERROR;
    }
out:
    store_close(s);
    return rc;
}

static int requeue(const config *cfg)
{
    int64_t n = 0;
    lk_status st = sync_requeue_quarantined(cfg, &n);
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk: cannot re-queue the quarantined statements (%s)\n",
                lk_strerror(st));
        return CLI_EXIT_ERROR;
    }
    printf("requeued %lld\n", (long long)n);
    return CLI_EXIT_OK;
}

static void print_missing(const char *uuid, const char *kind, void *user)
{
    (void)user;
    printf("missing_statement %s %s\n", uuid, kind && *kind ? kind : "-");
}

static int verify(const config *cfg, const char *count)
{
    long n = 100;
    if (count) {
        char *end = NULL;
        n = strtol(count, &end, 10);
        if (!*count || *end || n < 1 || n > 100000) {
            fprintf(stderr, "lobkiosk: sync --verify N: N is a number from 1 to 100000\n");
            return CLI_EXIT_USAGE;
        }
    }
    sync_verify_report rep;
    lk_status st = sync_verify(cfg, (size_t)n, print_missing, NULL, &rep);
    printf("checked %zu\nmissing %zu\n", rep.checked, rep.missing);
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk: verify stopped (%s): %s\n", lk_strerror(st), rep.message);
        return CLI_EXIT_ERROR;
    }
    return rep.missing ? CLI_EXIT_REFUSED : CLI_EXIT_OK;
}

int cmd_sync(const cli_ctx *ctx, int argc, char **argv)
{
    /* main.c answers --help itself today; should it hand it on, the format is here. */
    if (argc == 1 && strcmp(argv[0], "--help") == 0) {
        fputs(USAGE, stdout);
        return CLI_EXIT_OK;
    }
    if (argc >= 1 && strcmp(argv[0], "--verify") == 0 && argc <= 2)
        return verify(ctx->cfg, argc == 2 ? argv[1] : NULL);
    if (argc != 1 || (strcmp(argv[0], "--once") != 0 && strcmp(argv[0], "--status") != 0 &&
                      strcmp(argv[0], "--requeue") != 0)) {
        fputs(USAGE, stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[0], "--status") == 0)
        return show_status(ctx->cfg);
    if (strcmp(argv[0], "--requeue") == 0)
        return requeue(ctx->cfg);
    sync_report rep;
    int64_t t0 = lk_mono_ms();
    lk_status st = sync_once(ctx->cfg, &rep);
    int64_t ms = lk_mono_ms() - t0;
    printf("sent %zu\nquarantined %zu\nrequests %zu\nstate %s\ncause %s\nseconds %.3f\n",
           rep.sent, rep.quarantined, rep.requests, sync_state_token(rep.state),
           rep.cause[0] ? rep.cause : "-", (double)ms / 1000.0);
    if (st != LK_OK) {
        fprintf(stderr, "lobkiosk: sync stopped (%s): %s\n", lk_strerror(st), rep.message);
        return CLI_EXIT_ERROR;
    }
    return CLI_EXIT_OK;
}
