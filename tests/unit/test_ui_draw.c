/* Tests of text fitting (src/ui/draw.c) and of every screen's layout
 * (src/ui/screens.c) on SDL's software renderer: long Dutch names and titles,
 * hostile text, and each screen at each supported size without overflow, with
 * touch targets at least 9 mm and 2 mm apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lobkiosk/util.h"
#include "lobkiosk/i18n.h"
#include "lobkiosk/reflection.h"
#include "ui/draw.h"
#include "ui/screens.h"

static const int sizes[][2] = {{800, 480},   {1024, 600}, {1280, 800}, {720, 1280},
                               {1920, 1080}, {480, 800},  {600, 1024}, {1080, 1920}};

typedef struct fixture {
    SDL_Surface *surf;
    SDL_Renderer *r;
    draw *d;
} fixture;

static int setup(void **state)
{
    static fixture fx;
    fx.surf = SDL_CreateRGBSurfaceWithFormat(0, 1920, 1280, 32, SDL_PIXELFORMAT_RGBA32);
    assert_non_null(fx.surf);
    fx.r = SDL_CreateSoftwareRenderer(fx.surf);
    assert_non_null(fx.r);
    char err[256];
    fx.d = draw_create(fx.r, "assets", err, sizeof err);
    if (!fx.d)
        fail_msg("draw_create: %s", err);
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    draw_destroy(fx->d);
    SDL_DestroyRenderer(fx->r);
    SDL_FreeSurface(fx->surf);
    return 0;
}

static draw_style st(int size, int lines)
{
    draw_style s = {size, true, {255, 255, 255, 255}, DRAW_CENTER, true, lines};
    return s;
}

static void test_null_and_empty(void **state)
{
    fixture *fx = *state;
    assert_null(draw_create(NULL, "assets", NULL, 0));
    draw_destroy(NULL);
    draw_style s = st(40, 2);
    draw_begin(fx->d, 800, 480);
    assert_int_equal(draw_text(NULL, "x", (SDL_Rect){0, 0, 100, 100}, &s), 0);
    assert_int_equal(draw_text(fx->d, NULL, (SDL_Rect){0, 0, 100, 100}, &s), 0);
    assert_int_equal(draw_text(fx->d, "", (SDL_Rect){0, 0, 100, 100}, &s), 0);
    assert_int_equal(draw_text(fx->d, "x", (SDL_Rect){0, 0, 0, 100}, &s), 0);
    assert_int_equal(draw_text(fx->d, "x", (SDL_Rect){0, 0, 100, 100}, NULL), 0);
    size_t n;
    draw_records(fx->d, &n);
    assert_int_equal(n, 0);
    assert_int_equal(draw_check_overflow(NULL, NULL), 0);
    assert_true(strstr(draw_font_path(fx->d), ".ttf") != NULL);
}

static void test_long_texts_fit(void **state)
{
    fixture *fx = *state;
    const char *texts[] = {
        "Welkom, Maximiliaan-Alexander Van Der Heijden-Oosterhuis!",
        ("Open dag Techniek, Installatietechniek en Elektrotechniek bij het Regionaal "
         "Opleidingencentrum"),
        "Aansprakelijkheidsverzekeringsmaatschappijbijeenkomstorganisatie",
        "\xff\xfe broken \xc3 utf8 \xe2\x82",
        "x",
    };
    draw_begin(fx->d, 800, 480);
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        draw_style s = st(41, 2);
        SDL_Rect box = {20, (int)i * 90, 300, 90};
        int h = draw_text(fx->d, texts[i], box, &s);
        assert_true(h > 0 && h <= box.h);
    }
    size_t n;
    const draw_record *rec = draw_records(fx->d, &n);
    assert_int_equal(n, 5);
    assert_true(rec[0].size < 41); /* shrunk to fit */
    assert_true(rec[4].size == 41);
    assert_int_equal(draw_check_overflow(fx->d, stderr), 0);
    for (size_t i = 0; i < n; i++) {
        assert_true(rec[i].ink.w > 0);
        assert_true(rec[i].ink.x >= rec[i].box.x &&
                    rec[i].ink.x + rec[i].ink.w <= rec[i].box.x + rec[i].box.w);
    }
    /* one line only: the rest is cut with an ellipsis */
    draw_style one = st(41, 1);
    draw_text(fx->d, texts[1], (SDL_Rect){0, 400, 200, 60}, &one);
    rec = draw_records(fx->d, &n);
    assert_true(rec[n - 1].ellipsized);
    assert_int_equal(draw_check_overflow(fx->d, NULL), 0);
    /* a long line is cut where it fills the box: not shorter, never wider */
    char longline[500];
    for (size_t i = 0; i < sizeof longline - 1; i++)
        longline[i] = i % 7 == 6 ? ' ' : (char)('a' + i % 26);
    longline[sizeof longline - 1] = '\0';
    draw_begin(fx->d, 800, 480);
    draw_style big = st(20, 1);
    draw_text(fx->d, longline, (SDL_Rect){0, 0, 400, 60}, &big);
    rec = draw_records(fx->d, &n);
    assert_int_equal(n, 1);
    assert_true(rec[0].ellipsized);
    assert_true(rec[0].ink.w <= 400);
    assert_true(rec[0].ink.w > 400 - 3 * rec[0].size); /* within a few characters of the edge */
}

/* The check must be able to fail: a box lower than one line, a box off screen. */
static void test_overflow_is_caught(void **state)
{
    fixture *fx = *state;
    draw_begin(fx->d, 800, 480);
    draw_style s = st(40, 1);
    draw_text(fx->d, "Scan je LOB-pas", (SDL_Rect){0, 0, 400, 8}, &s);
    assert_int_equal(draw_check_overflow(fx->d, NULL), 1);
    draw_begin(fx->d, 800, 480);
    draw_text(fx->d, "Scan", (SDL_Rect){700, 0, 400, 100}, &s);
    assert_int_equal(draw_check_overflow(fx->d, NULL), 1);
    draw_begin(fx->d, 800, 480);
    draw_text(fx->d, "Scan", (SDL_Rect){0, 0, 400, 100}, &s);
    assert_int_equal(draw_check_overflow(fx->d, NULL), 0);
    /* a character the font has no glyph for shows as a box: the minus sign */
    draw_begin(fx->d, 800, 480);
    draw_text(fx->d, "\xe2\x88\x92", (SDL_Rect){0, 0, 400, 100}, &s);
    assert_int_equal(draw_check_overflow(fx->d, NULL), 1);
    draw_begin(fx->d, 800, 480);
    draw_text(fx->d, "\xe2\x80\x93 \xc3\xab \xc2\xb7", (SDL_Rect){0, 0, 400, 100}, &s);
    assert_int_equal(draw_check_overflow(fx->d, NULL), 0);
}

static void test_metrics(void **state)
{
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        ui_metrics m = screens_metrics(sizes[i][0], sizes[i][1]);
        assert_true(m.big * 100 >= sizes[i][1] * 8); /* main line >= 8% of the height */
        assert_true(m.big > m.med && m.med > m.small);
        assert_true(m.target >= 50);
        assert_true(m.gap >= 12);
    }
    ui_metrics m = screens_metrics(800, 480);
    assert_int_equal(m.target, 50);
    assert_false(m.portrait);
    assert_true(screens_metrics(720, 1280).portrait);
}

typedef struct screen_case {
    flow_screen screen;
    checkin_outcome outcome;
    size_t step;
    int kb_layer; /* the keyboard's layer (the text question; 1 = digits and signs) */
} screen_case;

/* Every screen at every size with long names and titles: no text outside its box,
 * targets large enough and apart, no text missing. */
static void test_every_screen_every_size(void **state)
{
    fixture *fx = *state;
    i18n *tr = i18n_create();
    assert_int_equal(i18n_load_dir(tr, "assets", NULL, 0), LK_OK);
    reflection_set *set = NULL;
    assert_int_equal(reflection_set_load("assets", "default", &set, NULL, 0), LK_OK);
    static config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.demo = true;
    cfg.n_events = 3;
    for (size_t i = 0; i < cfg.n_events; i++) {
        snprintf(cfg.events[i].id, sizeof cfg.events[i].id, "EV%zu", i);
        snprintf(cfg.events[i].title, sizeof cfg.events[i].title,
                 "Meeloopdag Installatietechniek en Elektrotechniek bij Bouwbedrijf %zu", i);
        snprintf(cfg.events[i].host, sizeof cfg.events[i].host,
                 "Regionaal Opleidingencentrum Noord-Holland Noord, locatie Den Helder");
    }
    ui_host_row rows[30];
    memset(rows, 0, sizeof rows);
    for (int i = 0; i < 30; i++) {
        snprintf(rows[i].first_name, sizeof rows[i].first_name,
                 i % 2 ? "Maximiliaan-Alexander" : "");
        snprintf(rows[i].subject, sizeof rows[i].subject, "S%015d", i);
        rows[i].confirmed = i % 3 == 0;
        rows[i].checkin_ms = 1764322320000LL + i * 60000;
    }
    ui_view v;
    memset(&v, 0, sizeof v);
    v.tr = tr;
    v.cfg = &cfg;
    v.ev = &cfg.events[0];
    v.count_today = 1234;
    v.has_camera = true;
    v.camera = FRAMESRC_NOT_FOUND;
    v.sync.state = SYNC_OFFLINE;
    v.sync.queued = 123456;
    v.per_hour[9] = 40;
    v.per_hour[21] = 3;
    v.rows = rows;
    v.n_rows = 30;
    const screen_case cases[] = {
        {FLOW_IDLE, CHECKIN_CHECKED_IN, 0, 0},
        {FLOW_WELCOME, CHECKIN_CHECKED_IN, 0, 0},
        {FLOW_WELCOME, CHECKIN_ALREADY, 0, 0},
        {FLOW_WELCOME, CHECKIN_CHECKED_OUT, 0, 0},
        {FLOW_WELCOME, CHECKIN_ALREADY_OUT, 0, 0},
        {FLOW_REFUSAL, CHECKIN_REFUSED, 0, 0},
        {FLOW_REFLECTION, CHECKIN_CHECKED_IN, 0, 0},
        {FLOW_REFLECTION, CHECKIN_CHECKED_IN, 1, 0},
        {FLOW_REFLECTION, CHECKIN_CHECKED_IN, 4, 0},
        {FLOW_REFLECTION, CHECKIN_CHECKED_IN, 6, 0},
        {FLOW_REFLECTION, CHECKIN_CHECKED_IN, 6, 1},
        {FLOW_DONE, CHECKIN_CHECKED_IN, 0, 0},
        {FLOW_ERROR, CHECKIN_CHECKED_IN, 0, 0},
        {FLOW_PIN, CHECKIN_CHECKED_IN, 0, 0},
        {FLOW_ADMIN, CHECKIN_ADMIN, 0, 0},
        {FLOW_ADMIN, CHECKIN_ADMIN, 99, 0}, /* 99: the USB export runs, at 100% */
        {FLOW_HOST, CHECKIN_HOST, 0, 0},
        {FLOW_MANUAL, CHECKIN_ADMIN, 0, 0},
    };
    ui_screens scr;
    memset(&scr, 0, sizeof scr);
    scr.d = fx->d;
    for (int lang = 0; lang < 2; lang++) {
        assert_true(i18n_set_language(tr, lang ? "en" : "nl"));
        for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
            for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
                for (lk_reason reason = 1;
                     reason < (cases[c].screen == FLOW_REFUSAL ? LK_REASON_COUNT : 2); reason++) {
                    flow f;
                    flow_init(&f, NULL, 0);
                    f.set = set;
                    f.has_pin = true;
                    f.screen = cases[c].screen;
                    f.scan.outcome = cases[c].outcome;
                    f.scan.reason = reason;
                    lk_strlcpy(f.scan.first_name, "Maximiliaan-Alexander",
                               sizeof f.scan.first_name);
                    f.scan.duration_ms = 6 * 3600000LL + 15 * 60000;
                    reflection_session_start(&f.refl, set);
                    f.refl.step = cases[c].step;
                    f.kb_layer = cases[c].kb_layer;
                    f.kb_shift = lang == 1;             /* capitals */
                    f.manual_n = FLOW_MANUAL_SHOWN + 1; /* forgot the pass: more found */
                    for (size_t i = 0; i < f.manual_n; i++) {
                        lk_strlcpy(f.manual[i].first_name, "Maximiliaan-Alexander",
                                   sizeof f.manual[i].first_name);
                        lk_strlcpy(f.manual[i].group, "4HAVO-B", sizeof f.manual[i].group);
                    }
                    memset(f.text, 'w', 60);
                    f.saved_answers = 7;
                    lk_strlcpy(f.pin, "1234", sizeof f.pin);
                    f.pin_wrong = true;
                    f.pin_locked = lang == 1;  /* the longer message, in English */
                    f.pin_guard.failures = 20; /* "60 minutes", the longest */
                    v.exporting = cases[c].step == 99;
                    v.export_percent = 100;
                    if (v.exporting)
                        f.refl.step = 0;
                    screens_draw(&scr, &f, &v, sizes[si][0], sizes[si][1]);
                    size_t faults =
                        draw_check_overflow(fx->d, stderr) + screens_check_targets(&scr, stderr);
                    if (v.exporting) {
                        size_t nr;
                        const draw_record *rec = draw_records(fx->d, &nr);
                        bool said = false;
                        for (size_t i = 0; i < nr; i++)
                            said = said || strstr(rec[i].text, "100%") != NULL;
                        if (!said)
                            fail_msg("admin at %dx%d: the export's progress is not shown",
                                     sizes[si][0], sizes[si][1]);
                    }
                    if (faults)
                        fail_msg("%s at %dx%d (%s, case %zu): %zu faults",
                                 flow_screen_token(f.screen), sizes[si][0], sizes[si][1],
                                 i18n_language(tr), c, faults);
                    size_t nrec;
                    draw_records(fx->d, &nrec);
                    assert_true(nrec > 0);
                    assert_true(scr.n_buttons > 0 || f.screen == FLOW_IDLE);
                }
            }
        }
    }
    assert_int_equal(i18n_missing(tr), 0);
    reflection_set_destroy(set);
    i18n_destroy(tr);
}

/* The idle status line says why nothing is sent: staff fix a wrong password, an LRS
 * that refuses everything and a dead network in different ways. */
static void test_sync_line_names_the_cause(void **state)
{
    fixture *fx = *state;
    i18n *tr = i18n_create();
    assert_int_equal(i18n_load_dir(tr, "assets", NULL, 0), LK_OK);
    static config cfg;
    memset(&cfg, 0, sizeof cfg);
    static const struct {
        sync_state st;
        const char *cause;
        const char *want; /* start of the Dutch status line */
    } cases[] = {
        {SYNC_OFFLINE, "", "Geen verbinding \xC2\xB7 12 berichten wachten"},
        {SYNC_AUTH_FAILED, "", "Inloggen bij dossier mislukt"},
        {SYNC_ERROR, SYNC_CAUSE_REJECTS_ALL, "Dossier weigert de gegevens"},
        {SYNC_ERROR, SYNC_CAUSE_NOT_LRS, "Het dossier antwoordt niet zoals een LRS"},
        {SYNC_ERROR, "", "Verzendfout"},
        {SYNC_OFF, "", "Niet gekoppeld"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        ui_view v;
        memset(&v, 0, sizeof v);
        v.tr = tr;
        v.cfg = &cfg;
        v.sync.state = cases[c].st;
        v.sync.queued = 12;
        snprintf(v.sync.cause, sizeof v.sync.cause, "%s", cases[c].cause);
        flow f;
        flow_init(&f, NULL, 0);
        ui_screens scr;
        memset(&scr, 0, sizeof scr);
        scr.d = fx->d;
        screens_draw(&scr, &f, &v, 1280, 800);
        size_t n;
        const draw_record *rec = draw_records(fx->d, &n);
        bool found = false;
        for (size_t i = 0; i < n; i++)
            if (!strncmp(rec[i].text, cases[c].want, strlen(cases[c].want)))
                found = true;
        if (!found)
            fail_msg("case %zu: no status line starting with '%s'", c, cases[c].want);
    }
    assert_int_equal(i18n_missing(tr), 0);
    i18n_destroy(tr);
}

/* The done screen claims "in your dossier" only when the LRS accepted a batch after
 * the answers were queued, nothing waits and nothing was refused since. */
static void test_done_words_follow_the_sync(void **state)
{
    (void)state;
    ui_view v;
    memset(&v, 0, sizeof v);
    v.done_wall_ms = 1000;
    v.done_quarantined = 2;
    v.sync.quarantined = 2;
    v.sync.state = SYNC_OFF;
    assert_string_equal(screens_done_key(&v), "done.saved_local");
    v.sync.state = SYNC_OFFLINE;
    assert_string_equal(screens_done_key(&v), "done.saved_later");
    v.sync.state = SYNC_AUTH_FAILED;
    assert_string_equal(screens_done_key(&v), "done.saved_later");
    v.sync.state = SYNC_ERROR;
    assert_string_equal(screens_done_key(&v), "done.saved_later");
    v.sync.state = SYNC_IDLE;
    v.sync.queued = 3;
    v.sync.last_sync_ms = 2000;
    assert_string_equal(screens_done_key(&v), "done.saved_queued"); /* still waiting */
    v.sync.queued = 0;
    v.sync.last_sync_ms = 999;
    assert_string_equal(screens_done_key(&v), "done.saved_queued"); /* a snapshot from before */
    v.sync.last_sync_ms = 1000;
    assert_string_equal(screens_done_key(&v), "done.saved");
    v.sync.quarantined = 3;
    assert_string_equal(screens_done_key(&v), "done.saved_queued"); /* the LRS refused one */
}

static void test_hit_and_find(void **state)
{
    fixture *fx = *state;
    i18n *tr = i18n_create();
    assert_int_equal(i18n_load_dir(tr, "assets", NULL, 0), LK_OK);
    static config cfg;
    memset(&cfg, 0, sizeof cfg);
    ui_view v;
    memset(&v, 0, sizeof v);
    v.tr = tr;
    v.cfg = &cfg;
    flow f;
    flow_init(&f, NULL, 0);
    f.screen = FLOW_REFUSAL;
    ui_screens scr;
    memset(&scr, 0, sizeof scr);
    scr.d = fx->d;
    screens_draw(&scr, &f, &v, 800, 480);
    const ui_button *ok = screens_find(&scr, "ok");
    assert_non_null(ok);
    assert_string_equal(screens_hit(&scr, ok->r.x + 1, ok->r.y + 1), "ok");
    assert_null(screens_hit(&scr, 0, 0));
    assert_null(screens_find(&scr, "nope"));
    assert_null(screens_find(NULL, "ok"));
    assert_null(screens_hit(NULL, 0, 0));
    /* the welcome screen goes on from anywhere */
    f.screen = FLOW_WELCOME;
    screens_draw(&scr, &f, &v, 800, 480);
    assert_string_equal(screens_hit(&scr, 5, 5), "next");
    assert_string_equal(screens_hit(&scr, 795, 475), "next");
    i18n_destroy(tr);
}

static void test_screenshot(void **state)
{
    fixture *fx = *state;
    char path[] = "/tmp/lk-ui-draw-XXXXXX.png";
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    close(fd);
    draw_rect(fx->d, (SDL_Rect){0, 0, 10, 10}, (SDL_Color){255, 0, 0, 255});
    assert_int_equal(draw_screenshot(fx->d, path), LK_OK);
    SDL_Surface *s = SDL_LoadBMP(path); /* not a BMP: must fail, the file is PNG */
    assert_null(s);
    FILE *f = fopen(path, "rb");
    unsigned char magic[4] = {0};
    assert_non_null(f);
    assert_int_equal(fread(magic, 1, 4, f), 4);
    fclose(f);
    assert_memory_equal(magic, "\x89PNG", 4);
    remove(path);
    assert_int_equal(draw_screenshot(fx->d, NULL), LK_ERR_INVALID);
}

/* The pixels of r in the last frame, RGBA, into buf (at least r.w * r.h * 4 bytes). */
static void read_rect(fixture *fx, SDL_Rect r, unsigned char *buf)
{
    assert_int_equal(SDL_RenderReadPixels(fx->r, &r, SDL_PIXELFORMAT_RGBA32, buf, r.w * 4), 0);
}

/* The PIN pad shut after too many wrong PINs looks shut: its keys are drawn off (not
 * as the open pad's keys), holding one down changes nothing on the screen, the lock
 * message is there, and "Terug" still looks as it always does. */
static void test_locked_pin_pad_is_off(void **state)
{
    fixture *fx = *state;
    i18n *tr = i18n_create();
    assert_int_equal(i18n_load_dir(tr, "assets", NULL, 0), LK_OK);
    static config cfg;
    memset(&cfg, 0, sizeof cfg);
    ui_view v;
    memset(&v, 0, sizeof v);
    v.tr = tr;
    v.cfg = &cfg;
    flow f;
    flow_init(&f, NULL, 0);
    f.has_pin = true;
    f.screen = FLOW_PIN;
    ui_screens scr;
    memset(&scr, 0, sizeof scr);
    scr.d = fx->d;
    static const int at[][2] = {{800, 480}, {480, 800}, {1280, 800}};
    static unsigned char open_px[3][200 * 200 * 4], shut_px[3][200 * 200 * 4],
        held_px[200 * 200 * 4], back_px[2][200 * 100 * 4];
    static const char *const keys[3] = {"pin-5", "pin-ok", "pin-erase"};
    for (size_t si = 0; si < sizeof at / sizeof at[0]; si++) {
        SDL_Rect kr[3], back = {0, 0, 0, 0};
        for (int locked = 0; locked < 2; locked++) {
            f.pin_locked = locked;
            f.pin_guard.failures = locked ? 5 : 0;
            v.pressed = NULL;
            screens_draw(&scr, &f, &v, at[si][0], at[si][1]);
            assert_int_equal(
                draw_check_overflow(fx->d, stderr) + screens_check_targets(&scr, stderr), 0);
            for (int k = 0; k < 3; k++) {
                const ui_button *b = screens_find(&scr, keys[k]);
                assert_non_null(b); /* still there: a tap lands on it, not under it */
                kr[k] = b->r;
                kr[k].w = kr[k].w < 200 ? kr[k].w : 200;
                kr[k].h = kr[k].h < 200 ? kr[k].h : 200;
                read_rect(fx, kr[k], locked ? shut_px[k] : open_px[k]);
            }
            const ui_button *b = screens_find(&scr, "pin-cancel");
            assert_non_null(b);
            back = b->r;
            back.w = back.w < 200 ? back.w : 200;
            back.h = back.h < 100 ? back.h : 100;
            read_rect(fx, back, back_px[locked]);
            size_t nrec;
            const draw_record *rec = draw_records(fx->d, &nrec);
            bool said = false;
            for (size_t i = 0; i < nrec; i++)
                said = said || strstr(rec[i].text, "Wacht 1 minuut") != NULL;
            assert_int_equal(said, locked);
            /* held down: the open pad shows it at once, the shut one does not */
            for (int k = 0; k < 3; k++) {
                v.pressed = keys[k];
                screens_draw(&scr, &f, &v, at[si][0], at[si][1]);
                read_rect(fx, kr[k], held_px);
                size_t len = (size_t)kr[k].w * (size_t)kr[k].h * 4;
                if (locked)
                    assert_memory_equal(held_px, shut_px[k], len);
                else
                    assert_memory_not_equal(held_px, open_px[k], len);
            }
        }
        for (int k = 0; k < 3; k++)
            assert_memory_not_equal(open_px[k], shut_px[k], (size_t)kr[k].w * (size_t)kr[k].h * 4);
        assert_memory_equal(back_px[0], back_px[1], (size_t)back.w * (size_t)back.h * 4);
    }
    i18n_destroy(tr);
}

/* Likert faces with few points: every face stays inside the answer area and the
 * screen at every size (a 3-point scale made the faces taller than the area). */
static void test_few_point_likert_fits(void **state)
{
    fixture *fx = *state;
    i18n *tr = i18n_create();
    assert_int_equal(i18n_load_dir(tr, "assets", NULL, 0), LK_OK);
    static const char json[] =
        "{\"questions\": [{\"id\": \"mood\", \"type\": \"likert\", \"competency\": null,"
        " \"nl\": \"Hoe vond je het?\", \"en\": \"How was it?\", \"choices\": ["
        " {\"id\": \"1\", \"nl\": \"Niet leuk\", \"en\": \"Not good\"},"
        " {\"id\": \"2\", \"nl\": \"Gaat wel\", \"en\": \"Okay\"},"
        " {\"id\": \"3\", \"nl\": \"Leuk\", \"en\": \"Good\"}]}]}";
    reflection_set *set = NULL;
    assert_int_equal(reflection_set_parse(json, "three", &set, NULL, 0), LK_OK);
    static config cfg;
    memset(&cfg, 0, sizeof cfg);
    ui_view v;
    memset(&v, 0, sizeof v);
    v.tr = tr;
    v.cfg = &cfg;
    ui_screens scr;
    memset(&scr, 0, sizeof scr);
    scr.d = fx->d;
    for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
        flow f;
        flow_init(&f, NULL, 0);
        f.set = set;
        f.screen = FLOW_REFLECTION;
        reflection_session_start(&f.refl, set);
        screens_draw(&scr, &f, &v, sizes[si][0], sizes[si][1]);
        size_t faults = draw_check_overflow(fx->d, stderr) + screens_check_targets(&scr, stderr);
        if (faults)
            fail_msg("3-point likert at %dx%d: %zu faults", sizes[si][0], sizes[si][1], faults);
        const ui_button *c0 = screens_find(&scr, "choice-0");
        assert_non_null(c0);
        assert_true(c0->r.y + c0->r.h <= sizes[si][1]);
    }
    reflection_set_destroy(set);
    i18n_destroy(tr);
}

/* A box narrower than one character at the smallest size: only the text itself may
 * be drawn, never lines left over from an earlier, longer text. */
/* The fitted layout is kept (key: text, box size, style): a redraw sets the same
 * text exactly as the first draw measured it, a different box or a different text
 * is measured anew, and pixels come out the same with the cache as without. */
static void test_layout_cache_same_result(void **state)
{
    fixture *fx = *state;
    static const char *const texts[] = {
        "Welkom, Maximiliaan-Alexander Wolfeschlegelsteinhausenbergerdorff!",
        "Wist je dat je hier ook kunt aangeven wat je van de dag vond? Tik op een gezicht.",
        "kort",
    };
    SDL_Rect boxes[] = {{10, 10, 300, 60}, {10, 10, 90, 30}, {10, 10, 700, 200}};
    for (size_t t = 0; t < 3; t++) {
        for (size_t b = 0; b < 3; b++) {
            draw_record first[3];
            SDL_Surface *pix[2];
            for (int pass = 0; pass < 3; pass++) {
                if (pass == 2)
                    draw_flush_cache(fx->d); /* measured anew: the same result */
                draw_begin(fx->d, 800, 480);
                SDL_SetRenderDrawColor(fx->r, 0, 0, 0, 255);
                SDL_RenderClear(fx->r);
                draw_style s = st(48, 2);
                int h = draw_text(fx->d, texts[t], boxes[b], &s);
                assert_int_equal(h, draw_text_height(fx->d, texts[t], boxes[b], &s));
                size_t n = 0;
                const draw_record *rec = draw_records(fx->d, &n);
                assert_int_equal(n, 1);
                if (pass == 0) {
                    first[0] = rec[0];
                } else {
                    assert_int_equal(rec[0].size, first[0].size);
                    assert_int_equal(rec[0].ellipsized, first[0].ellipsized);
                    assert_memory_equal(&rec[0].ink, &first[0].ink, sizeof rec[0].ink);
                }
                if (pass != 1) {
                    pix[pass / 2] =
                        SDL_CreateRGBSurfaceWithFormat(0, 800, 480, 32, SDL_PIXELFORMAT_RGBA32);
                    assert_non_null(pix[pass / 2]);
                    SDL_Rect all = {0, 0, 800, 480};
                    SDL_RenderReadPixels(fx->r, &all, SDL_PIXELFORMAT_RGBA32, pix[pass / 2]->pixels,
                                         pix[pass / 2]->pitch);
                }
            }
            assert_memory_equal(pix[0]->pixels, pix[1]->pixels, (size_t)pix[0]->pitch * 480);
            SDL_FreeSurface(pix[0]);
            SDL_FreeSurface(pix[1]);
        }
    }
    /* the narrow box cuts the long name, but not a short word */
    draw_begin(fx->d, 800, 480);
    draw_style s = st(48, 1);
    draw_text(fx->d, texts[0], boxes[1], &s);
    draw_text(fx->d, texts[2], boxes[2], &s);
    size_t n = 0;
    const draw_record *rec = draw_records(fx->d, &n);
    assert_int_equal(n, 2);
    assert_true(rec[0].ellipsized);
    assert_false(rec[1].ellipsized);
}

static void test_too_narrow_box_draws_no_stale_lines(void **state)
{
    fixture *fx = *state;
    draw_begin(fx->d, 800, 480);
    draw_style many = st(20, 8);
    draw_text(fx->d,
              "Open dag Techniek, Installatietechniek en Elektrotechniek bij het Regionaal "
              "Opleidingencentrum Noord-Holland Noord, locatie Den Helder, met een rondleiding",
              (SDL_Rect){0, 0, 150, 400}, &many);
    char narrow[] = "WW WW WW";
    draw_style three = st(20, 3);
    draw_text(fx->d, narrow, (SDL_Rect){0, 0, 2, 400}, &three);
    size_t n;
    const draw_record *rec = draw_records(fx->d, &n);
    assert_int_equal(n, 2);
    /* nothing of "WW WW WW" fits in 2 pixels: at most one cut line, never three */
    assert_true(rec[1].ink.h < 2 * draw_line_height(fx->d, rec[1].size, true));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_and_empty),
        cmocka_unit_test(test_long_texts_fit),
        cmocka_unit_test(test_layout_cache_same_result),
        cmocka_unit_test(test_overflow_is_caught),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_every_screen_every_size),
        cmocka_unit_test(test_sync_line_names_the_cause),
        cmocka_unit_test(test_done_words_follow_the_sync),
        cmocka_unit_test(test_hit_and_find),
        cmocka_unit_test(test_locked_pin_pad_is_off),
        cmocka_unit_test(test_screenshot),
        cmocka_unit_test(test_few_point_likert_fits),
        cmocka_unit_test(test_too_narrow_box_draws_no_stale_lines),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
