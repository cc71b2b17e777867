/* lobkiosk init --demo DIR: a complete, working demo kiosk in one folder: kiosk.ini,
 * a demo issuer key pair, two events, a roster, demo passes as PNG and a folder of
 * camera frames that show passes to the camera, so the kiosk can be tried at once.
 * All or nothing: it is built in a hidden sibling folder that becomes DIR with one
 * rename at the end, and is removed when anything fails (a full disk), so a retry
 * starts clean. */
#include <SDL.h>
#include <SDL_image.h>
#include <qrencode.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lobkiosk/pass.h"
#include "lobkiosk/pin.h"
#include "lobkiosk/qrcode.h"
#include "lobkiosk/roster.h"
#include "lobkiosk/store.h"
#include "lobkiosk/paths.h"
#include "lobkiosk/util.h"

#define DEMO_ISSUER "DEMO"
#define DEMO_KEY "D1"
#define DEMO_PIN "1234"

/* A demo pass: what it shows and which file it goes to. Subjects are made up. */
typedef struct demo_pass {
    const char *file;     /* PNG name in passes/ */
    pass_role role;       /* S, H or A */
    const char *subject;  /* pseudonymous id */
    int expiry_days;      /* days from today; negative: already expired */
    int foreign;          /* signed by a key this kiosk does not trust */
    int in_frames;        /* shown to the demo camera */
} demo_pass;

static const demo_pass demo_passes[] = {
    {"student-1001.png", PASS_ROLE_STUDENT, "1001", 365, 0, 1},
    {"student-1002.png", PASS_ROLE_STUDENT, "1002", 365, 0, 1},
    {"student-1003.png", PASS_ROLE_STUDENT, "1003", 365, 0, 0},
    {"student-1004.png", PASS_ROLE_STUDENT, "1004", 365, 0, 0},
    {"student-1005.png", PASS_ROLE_STUDENT, "1005", 365, 0, 0},
    {"student-9999-unknown.png", PASS_ROLE_STUDENT, "9999", 365, 0, 0},
    {"expired-1006.png", PASS_ROLE_STUDENT, "1006", -1, 0, 1},
    {"revoked-1007.png", PASS_ROLE_STUDENT, "1007", 365, 0, 0},
    {"other-school-2001.png", PASS_ROLE_STUDENT, "2001", 365, 1, 1},
    {"host-H01.png", PASS_ROLE_HOST, "H01", 365, 0, 0},
    {"admin-A01.png", PASS_ROLE_ADMIN, "A01", 365, 0, 0},
};

/* The demo roster. Made-up first names; one very long one to show wrapping. */
static const char demo_roster[] =
    "leerlingnummer;voornaam;klas\r\n"
    "1001;Anouk;3H2\r\n"
    "1002;Daan;3H2\r\n"
    "1003;Fatima;3V1\r\n"
    "1004;Sem;4K1\r\n"
    "1005;Maximiliaan-Alexander;4K1\r\n"
    "1006;Lotte;3H1\r\n"
    "1007;Yusuf;3H1\r\n";

/* Replaces every @KEY@ in tmpl with its value; returns a heap string. */
static char *fill_template(const char *tmpl, const char *const *pairs, size_t n_pairs)
{
    size_t cap = strlen(tmpl) * 2 + 4096, len = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    const char *p = tmpl;
    while (*p) {
        const char *val = NULL;
        size_t klen = 0;
        if (*p == '@') {
            for (size_t i = 0; i + 1 < n_pairs; i += 2) {
                klen = strlen(pairs[i]);
                if (!strncmp(p + 1, pairs[i], klen) && p[1 + klen] == '@') {
                    val = pairs[i + 1];
                    break;
                }
            }
        }
        const char *src = val ? val : p;
        size_t n = val ? strlen(val) : 1;
        if (len + n + 1 >= cap) {
            cap = (cap + n) * 2;
            char *grown = realloc(out, cap);
            if (!grown) {
                free(out);
                return NULL;
            }
            out = grown;
        }
        memcpy(out + len, src, n);
        len += n;
        p += val ? klen + 2 : 1;
    }
    out[len] = '\0';
    return out;
}

/* Draws payload's QR code into a scene surface at (x, y), module size px, on a
 * white card with a quiet zone, slightly off-white like paper under room light. */
static void draw_qr(SDL_Surface *scene, const char *payload, int x, int y, int px)
{
    SDL_Surface *qr = qrcode_surface(payload, 4, px, 0x1E1E23, 0xEBEBE4);
    if (!qr)
        return;
    SDL_Rect at = {x, y, qr->w, qr->h};
    SDL_BlitSurface(qr, NULL, scene, &at);
    SDL_FreeSurface(qr);
}

/* A calm scene like a hall seen by the kiosk camera: a gradient wall, a floor and
 * some sensor noise. seed varies the noise from frame to frame. */
static SDL_Surface *make_scene(unsigned seed)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 640, 480, 24, SDL_PIXELFORMAT_RGB24);
    if (!s)
        return NULL;
    unsigned rng = seed * 2654435761u + 1;
    for (int y = 0; y < 480; y++) {
        Uint8 *row = (Uint8 *)s->pixels + y * s->pitch;
        for (int x = 0; x < 640; x++) {
            rng = rng * 1103515245u + 12345u;
            int noise = (int)((rng >> 16) % 9) - 4;
            int base = y < 330 ? 120 + y / 8 + x / 32 : 80 + (y - 330) / 6;
            int v = base + noise;
            v = v < 0 ? 0 : v > 255 ? 255 : v;
            row[x * 3] = (Uint8)v;
            row[x * 3 + 1] = (Uint8)(v - 4 < 0 ? 0 : v - 4);
            row[x * 3 + 2] = (Uint8)(v - 10 < 0 ? 0 : v - 10);
        }
    }
    return s;
}

/* IMG_SavePNG does not see a write that failed (a full disk leaves an empty or cut
 * file and returns 0): a frame counts as written only when it reads back. */
static bool save_png(SDL_Surface *img, const char *path)
{
    if (IMG_SavePNG(img, path) != 0)
        return false;
    SDL_Surface *back = IMG_Load(path);
    bool ok = back && back->w == img->w && back->h == img->h;
    SDL_FreeSurface(back);
    return ok;
}

/* Writes the demo camera frames: an empty hall, then passes held up one after
 * another. "name@N.png" holds an image for N frames (docs/scanner.md). */
static lk_status write_frames(const char *dir, char payloads[][LK_PASS_MAX_LEN],
                              const int *shown, size_t n)
{
    char path[CONFIG_PATH_MAX];
    if (lk_mkdirs(dir, 0755) != LK_OK)
        return LK_ERR_IO;
    int idx = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && !shown[i])
            continue;
        /* an empty hall before each pass, and once more at the end */
        char name[64];
        SDL_Surface *empty = make_scene((unsigned)i * 7 + 1);
        if (!empty)
            return LK_ERR_NOMEM;
        snprintf(name, sizeof name, "%02d-empty@60.png", idx++);
        if (!lk_path_join(path, sizeof path, dir, name) || !save_png(empty, path)) {
            SDL_FreeSurface(empty);
            return LK_ERR_IO;
        }
        SDL_FreeSurface(empty);
        if (i == n)
            break;
        SDL_Surface *scene = make_scene((unsigned)i * 7 + 3);
        if (!scene)
            return LK_ERR_NOMEM;
        draw_qr(scene, payloads[i], 200 + (int)(i % 3) * 40, 60 + (int)(i % 2) * 30, 5);
        snprintf(name, sizeof name, "%02d-pass@30.png", idx++);
        if (!lk_path_join(path, sizeof path, dir, name) || !save_png(scene, path)) {
            SDL_FreeSurface(scene);
            return LK_ERR_IO;
        }
        SDL_FreeSurface(scene);
    }
    return LK_OK;
}

/* "WxH" within what [ui] width and height accept (up to 16384), at least 320x240:
 * checked before anything is written, so a bad size leaves no half-made demo. */
static bool parse_size(const char *s, int *w, int *h)
{
    char buf[32];
    if (!lk_strlcpy(buf, s, sizeof buf))
        return false;
    char *x = strchr(buf, 'x');
    if (!x)
        return false;
    *x = '\0';
    long lw, lh;
    if (lk_parse_long(buf, 320, 16384, &lw) != LK_OK ||
        lk_parse_long(x + 1, 240, 16384, &lh) != LK_OK)
        return false;
    *w = (int)lw;
    *h = (int)lh;
    return true;
}

/* True when the folder has no entries but . and .. */
static bool dir_empty(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return false;
    struct dirent *e;
    bool empty = true;
    while (empty && (e = readdir(d)))
        empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    closedir(d);
    return empty;
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (type == FTW_DP)
        (void)rmdir(path);
    else
        (void)unlink(path);
    return 0;
}

/* Removes the half-made demo folder and all in it, without following symlinks. */
static void remove_tree(const char *path)
{
    if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "lobkiosk init: could not remove %s\n", path);
}

static void usage(void)
{
    fprintf(stderr, "usage: lobkiosk init --demo DIR [--size WxH] [--windowed]\n");
}

int cmd_init(const cli_ctx *ctx, int argc, char **argv)
{
    const char *dir = NULL;
    int width = 1280, height = 800, windowed = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--demo") && i + 1 < argc) {
            dir = argv[++i];
        } else if (!strcmp(argv[i], "--size") && i + 1 < argc) {
            if (!parse_size(argv[++i], &width, &height)) {
                fprintf(stderr, "lobkiosk init: --size wants WxH, e.g. 800x480\n");
                return CLI_EXIT_USAGE;
            }
        } else if (!strcmp(argv[i], "--windowed")) {
            windowed = 1;
        } else {
            usage();
            return CLI_EXIT_USAGE;
        }
    }
    if (!dir) {
        usage();
        return CLI_EXIT_USAGE;
    }
    if (sodium_init() < 0)
        return CLI_EXIT_ERROR;

    /* DIR without trailing slashes, its parent and its name */
    char final[CONFIG_PATH_MAX], final_ini[CONFIG_PATH_MAX], work[CONFIG_PATH_MAX];
    if (!lk_strlcpy(final, dir, sizeof final) || !final[0]) {
        fprintf(stderr, "lobkiosk init: path too long\n");
        return CLI_EXIT_USAGE;
    }
    for (size_t n = strlen(final); n > 1 && final[n - 1] == '/'; n--)
        final[n - 1] = '\0';
    const char *slash = strrchr(final, '/');
    const char *base = slash ? slash + 1 : final;
    int plen = slash ? (slash == final ? 1 : (int)(slash - final)) : 1;
    int wl = snprintf(work, sizeof work, "%.*s/.%s.init-XXXXXX", plen, slash ? final : ".", base);
    if (!lk_path_join(final_ini, sizeof final_ini, final, "kiosk.ini") || wl < 0 ||
        (size_t)wl >= sizeof work) {
        fprintf(stderr, "lobkiosk init: path too long\n");
        return CLI_EXIT_USAGE;
    }
    struct stat sb;
    if (stat(final_ini, &sb) == 0) {
        fprintf(stderr, "lobkiosk init: %s exists; not overwriting a kiosk\n", final_ini);
        return CLI_EXIT_ERROR;
    }
    if (stat(final, &sb) == 0 && (!S_ISDIR(sb.st_mode) || !dir_empty(final))) {
        fprintf(stderr, "lobkiosk init: %s exists and is not an empty folder; give a new one\n",
                final);
        return CLI_EXIT_ERROR;
    }
    char parent[CONFIG_PATH_MAX];
    snprintf(parent, sizeof parent, "%.*s", plen, slash ? final : ".");
    if (lk_mkdirs(parent, 0755) != LK_OK || !mkdtemp(work) || chmod(work, 0755) != 0) {
        fprintf(stderr, "lobkiosk init: cannot create %s\n", final);
        return CLI_EXIT_ERROR;
    }
    char path[CONFIG_PATH_MAX], keys[CONFIG_PATH_MAX], passes[CONFIG_PATH_MAX];
    if (!lk_path_join(path, sizeof path, work, "kiosk.ini") ||
        !lk_path_join(keys, sizeof keys, work, "keys") ||
        !lk_path_join(passes, sizeof passes, work, "passes") || lk_mkdirs(keys, 0700) != LK_OK ||
        lk_mkdirs(passes, 0755) != LK_OK) {
        fprintf(stderr, "lobkiosk init: cannot create %s\n", final);
        remove_tree(work);
        return CLI_EXIT_ERROR;
    }

    int rc = CLI_EXIT_ERROR;
    char *ini = NULL, *tmpl = NULL;
    store *st = NULL;
    config *cfg = malloc(sizeof *cfg);
    pass_key key, foreign;
    memset(&key, 0, sizeof key);
    memset(&foreign, 0, sizeof foreign);
    if (!cfg)
        goto out;

    /* 1. the demo issuer's key pair, and a key of "another school" for refusals */
    char key_path[CONFIG_PATH_MAX];
    if (pass_keygen(DEMO_ISSUER, DEMO_KEY, keys, &key) != LK_OK) {
        fprintf(stderr, "lobkiosk init: cannot write the demo key in %s\n", keys);
        goto out;
    }
    crypto_sign_keypair(foreign.pk, foreign.sk);
    lk_strlcpy(foreign.issuer, "99XX", sizeof foreign.issuer);
    lk_strlcpy(foreign.key_id, "K1", sizeof foreign.key_id);
    if (!lk_path_join(key_path, sizeof key_path, keys, DEMO_ISSUER "-" DEMO_KEY ".key"))
        goto out;

    /* 2. kiosk.ini from the documented example */
    char assets_dir[CONFIG_PATH_MAX], assets_ini[CONFIG_PATH_MAX];
    if (!paths_assets_dir(assets_dir, sizeof assets_dir) ||
        !lk_path_join(assets_ini, sizeof assets_ini, assets_dir, "demo/kiosk.example.ini") ||
        lk_read_file(assets_ini, &tmpl, NULL) != LK_OK) {
        fprintf(stderr,
                "lobkiosk init: cannot find demo/kiosk.example.ini in the assets (next to the "
                "program, in its source tree, or in %s)\n",
                paths_datadir());
        goto out;
    }
    char pub[64], start[40], end[40], w[16], h[16], pin[256];
    pass_pubkey_base64(key.pk, pub, sizeof pub);
    int64_t now = lk_now_ms();
    /* the demo events run from midnight today for a year, so the demo keeps working */
    int today = lk_local_yyyymmdd(now);
    char day[32];
    snprintf(day, sizeof day, "%04d-%02d-%02dT00:00", today / 10000, today / 100 % 100,
             today % 100);
    int64_t start_ms;
    if (lk_parse_iso8601(day, &start_ms) != LK_OK)
        goto out;
    lk_format_iso8601(start_ms, start, sizeof start);
    lk_format_iso8601(start_ms + 366LL * 86400000, end, sizeof end);
    snprintf(w, sizeof w, "%d", width);
    snprintf(h, sizeof h, "%d", height);
    if (pin_hash(DEMO_PIN, pin, sizeof pin) != LK_OK) {
        fprintf(stderr, "lobkiosk init: cannot hash the demo PIN\n");
        goto out;
    }
    int revoked_expiry = lk_local_yyyymmdd(now + 365LL * 86400000);
    char revoked[64];
    snprintf(revoked, sizeof revoked, "1007@%d", revoked_expiry);
    const char *pairs[] = {
        "KIOSK_ID", "DEMO-KIOSK-1",        "DEMO", "true",
        "ISSUER", DEMO_ISSUER,             "ISSUER_NAME", "Demoschool",
        "HOME_PAGE", "https://dossier.example.nl/demo", "KEY_ID", DEMO_KEY,
        "PUBKEY", pub,                     "REVOKED", revoked,
        "START", start,                    "END", end,
        "WIDTH", w,                        "HEIGHT", h,
        "FULLSCREEN", windowed ? "false" : "true",
        "PIN_HASH", pin,                   "CAMERA_SOURCE", "folder",
    };
    ini = fill_template(tmpl, pairs, sizeof pairs / sizeof pairs[0]);
    if (!ini || lk_write_file(path, ini, strlen(ini), 0644, true) != LK_OK) {
        fprintf(stderr, "lobkiosk init: cannot write %s\n", path);
        goto out;
    }
    char err[CONFIG_ERR_MAX];
    if (config_load(cfg, path, err, sizeof err) != LK_OK) {
        fprintf(stderr, "lobkiosk init: the written configuration does not load: %s\n", err);
        goto out;
    }

    /* 3. passes: PNG files, a list, and the camera frames */
    char payloads[sizeof demo_passes / sizeof demo_passes[0]][LK_PASS_MAX_LEN];
    int shown[sizeof demo_passes / sizeof demo_passes[0]];
    char list[8192];
    size_t ll = (size_t)snprintf(list, sizeof list, "# file role subject payload\n");
    for (size_t i = 0; i < sizeof demo_passes / sizeof demo_passes[0]; i++) {
        const demo_pass *dp = &demo_passes[i];
        int expires = lk_local_yyyymmdd(now + (int64_t)dp->expiry_days * 86400000);
        char png[CONFIG_PATH_MAX];
        if (pass_sign(dp->foreign ? &foreign : &key, dp->role, dp->subject, expires,
                      payloads[i], sizeof payloads[i]) != LK_OK ||
            !lk_path_join(png, sizeof png, passes, dp->file) ||
            qrcode_write_png(payloads[i], png, 6) != LK_OK) {
            fprintf(stderr, "lobkiosk init: cannot write pass %s\n", dp->file);
            goto out;
        }
        shown[i] = dp->in_frames;
        ll += (size_t)snprintf(list + ll, sizeof list - ll, "%s %c %s %s\n", dp->file,
                               (char)dp->role, dp->subject, payloads[i]);
    }
    char list_path[CONFIG_PATH_MAX], frames[CONFIG_PATH_MAX];
    if (!lk_path_join(list_path, sizeof list_path, passes, "passes.txt") ||
        lk_write_file(list_path, list, ll, 0644, false) != LK_OK ||
        !lk_path_join(frames, sizeof frames, work, "frames") ||
        write_frames(frames, payloads, shown, sizeof shown / sizeof shown[0]) != LK_OK) {
        fprintf(stderr, "lobkiosk init: cannot write the demo passes and frames\n");
        goto out;
    }

    /* 4. the roster, imported the way a school would */
    char roster_path[CONFIG_PATH_MAX], db[CONFIG_PATH_MAX];
    snprintf(err, sizeof err, "no room or no access for the roster and data folder");
    if (!lk_path_join(roster_path, sizeof roster_path, work, "roster.csv") ||
        lk_write_file(roster_path, demo_roster, sizeof demo_roster - 1, 0600, false) != LK_OK ||
        store_path(cfg, db, sizeof db) != LK_OK ||
        store_open(db, &st, err, sizeof err) != LK_OK) {
        fprintf(stderr, "lobkiosk init: cannot create the database: %s\n", err);
        goto out;
    }
    roster_stats sum;
    if (store_sync_events(st, cfg) != LK_OK ||
        roster_import_file(st, roster_path, DEMO_ISSUER, stderr, &sum) != LK_OK) {
        fprintf(stderr, "lobkiosk init: cannot import the demo roster\n");
        goto out;
    }

    /* 5. all written: the folder becomes DIR in one step (an empty DIR is replaced) */
    store_close(st);
    st = NULL;
    if (rename(work, final) != 0) {
        fprintf(stderr, "lobkiosk init: cannot move the demo into %s: %s\n", final,
                strerror(errno));
        goto out;
    }
    work[0] = '\0';
    printf("Demo kiosk ready in %s\n"
           "  kiosk.ini        the configuration (every key documented)\n"
           "  passes/          demo passes to scan (PNG; passes.txt lists them)\n"
           "  frames/          what the demo camera sees\n"
           "  admin PIN        %s\n"
           "Start it:  lobkiosk --config %s\n",
           final, DEMO_PIN, final_ini);
    rc = CLI_EXIT_OK;
out:
    store_close(st);
    if (work[0])
        remove_tree(work); /* nothing half-made is left behind */
    sodium_memzero(&key, sizeof key);
    sodium_memzero(&foreign, sizeof foreign);
    free(ini);
    free(tmpl);
    config_free(cfg);
    free(cfg);
    return rc;
}
