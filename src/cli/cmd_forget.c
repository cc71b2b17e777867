/* lobkiosk forget --issuer CODE --subject ID: the right to erasure (AVG art. 17) on
 * this kiosk. Removes everything the kiosk holds about one person in one
 * transaction and queues a voiding statement for each of the person's statements
 * that already reached (or may have reached) the LRS, so the dossier drops them
 * too. Prints counts only: never a first name. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "lobkiosk/store.h"
#include "lobkiosk/util.h"
#include "lobkiosk/xapi.h"

static int usage(const char *why)
{
    if (why)
        fprintf(stderr, "lobkiosk forget: %s\n", why);
    fprintf(stderr, "usage: lobkiosk --config FILE forget --issuer CODE --subject ID\n");
    return CLI_EXIT_USAGE;
}

/* True when s is min..max characters of [0-9A-Z], as in a pass. */
static int code_ok(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
            return 0;
    return 1;
}

static const char *plural(int64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

int cmd_forget(const cli_ctx *ctx, int argc, char **argv)
{
    if (!ctx->cfg)
        return usage("needs --config FILE");
    const char *issuer = NULL, *subject = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--issuer") == 0 && i + 1 < argc)
            issuer = argv[++i];
        else if (strcmp(argv[i], "--subject") == 0 && i + 1 < argc)
            subject = argv[++i];
        else
            return usage("unknown argument");
    }
    if (!issuer || !subject)
        return usage("--issuer and --subject are both required");
    /* The same shapes as in a pass: a typo in lower case must not "forget" nobody
     * and look like success. */
    if (!code_ok(issuer, 2, LK_ISSUER_MAX))
        return usage("--issuer must be 2-8 of 0-9 A-Z");
    if (!code_ok(subject, 1, LK_SUBJECT_MAX))
        return usage("--subject must be 1-16 of 0-9 A-Z");

    store *st = NULL;
    char err[256] = "";
    lk_status ls = store_open_config(ctx->cfg, &st, err, sizeof err);
    store_forget_stats fs;
    memset(&fs, 0, sizeof fs);
    if (ls == LK_OK)
        ls = store_forget(st, issuer, subject, xapi_voiding_fn, ctx->cfg, &fs);
    store_close(st);
    if (ls == LK_ERR_NOT_FOUND) {
        printf("nothing known about %s %s\n", issuer, subject);
        return CLI_EXIT_REFUSED;
    }
    if (ls != LK_OK) {
        fprintf(stderr, "lobkiosk forget: %s %s; nothing was removed\n", lk_strerror(ls), err);
        return CLI_EXIT_ERROR;
    }
    printf("removed: %lld roster %s, %lld %s, %lld %s, %lld %s, %lld queued %s;"
           " voiding %lld sent %s\n",
           (long long)fs.roster, plural(fs.roster, "row", "rows"), (long long)fs.experiences,
           plural(fs.experiences, "experience", "experiences"), (long long)fs.answers,
           plural(fs.answers, "answer", "answers"), (long long)fs.confirmations,
           plural(fs.confirmations, "confirmation", "confirmations"), (long long)fs.unsent,
           plural(fs.unsent, "statement", "statements"), (long long)fs.voided,
           plural(fs.voided, "statement", "statements"));
    if (fs.voided_purged > 0)
        printf("of these, %lld %s purged from this kiosk already; voided from the ids it"
               " keeps\n",
               (long long)fs.voided_purged, fs.voided_purged == 1 ? "was" : "were");
    if (!fs.scrubbed)
        fprintf(stderr, "lobkiosk forget: note: the write-ahead log could not be emptied now"
                        " (the kiosk is using it); run 'lobkiosk purge' when it is stopped\n");
    if (fs.voided > 0 && !ctx->cfg->sync.endpoint[0])
        fprintf(stderr, "lobkiosk forget: note: [sync] endpoint is empty; the voiding statements"
                        " wait in the outbox until sync is set up\n");
    return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_ERROR;
}
