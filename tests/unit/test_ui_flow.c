/* Tests of the kiosk's screen flow (src/ui/flow.c) driven directly: every screen,
 * every transition, timeouts, a scan during a reflection, the internship-day
 * order, and hostile button ids. No SDL, no database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lobkiosk/util.h"
#include "ui/flow.h"

static reflection_set *load_default(void)
{
    reflection_set *set = NULL;
    assert_int_equal(reflection_set_load("assets", "default", &set, NULL, 0), LK_OK);
    return set;
}

static checkin_result result(checkin_outcome o, const char *subject)
{
    checkin_result r;
    memset(&r, 0, sizeof r);
    r.outcome = o;
    lk_strlcpy(r.who.subject, subject, sizeof r.who.subject);
    lk_strlcpy(r.who.issuer, "DEMO", sizeof r.who.issuer);
    r.exp.id = 7;
    return r;
}

static void test_null_and_unknown(void **state)
{
    flow_init(NULL, NULL, 0);
    assert_int_equal(flow_scan(NULL, NULL, 0), 0);
    assert_int_equal(flow_tap(NULL, "next", 0), 0);
    assert_int_equal(flow_tick(NULL, 0), 0);
    assert_int_equal(flow_deadline(NULL), INT64_MAX);
    assert_string_equal(flow_screen_token(FLOW_SCREEN_COUNT), "unknown");
    assert_string_equal(flow_screen_token(FLOW_REFLECTION), "reflection");
    flow f;
    flow_init(&f, NULL, 1000);
    assert_int_equal(f.screen, FLOW_IDLE);
    assert_int_equal(flow_deadline(&f), INT64_MAX);
    assert_int_equal(flow_tap(&f, NULL, 0), 0);
    assert_int_equal(flow_tap(&f, "", 0), 0);
    assert_int_equal(flow_tap(&f, "next", 0), 0);
    assert_int_equal(flow_tap(&f, "choice-0", 0), 0);
    assert_int_equal(flow_tap(&f, "admin", 0), 0); /* no PIN configured: no way in */
    assert_int_equal(f.screen, FLOW_IDLE);
    assert_int_equal(flow_scan(&f, NULL, 0), 0);
    checkin_result ign = result(CHECKIN_IGNORED, "1");
    assert_int_equal(flow_scan(&f, &ign, 0), 0);
    assert_int_equal(f.screen, FLOW_IDLE);
    assert_true(flow_tap(&f, "lang", 0) & FLOW_FX_LANGUAGE);
}

static void test_checkin_reflection_done(void **state)
{
    reflection_set *set = load_default();
    flow f;
    flow_init(&f, NULL, 0);
    f.set = set;
    checkin_result r = result(CHECKIN_CHECKED_IN, "1001");
    unsigned fx = flow_scan(&f, &r, 100);
    assert_int_equal(f.screen, FLOW_WELCOME);
    assert_true(fx & FLOW_FX_SOUND_OK);
    assert_false(fx & FLOW_FX_SOUND_REFUSE);
    assert_true(f.reflect_next);
    /* the welcome stays ~2 s, then the reflection */
    assert_int_equal(flow_tick(&f, 100 + 1999), 0);
    assert_true(flow_tick(&f, 100 + 2000) & FLOW_FX_REDRAW);
    assert_int_equal(f.screen, FLOW_REFLECTION);
    assert_int_equal(f.refl.step, 0);
    assert_int_equal(flow_tap(&f, "back", 2200), 0);     /* nothing before the first */
    assert_int_equal(flow_tap(&f, "choice-5", 2200), 0); /* five faces: 0..4 */
    assert_int_equal(flow_tap(&f, "choice--1", 2200), 0);
    assert_int_equal(flow_tap(&f, "choice-x", 2200), 0);
    assert_int_equal(flow_tap(&f, "key-a", 2200), 0); /* no keyboard on a choice */
    assert_true(flow_tap(&f, "choice-4", 2300) & FLOW_FX_REDRAW);
    assert_int_equal(f.refl.step, 1);
    assert_true(flow_tap(&f, "skip", 2400));
    assert_true(flow_tap(&f, "back", 2500));
    /* "Waar was je goed in?" takes several: chips toggle, "Verder" goes on */
    assert_true(reflection_set_multiple(set, 1));
    assert_int_equal(flow_tap(&f, "choice-7", 2550), 0); /* seven chips: 0..6 */
    assert_int_equal(flow_tap(&f, "send", 2550), 0);     /* no keyboard here */
    assert_true(flow_tap(&f, "choice-0", 2560) & FLOW_FX_REDRAW);
    assert_true(flow_tap(&f, "choice-2", 2570) & FLOW_FX_REDRAW);
    /* "Weet ik nog niet" stands alone; a quality turns it off again */
    assert_true(flow_tap(&f, "choice-6", 2580) & FLOW_FX_REDRAW);
    assert_int_equal(f.refl.answers[1].picked, 1u << 6);
    assert_true(flow_tap(&f, "choice-0", 2585) & FLOW_FX_REDRAW);
    assert_true(flow_tap(&f, "choice-2", 2590) & FLOW_FX_REDRAW);
    assert_int_equal(f.refl.answers[1].picked, 1u << 0 | 1u << 2);
    assert_int_equal(f.refl.step, 1); /* a toggle does not move on */
    assert_true(flow_tap(&f, "next", 2600) & FLOW_FX_REDRAW);
    assert_int_equal(f.refl.step, 2);
    assert_string_equal(reflection_response(&f.refl, 1), "samenwerken[,]praten");
    /* back again: the chips are still on, and a change is kept */
    assert_true(flow_tap(&f, "back", 2610));
    assert_true(flow_tap(&f, "choice-0", 2620));
    assert_true(flow_tap(&f, "next", 2630));
    assert_string_equal(reflection_response(&f.refl, 1), "praten");
    for (int i = 2; i < 6; i++)
        assert_true(flow_tap(&f, "choice-0", 2700 + i));
    assert_int_equal(f.refl.step, 6);                     /* the text question */
    assert_int_equal(flow_tap(&f, "key-space", 3000), 0); /* no leading space */
    assert_true(flow_tap(&f, "key-o", 3000));
    assert_true(flow_tap(&f, "key-k", 3000));
    assert_true(flow_tap(&f, "key-space", 3000));
    assert_int_equal(flow_tap(&f, "key-space", 3000), 0); /* no double space */
    assert_true(flow_tap(&f, "key-erase", 3000));
    assert_string_equal(f.text, "ok");
    assert_int_equal(flow_tap(&f, "key-\x01", 3000), 0);
    assert_int_equal(flow_tap(&f, "key-", 3000), 0);
    fx = flow_tap(&f, "send", 3100);
    assert_int_equal(f.screen, FLOW_DONE);
    assert_true(fx & FLOW_FX_SAVE);
    assert_true(f.save.active);
    assert_int_equal(f.saved_answers, 7);
    assert_string_equal(reflection_response(&f.save.refl, 0), "5");
    assert_string_equal(reflection_response(&f.save.refl, 1), "praten");
    assert_string_equal(reflection_response(&f.save.refl, 6), "ok");
    assert_string_equal(f.save.scan.who.subject, "1001");
    assert_int_equal(flow_saved(&f, true, 3200), 0);
    assert_false(f.save.active);
    assert_int_equal(f.screen, FLOW_DONE);
    /* done (and its QR code) stays 20 s, then back to idle and the kiosk's language */
    assert_int_equal(flow_tick(&f, 3100 + 19999), 0);
    assert_int_equal(flow_tick(&f, 3100 + 20000), FLOW_FX_REDRAW | FLOW_FX_LANGUAGE_RESET);
    assert_int_equal(f.screen, FLOW_IDLE);
    reflection_set_destroy(set);
}

static void test_save_failure_is_honest(void **state)
{
    reflection_set *set = load_default();
    flow f;
    flow_init(&f, NULL, 0);
    f.set = set;
    checkin_result r = result(CHECKIN_CHECKED_IN, "1");
    flow_scan(&f, &r, 0);
    flow_tap(&f, "next", 10);
    flow_tap(&f, "choice-2", 20);
    for (int i = 0; i < 6; i++)
        flow_tap(&f, "skip", 30);
    assert_int_equal(f.screen, FLOW_DONE);
    unsigned fx = flow_saved(&f, false, 40);
    assert_int_equal(f.screen, FLOW_ERROR);
    assert_true(fx & FLOW_FX_SOUND_REFUSE);
    assert_true(flow_tap(&f, "ok", 50));
    assert_int_equal(f.screen, FLOW_IDLE);
    reflection_set_destroy(set);
}

static void test_all_skipped_saves_nothing(void **state)
{
    reflection_set *set = load_default();
    flow f;
    flow_init(&f, NULL, 0);
    f.set = set;
    checkin_result r = result(CHECKIN_CHECKED_IN, "1");
    flow_scan(&f, &r, 0);
    flow_tap(&f, "next", 10);
    unsigned fx = 0;
    for (size_t i = 0; i < reflection_set_count(set); i++)
        fx |= flow_tap(&f, "skip", 20);
    assert_int_equal(f.screen, FLOW_DONE);
    assert_false(fx & FLOW_FX_SAVE);
    assert_int_equal(f.saved_answers, 0);
    assert_true(flow_tap(&f, "close", 30));
    assert_int_equal(f.screen, FLOW_IDLE);
    reflection_set_destroy(set);
}

static void test_scan_during_reflection_keeps_answers(void **state)
{
    reflection_set *set = load_default();
    flow f;
    flow_init(&f, NULL, 0);
    f.set = set;
    checkin_result a = result(CHECKIN_CHECKED_IN, "1001");
    flow_scan(&f, &a, 0);
    flow_tap(&f, "next", 10);
    flow_tap(&f, "choice-3", 20);
    flow_tap(&f, "choice-0", 30); /* a chip on, no "Verder" yet: the scan keeps it */
    checkin_result b = result(CHECKIN_CHECKED_IN, "1002");
    unsigned fx = flow_scan(&f, &b, 40);
    assert_true(fx & FLOW_FX_SAVE);
    assert_true(fx & FLOW_FX_SOUND_OK);
    assert_int_equal(f.screen, FLOW_WELCOME); /* the next student at once */
    assert_string_equal(f.scan.who.subject, "1002");
    assert_string_equal(f.save.scan.who.subject, "1001"); /* the first one's answers */
    assert_int_equal(reflection_answered(&f.save.refl), 2);
    assert_string_equal(reflection_response(&f.save.refl, 1), "samenwerken");
    /* a check-out during a reflection takes over too */
    flow_saved(&f, true, 50);
    flow_tap(&f, "next", 60);
    flow_tap(&f, "choice-1", 70);
    checkin_result out = result(CHECKIN_CHECKED_OUT, "1003");
    fx = flow_scan(&f, &out, 80);
    assert_true(fx & FLOW_FX_SAVE);
    assert_int_equal(f.screen, FLOW_WELCOME);
    assert_string_equal(f.save.scan.who.subject, "1002");
    /* a failed save of an earlier student never hides the new screen */
    assert_int_equal(flow_saved(&f, false, 90), 0);
    assert_int_equal(f.screen, FLOW_WELCOME);
    reflection_set_destroy(set);
}

/* Scans that check no one in or out leave a reflection running: a banner for a
 * few seconds over its top bar, the answers and the step untouched. */
static void test_scan_that_changes_nothing_shows_a_banner(void **state)
{
    reflection_set *set = load_default();
    flow_timing t = {0};
    t.reflection_ms = 45000;
    t.banner_ms = 4000;
    flow f;
    flow_init(&f, &t, 0);
    f.set = set;
    checkin_result a = result(CHECKIN_CHECKED_IN, "1001");
    flow_scan(&f, &a, 0);
    flow_tap(&f, "next", 10);
    flow_tap(&f, "choice-3", 20);
    assert_int_equal(f.refl.step, 1);
    static const checkin_outcome outcomes[] = {CHECKIN_ALREADY, CHECKIN_ALREADY_OUT,
                                               CHECKIN_REFUSED, CHECKIN_HOST, CHECKIN_ADMIN};
    static const unsigned sounds[] = {FLOW_FX_SOUND_OK, FLOW_FX_SOUND_OK, FLOW_FX_SOUND_REFUSE,
                                      FLOW_FX_SOUND_REFUSE, FLOW_FX_SOUND_REFUSE};
    static const flow_banner_kind kinds[] = {FLOW_BANNER_SCAN, FLOW_BANNER_SCAN, FLOW_BANNER_SCAN,
                                             FLOW_BANNER_BUSY, FLOW_BANNER_BUSY};
    int64_t now = 100;
    for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++, now += 5000) {
        checkin_result r = result(outcomes[i], i == 0 ? "1001" : "2001");
        r.reason = outcomes[i] == CHECKIN_REFUSED ? LK_REASON_EXPIRED : LK_REASON_NONE;
        unsigned fx = flow_scan(&f, &r, now);
        assert_false(fx & FLOW_FX_SAVE);
        assert_true(fx & FLOW_FX_REDRAW);
        assert_true(fx & sounds[i]);
        assert_int_equal(f.screen, FLOW_REFLECTION);
        assert_int_equal(f.refl.step, 1);
        assert_int_equal(reflection_answered(&f.refl), 1);
        assert_int_equal(f.banner.kind, kinds[i]);
        if (kinds[i] == FLOW_BANNER_SCAN)
            assert_int_equal(f.banner.scan.outcome, outcomes[i]);
        assert_string_equal(f.scan.who.subject, "1001"); /* still the student's reflection */
        /* the banner goes by itself; the reflection's own timeout is not touched */
        assert_int_equal(flow_deadline(&f), now + 4000);
        assert_int_equal(flow_tick(&f, now + 3999), 0);
        assert_int_equal(flow_tick(&f, now + 4000), FLOW_FX_REDRAW);
        assert_int_equal(f.banner.kind, FLOW_BANNER_NONE);
        assert_int_equal(f.screen, FLOW_REFLECTION);
        flow_tap(&f, "back", now + 4100); /* the student is still there */
        flow_tap(&f, "choice-3", now + 4200);
    }
    /* the input kept the reflection alive; a failed write is a banner too */
    assert_int_equal(flow_scan_failed(&f, now), FLOW_FX_REDRAW | FLOW_FX_SOUND_REFUSE);
    assert_int_equal(f.banner.kind, FLOW_BANNER_ERROR);
    assert_int_equal(f.screen, FLOW_REFLECTION);
    /* answering on goes on normally, and the banner leaves with the screen */
    assert_true(flow_tap(&f, "choice-0", now + 10) & FLOW_FX_REDRAW);
    assert_true(flow_tap(&f, "next", now + 15) & FLOW_FX_REDRAW);
    assert_int_equal(f.refl.step, 2);
    checkin_result b = result(CHECKIN_CHECKED_IN, "1002");
    assert_true(flow_scan(&f, &b, now + 20) & FLOW_FX_SAVE);
    assert_int_equal(f.banner.kind, FLOW_BANNER_NONE);
    assert_int_equal(reflection_answered(&f.save.refl), 2);
    /* outside a reflection a refusal is its own screen, as before */
    checkin_result bad = result(CHECKIN_REFUSED, "");
    bad.reason = LK_REASON_EXPIRED;
    flow_scan(&f, &bad, now + 30);
    assert_int_equal(f.screen, FLOW_REFUSAL);
    reflection_set_destroy(set);
}

static void test_reflection_timeout(void **state)
{
    reflection_set *set = load_default();
    flow_timing t = {0};
    t.reflection_ms = 1000;
    flow f;
    flow_init(&f, &t, 0);
    f.set = set;
    checkin_result r = result(CHECKIN_CHECKED_IN, "1");
    flow_scan(&f, &r, 0);
    flow_tick(&f, 5000);
    assert_int_equal(f.screen, FLOW_REFLECTION);
    flow_tap(&f, "choice-0", 5500); /* a touch restarts the wait */
    /* a short timeout warns halfway */
    assert_int_equal(flow_deadline(&f), 6000);
    assert_int_equal(flow_tick(&f, 5999), 0);
    assert_int_equal(flow_tick(&f, 6000), FLOW_FX_REDRAW);
    assert_true(f.warned);
    assert_int_equal(flow_deadline(&f), 6500);
    assert_int_equal(flow_tick(&f, 6499), 0);
    unsigned fx = flow_tick(&f, 6500);
    assert_true(fx & FLOW_FX_SAVE);
    assert_true(fx & FLOW_FX_LANGUAGE_RESET);
    assert_int_equal(f.screen, FLOW_IDLE);
    assert_int_equal(reflection_answered(&f.save.refl), 1);
    reflection_set_destroy(set);
}

/* 10 s before a reflection times out it asks "Nog even?"; a tap anywhere only
 * answers that (it chooses nothing) and the full time starts again. */
static void test_reflection_warns_before_timeout(void **state)
{
    reflection_set *set = load_default();
    flow_timing t = {0};
    t.reflection_ms = 45000;
    flow f;
    flow_init(&f, &t, 0);
    f.set = set;
    checkin_result r = result(CHECKIN_CHECKED_IN, "1");
    flow_scan(&f, &r, 0);
    flow_tap(&f, "next", 0);
    flow_tap(&f, "choice-4", 1000);
    assert_int_equal(flow_deadline(&f), 36000);
    assert_int_equal(flow_tick(&f, 36000), FLOW_FX_REDRAW);
    assert_true(f.warned);
    assert_int_equal(f.screen, FLOW_REFLECTION);
    /* the tap lands on a choice, but only says "still here" */
    assert_int_equal(flow_tap(&f, "choice-0", 40000), FLOW_FX_REDRAW);
    assert_false(f.warned);
    assert_int_equal(f.refl.step, 1);
    assert_int_equal(reflection_answered(&f.refl), 1);
    assert_int_equal(flow_deadline(&f), 75000);
    /* a banner does not hide the warning's time */
    checkin_result al = result(CHECKIN_ALREADY, "2");
    flow_scan(&f, &al, 70000);
    assert_int_equal(flow_deadline(&f), 74000);
    flow_tick(&f, 74000);
    assert_false(f.warned);
    assert_int_equal(f.banner.kind, FLOW_BANNER_NONE);
    assert_int_equal(flow_tick(&f, 75000), FLOW_FX_REDRAW);
    assert_true(f.warned);
    unsigned fx = flow_tick(&f, 85000);
    assert_true(fx & FLOW_FX_SAVE);
    assert_int_equal(f.screen, FLOW_IDLE);
    reflection_set_destroy(set);
}

/* The language a student picks is theirs alone: the kiosk's own language comes
 * back when their turn ends, whichever way it ends. */
static void test_language_resets_after_a_turn(void **state)
{
    reflection_set *set = load_default();
    flow f;
    flow_init(&f, NULL, 0);
    f.set = set;
    f.has_pin = true;
    /* picked on idle: kept for the student's own scan */
    assert_int_equal(flow_tap(&f, "lang", 0), FLOW_FX_LANGUAGE | FLOW_FX_REDRAW);
    checkin_result a = result(CHECKIN_CHECKED_IN, "1");
    assert_false(flow_scan(&f, &a, 10) & FLOW_FX_LANGUAGE_RESET);
    /* on the welcome: switches and gives time to read it again */
    assert_int_equal(flow_tap(&f, "lang", 1500), FLOW_FX_LANGUAGE | FLOW_FX_REDRAW);
    assert_int_equal(f.screen, FLOW_WELCOME);
    assert_int_equal(flow_deadline(&f), 3500);
    assert_false(flow_tick(&f, 3500) & FLOW_FX_LANGUAGE_RESET);
    assert_int_equal(f.screen, FLOW_REFLECTION);
    /* on the reflection */
    assert_int_equal(flow_tap(&f, "lang", 3600), FLOW_FX_LANGUAGE | FLOW_FX_REDRAW);
    assert_int_equal(f.refl.step, 0);
    /* the next student's check-in takes over: reset */
    checkin_result b = result(CHECKIN_CHECKED_IN, "2");
    assert_true(flow_scan(&f, &b, 4000) & FLOW_FX_LANGUAGE_RESET);
    /* a banner is not the end of a turn */
    flow_tap(&f, "next", 4100);
    checkin_result al = result(CHECKIN_ALREADY, "1");
    assert_false(flow_scan(&f, &al, 4200) & FLOW_FX_LANGUAGE_RESET);
    /* skipping to the end, then Klaar */
    for (int i = 0; i < 7; i++)
        flow_tap(&f, "skip", 4300 + i);
    assert_int_equal(f.screen, FLOW_DONE);
    assert_true(flow_tap(&f, "close", 4400) & FLOW_FX_LANGUAGE_RESET);
    /* a refusal's OK, and its timeout */
    checkin_result bad = result(CHECKIN_REFUSED, "");
    bad.reason = LK_REASON_EXPIRED;
    flow_scan(&f, &bad, 5000);
    assert_true(flow_tap(&f, "ok", 5100) & FLOW_FX_LANGUAGE_RESET);
    flow_scan(&f, &bad, 6000);
    assert_true(flow_tick(&f, 60000) & FLOW_FX_LANGUAGE_RESET);
    /* the admin's screens are not a student's turn */
    assert_false(flow_tap(&f, "admin", 61000) & FLOW_FX_LANGUAGE_RESET);
    assert_false(flow_tap(&f, "pin-cancel", 61100) & FLOW_FX_LANGUAGE_RESET);
    assert_int_equal(f.screen, FLOW_IDLE);
    reflection_set_destroy(set);
}

static void test_already_and_no_questions(void **state)
{
    reflection_set *set = load_default();
    flow f;
    flow_init(&f, NULL, 0);
    f.set = set;
    checkin_result r = result(CHECKIN_ALREADY, "1");
    flow_scan(&f, &r, 0);
    assert_int_equal(f.screen, FLOW_WELCOME);
    assert_false(f.reflect_next);
    flow_tick(&f, 100000);
    assert_int_equal(f.screen, FLOW_IDLE);
    /* without a question set a check-in goes straight back to idle */
    f.set = NULL;
    r = result(CHECKIN_CHECKED_IN, "2");
    flow_scan(&f, &r, 0);
    assert_false(f.reflect_next);
    assert_true(flow_tap(&f, "next", 10));
    assert_int_equal(f.screen, FLOW_IDLE);
    reflection_set_destroy(set);
}

static void test_internship_day_reflects_at_checkout(void **state)
{
    reflection_set *set = load_default();
    flow f;
    flow_init(&f, NULL, 0);
    f.set = set;
    f.mode = CONFIG_MODE_CHECKIN_CHECKOUT;
    checkin_result in = result(CHECKIN_CHECKED_IN, "1");
    flow_scan(&f, &in, 0);
    assert_false(f.reflect_next);
    flow_tap(&f, "next", 10);
    assert_int_equal(f.screen, FLOW_IDLE);
    checkin_result out = result(CHECKIN_CHECKED_OUT, "1");
    out.duration_ms = 6 * 3600000 + 15 * 60000;
    flow_scan(&f, &out, 20);
    assert_true(f.reflect_next);
    flow_tap(&f, "next", 30);
    assert_int_equal(f.screen, FLOW_REFLECTION);
    /* an extra scan of the same pass leaves the reflection running */
    checkin_result again = result(CHECKIN_ALREADY_OUT, "1");
    flow_scan(&f, &again, 40);
    assert_int_equal(f.screen, FLOW_REFLECTION);
    assert_int_equal(f.banner.kind, FLOW_BANNER_SCAN);
    flow_tick(&f, 100000); /* the warning */
    flow_tick(&f, 100000);
    assert_int_equal(f.screen, FLOW_IDLE);
    flow_scan(&f, &again, 100010);
    assert_int_equal(f.screen, FLOW_WELCOME);
    assert_false(f.reflect_next);
    reflection_set_destroy(set);
}

/* "Wil je uitchecken?": yes hands the check-out to the kiosk and goes on as a
 * check-out (the same student's turn: no language reset); no, or no answer, is no. */
static void test_confirm_checkout(void **state)
{
    reflection_set *set = load_default();
    flow f;
    flow_init(&f, NULL, 0);
    f.set = set;
    f.mode = CONFIG_MODE_CHECKIN_CHECKOUT;
    checkin_result ask = result(CHECKIN_CONFIRM_CHECKOUT, "1");
    unsigned fx = flow_scan(&f, &ask, 100);
    assert_int_equal(f.screen, FLOW_CONFIRM_OUT);
    assert_string_equal(flow_screen_token(f.screen), "confirm_out");
    assert_true(fx & FLOW_FX_REDRAW);
    assert_int_equal(flow_tap(&f, "next", 200), 0);
    /* no answer within 10 s: no */
    assert_int_equal(flow_deadline(&f), 10100);
    assert_true(flow_tick(&f, 10100) & FLOW_FX_LANGUAGE_RESET);
    assert_int_equal(f.screen, FLOW_IDLE);
    /* no */
    flow_scan(&f, &ask, 20000);
    assert_true(flow_tap(&f, "checkout-no", 20100) & FLOW_FX_REDRAW);
    assert_int_equal(f.screen, FLOW_IDLE);
    /* yes: the kiosk checks out, then the check-out's welcome and reflection */
    flow_scan(&f, &ask, 30000);
    assert_int_equal(flow_tap(&f, "checkout-yes", 30100), FLOW_FX_CHECKOUT);
    assert_int_equal(f.screen, FLOW_CONFIRM_OUT);
    checkin_result out = result(CHECKIN_CHECKED_OUT, "1");
    out.duration_ms = 20 * 60000;
    fx = flow_checkout_result(&f, &out, 30200);
    assert_false(fx & FLOW_FX_LANGUAGE_RESET);
    assert_true(fx & FLOW_FX_SOUND_OK);
    assert_int_equal(f.screen, FLOW_WELCOME);
    assert_true(f.reflect_next);
    /* only from the question */
    assert_int_equal(flow_checkout_result(&f, &out, 30300), 0);
    /* asked during someone's reflection: a banner, the reflection goes on */
    flow_tap(&f, "next", 30400);
    assert_int_equal(f.screen, FLOW_REFLECTION);
    checkin_result other = result(CHECKIN_CONFIRM_CHECKOUT, "2");
    fx = flow_scan(&f, &other, 30500);
    assert_false(fx & FLOW_FX_SAVE);
    assert_int_equal(f.screen, FLOW_REFLECTION);
    assert_int_equal(f.banner.kind, FLOW_BANNER_SCAN);
    reflection_set_destroy(set);
}

/* The keyboard: one capital after "ABC", a second layer with digits, accents and
 * punctuation; what it types is UTF-8. */
static void test_keyboard_capitals_digits_accents(void **state)
{
    reflection_set *set = load_default();
    flow f;
    flow_init(&f, NULL, 0);
    f.set = set;
    checkin_result r = result(CHECKIN_CHECKED_IN, "1");
    flow_scan(&f, &r, 0);
    flow_tap(&f, "next", 10);
    for (int i = 0; i < 6; i++)
        flow_tap(&f, "skip", 20 + i);
    assert_int_equal(f.refl.step, 6); /* the note */
    assert_int_equal(flow_tap(&f, "key-shift", 30), FLOW_FX_REDRAW);
    assert_true(f.kb_shift);
    flow_tap(&f, "key-T", 31);
    assert_false(f.kb_shift); /* one capital */
    flow_tap(&f, "key-o", 32);
    flow_tap(&f, "key-p", 33);
    assert_int_equal(flow_tap(&f, "key-layer", 34), FLOW_FX_REDRAW);
    assert_int_equal(f.kb_layer, 1);
    flow_tap(&f, "key-!", 35);
    flow_tap(&f, "key-space", 36);
    flow_tap(&f, "key-\xC3\xAB", 37); /* ë */
    flow_tap(&f, "key-\xC3\xA9", 38); /* é */
    flow_tap(&f, "key-\xC3\xAF", 39); /* ï */
    flow_tap(&f, "key-1", 40);
    flow_tap(&f, "key-0", 41);
    assert_string_equal(f.text, "Top! \xC3\xAB\xC3\xA9\xC3\xAF"
                                "10");
    flow_tap(&f, "key-erase", 42);
    assert_string_equal(f.text, "Top! \xC3\xAB\xC3\xA9\xC3\xAF"
                                "1");
    flow_tap(&f, "key-erase", 43);
    flow_tap(&f, "key-erase", 44); /* a whole two-byte letter */
    assert_string_equal(f.text, "Top! \xC3\xAB\xC3\xA9");
    flow_tap(&f, "key-layer", 45);
    assert_int_equal(f.kb_layer, 0);
    assert_true(flow_tap(&f, "send", 46) & FLOW_FX_SAVE);
    assert_string_equal(reflection_response(&f.save.refl, 6), "Top! \xC3\xAB\xC3\xA9");
    /* the next reflection starts on lower-case letters */
    flow_saved(&f, true, 47);
    r = result(CHECKIN_CHECKED_IN, "2");
    flow_scan(&f, &r, 50);
    flow_tap(&f, "next", 51);
    assert_false(f.kb_shift);
    assert_int_equal(f.kb_layer, 0);
    reflection_set_destroy(set);
}

/* Five wrong PINs in a row shut the pad for a minute; it opens again by itself, and
 * a right PIN resets the count. */
static void test_pin_pad_shuts_after_wrong_pins(void **state)
{
    flow f;
    flow_init(&f, NULL, 0);
    f.has_pin = true;
    int64_t t = 100;
    assert_true(flow_tap(&f, "admin", t));
    for (int round = 0; round < FLOW_PIN_TRIES; round++) {
        assert_false(f.pin_locked);
        for (int i = 0; i < 4; i++)
            flow_tap(&f, "pin-9", ++t);
        assert_true(flow_tap(&f, "pin-ok", ++t) & FLOW_FX_CHECK_PIN);
        flow_pin_result(&f, false, ++t);
    }
    assert_true(f.pin_locked);
    assert_int_equal(f.screen, FLOW_PIN);
    /* shut: digits and OK do nothing, cancel still works */
    assert_int_equal(flow_tap(&f, "pin-1", ++t), 0);
    assert_string_equal(f.pin, "");
    assert_int_equal(flow_tap(&f, "pin-ok", ++t), 0);
    assert_int_equal(flow_tap(&f, "pin-erase", ++t), 0); /* drawn off too: no redraw */
    /* it opens again after the first lockout (a minute), with a redraw if the pad is on screen */
    int64_t opens = f.pin_locked_until;
    f.input_ms = opens - 1000; /* someone waits at the pad */
    assert_int_equal(flow_deadline(&f), opens);
    assert_int_equal(flow_tick(&f, opens - 1), 0);
    assert_true(f.pin_locked);
    assert_true(flow_tick(&f, opens) & FLOW_FX_REDRAW);
    assert_false(f.pin_locked);
    assert_int_equal(f.screen, FLOW_PIN);
    for (int i = 0; i < 4; i++)
        flow_tap(&f, "pin-1", opens + 1);
    assert_true(flow_tap(&f, "pin-ok", opens + 2) & FLOW_FX_CHECK_PIN);
    flow_pin_result(&f, true, opens + 3);
    assert_int_equal(f.screen, FLOW_ADMIN);
    assert_int_equal(f.pin_guard.failures, 0);
}

/* The next five wrong PINs shut the pad for 5 minutes, then 15, then an hour; a
 * guard kept from before a restart is shut at once. */
static void test_pin_pad_lockout_escalates_and_is_restored(void **state)
{
    flow f;
    flow_init(&f, NULL, 0);
    f.has_pin = true;
    int64_t t = 100;
    const int64_t want[] = {60000, 5 * 60000, 15 * 60000, 60 * 60000, 60 * 60000};
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < FLOW_PIN_TRIES; i++) {
            assert_false(f.pin_locked);
            assert_true(flow_tap(&f, "admin", t) || f.screen == FLOW_PIN);
            for (int d = 0; d < 4; d++)
                flow_tap(&f, "pin-9", ++t);
            assert_true(flow_tap(&f, "pin-ok", ++t) & FLOW_FX_CHECK_PIN);
            flow_pin_result(&f, false, ++t);
        }
        assert_true(f.pin_locked);
        assert_int_equal(f.pin_locked_until - t, want[round]);
        t = f.pin_locked_until;
        flow_tick(&f, t);
        assert_false(f.pin_locked);
    }
    assert_int_equal(f.pin_guard.failures, 25);

    flow g;
    flow_init(&g, NULL, 0);
    g.has_pin = true;
    flow_pin_restore(&g, 10, 4 * 60000, 500);
    assert_true(g.pin_locked);
    assert_int_equal(g.pin_locked_until, 500 + 4 * 60000);
    assert_true(flow_tap(&g, "admin", 600));
    for (int d = 0; d < 4; d++)
        flow_tap(&g, "pin-1", 601);
    assert_int_equal(flow_tap(&g, "pin-ok", 602), 0); /* shut */
    flow_tick(&g, 500 + 4 * 60000);
    assert_false(g.pin_locked);
    /* the count went on: five more wrong PINs earn the third lockout, 15 minutes */
    t = 500 + 4 * 60000;
    if (g.screen != FLOW_PIN)
        flow_tap(&g, "admin", t); /* the pad went back to idle meanwhile */
    assert_int_equal(g.screen, FLOW_PIN);
    for (int i = 0; i < FLOW_PIN_TRIES; i++) {
        for (int d = 0; d < 4; d++)
            flow_tap(&g, "pin-9", ++t);
        flow_tap(&g, "pin-ok", ++t);
        flow_pin_result(&g, false, ++t);
    }
    assert_true(g.pin_locked);
    assert_int_equal(g.pin_locked_until - t, 15 * 60000);
    flow_pin_restore(&g, 0, 0, t);
    assert_false(g.pin_locked);
}

static void test_forgot_the_pass(void **state)
{
    flow f;
    flow_init(&f, NULL, 0);
    checkin_result admin = result(CHECKIN_ADMIN, "");
    flow_scan(&f, &admin, 0);
    assert_int_equal(f.screen, FLOW_ADMIN);
    lk_strlcpy(f.text, "left over", sizeof f.text);
    unsigned fx = flow_tap(&f, "manual", 10);
    assert_int_equal(f.screen, FLOW_MANUAL);
    assert_string_equal(flow_screen_token(f.screen), "manual");
    assert_true(fx & FLOW_FX_MANUAL_SEARCH);
    assert_string_equal(f.text, "");
    /* Letters search, a space does not; nothing found yet, so no pick. */
    assert_true(flow_tap(&f, "key-z", 11) & FLOW_FX_MANUAL_SEARCH);
    assert_true(flow_tap(&f, "key-o", 12) & FLOW_FX_MANUAL_SEARCH);
    assert_string_equal(f.text, "zo");
    assert_int_equal(flow_tap(&f, "key-space", 12), 0);
    assert_int_equal(flow_tap(&f, "pick-0", 13), 0);
    store_person found[5] = {{.issuer = "00AA", .subject = "1002", .first_name = "Zoë"},
                             {.issuer = "00AA", .subject = "1009", .first_name = "Zoey"}};
    assert_true(flow_manual_found(&f, found, 5) & FLOW_FX_REDRAW);
    assert_int_equal(f.manual_n, FLOW_MANUAL_SHOWN + 1); /* one more: "type more" */
    assert_true(flow_manual_found(&f, found, 2) & FLOW_FX_REDRAW);
    assert_int_equal(f.manual_n, 2);
    assert_int_equal(flow_tap(&f, "pick-2", 14), 0);
    assert_int_equal(flow_tap(&f, "pick-x", 14), 0);
    assert_true(flow_tap(&f, "pick-1", 15) & FLOW_FX_MANUAL_CHECKIN);
    assert_int_equal(f.manual_pick, 1);
    /* The check-in by hand goes on as a scan does. */
    checkin_result in = result(CHECKIN_CHECKED_IN, "Zoey");
    flow_scan(&f, &in, 16);
    assert_int_equal(f.screen, FLOW_WELCOME);
    /* Back leaves for the admin screen; idle after the admin timeout. */
    flow_scan(&f, &admin, 20000);
    flow_tap(&f, "manual", 20001);
    assert_int_equal(flow_manual_found(&f, NULL, 0), FLOW_FX_REDRAW);
    assert_int_equal(f.manual_n, 0);
    assert_true(flow_tap(&f, "close", 20002) & FLOW_FX_ADMIN_LOAD);
    assert_int_equal(f.screen, FLOW_ADMIN);
    flow_tap(&f, "manual", 20003);
    flow_tick(&f, 20003 + 120000);
    assert_int_equal(f.screen, FLOW_IDLE);
    /* Results for a screen that is gone change nothing. */
    assert_int_equal(flow_manual_found(&f, found, 2), 0);
}

/* Admin -> "Datum en tijd": steps change what will be set, save asks the kiosk to
 * set it, the outcome shows on the admin screen; untouched it times out. */
/* Undo or correct a check-out: the list, one check-out, undo asked once, the time
 * picker on whole minutes between the check-in and now, save asked once, the
 * outcome as a notice on the list. */
static void test_admin_fixes_a_checkout(void **state)
{
    (void)state;
    flow f;
    flow_init(&f, NULL, 0);
    f.screen = FLOW_ADMIN;
    assert_int_equal(flow_tap(&f, "checkouts", 10), FLOW_FX_REDRAW | FLOW_FX_ADMIN_LOAD);
    assert_int_equal(f.screen, FLOW_CHECKOUTS);
    assert_string_equal(flow_screen_token(FLOW_CHECKOUTS), "checkouts");
    assert_string_equal(flow_screen_token(FLOW_CHECKOUT_EDIT), "checkout_edit");
    assert_string_equal(flow_screen_token(FLOW_CHECKOUT_TIME), "checkout_time");
    f.co_pages = 3;
    assert_int_equal(flow_tap(&f, "co-more", 11), FLOW_FX_REDRAW);
    assert_int_equal(f.co_page, 1);
    assert_int_equal(flow_tap(&f, "co-x", 12), 0);
    assert_int_equal(flow_tap(&f, "co-5", 12), FLOW_FX_CHECKOUT_PICK);
    assert_int_equal(f.co_pick, 5);
    const int64_t in = 1000000000000LL, out = in + 3 * 3600000LL + 17000; /* 3 h 0 m 17 s */
    flow_checkout c = {
        .experience_id = 7, .checkin_ms = in, .checkout_ms = out, .checkout_uuid = "u"};
    flow_checkout none = c;
    none.checkout_ms = 0;
    assert_int_equal(flow_checkout_picked(&f, &none, in + 4 * 3600000LL, 13), 0);
    assert_int_equal(flow_checkout_picked(&f, &c, in + 4 * 3600000LL, 13), FLOW_FX_REDRAW);
    assert_int_equal(f.screen, FLOW_CHECKOUT_EDIT);
    /* undo: asked once; anything else cancels the question */
    assert_int_equal(flow_tap(&f, "co-undo", 14), FLOW_FX_REDRAW);
    assert_true(f.co_asked);
    assert_int_equal(flow_tap(&f, "elsewhere", 15), 0);
    assert_false(f.co_asked);
    assert_int_equal(flow_tap(&f, "co-undo", 16), FLOW_FX_REDRAW);
    assert_int_equal(flow_tap(&f, "co-undo", 17), FLOW_FX_CHECKOUT_UNDO);
    assert_int_equal(f.screen, FLOW_CHECKOUT_EDIT); /* until the kiosk says how it went */
    /* the time */
    assert_int_equal(flow_tap(&f, "co-time", 18), FLOW_FX_REDRAW);
    assert_int_equal(f.screen, FLOW_CHECKOUT_TIME);
    assert_true(f.co_time_ms == out);
    assert_int_equal(flow_tap(&f, "co-save", 19), 0); /* nothing changed yet */
    assert_int_equal(flow_tap(&f, "co-min+", 20), FLOW_FX_REDRAW);
    assert_true(f.co_time_ms == in + 3 * 3600000LL + 60000 - (in % 60000)); /* a whole minute */
    for (int i = 0; i < 5; i++)
        flow_tap(&f, "co-hour-", 21);
    assert_true(f.co_time_ms == in); /* never before the check-in */
    assert_int_equal(flow_tap(&f, "co-min-", 22), 0);
    for (int i = 0; i < 9; i++)
        flow_tap(&f, "co-hour+", 23);
    assert_true(f.co_time_ms == in + 4 * 3600000LL + 10); /* never past now (10 ms later) */
    flow_tap(&f, "co-hour-", 33);
    flow_tap(&f, "co-10min-", 34);
    flow_tap(&f, "co-10min+", 35);
    flow_tap(&f, "co-10min-", 36);
    int64_t want = in + 3 * 3600000LL - 600000;
    want -= want % 60000;
    assert_true(f.co_time_ms == want);
    assert_int_equal(flow_tap(&f, "co-save", 37), FLOW_FX_REDRAW);
    assert_true(f.co_asked);
    assert_int_equal(flow_tap(&f, "co-min+", 38), FLOW_FX_REDRAW); /* a change: ask again */
    assert_false(f.co_asked);
    flow_tap(&f, "co-min-", 39);
    assert_int_equal(flow_tap(&f, "co-save", 40), FLOW_FX_REDRAW);
    assert_int_equal(flow_tap(&f, "co-save", 41), FLOW_FX_CHECKOUT_TIME);
    assert_true(f.co_time_ms == want);
    /* the outcome: back to the list with a notice that goes after a while */
    assert_true(flow_checkout_fixed(&f, "checkouts.corrected_ok", 50) & FLOW_FX_ADMIN_LOAD);
    assert_int_equal(f.screen, FLOW_CHECKOUTS);
    assert_string_equal(f.notice, "checkouts.corrected_ok");
    assert_true(flow_deadline(&f) == 50 + FLOW_NOTICE_MS);
    assert_int_equal(flow_tick(&f, 50 + FLOW_NOTICE_MS), FLOW_FX_REDRAW);
    assert_string_equal(f.notice, "");
    assert_int_equal(f.screen, FLOW_CHECKOUTS);
    /* back, back: the time screen to the check-out, the list to the admin screen */
    flow_checkout_picked(&f, &c, in + 4 * 3600000LL, 60);
    flow_tap(&f, "co-time", 61);
    assert_int_equal(flow_tap(&f, "close", 62), FLOW_FX_REDRAW);
    assert_int_equal(f.screen, FLOW_CHECKOUT_EDIT);
    assert_true(flow_tap(&f, "close", 63) & FLOW_FX_ADMIN_LOAD);
    assert_int_equal(f.screen, FLOW_CHECKOUTS);
    assert_true(flow_tap(&f, "close", 64) & FLOW_FX_ADMIN_LOAD);
    assert_int_equal(f.screen, FLOW_ADMIN);
    /* no touch for a while: idle */
    flow_tap(&f, "checkouts", 70);
    flow_checkout_picked(&f, &c, in, 71);
    flow_tap(&f, "co-time", 72);
    flow_tick(&f, 72 + f.timing.admin_ms);
    assert_int_equal(f.screen, FLOW_IDLE);
}

static void test_admin_sets_the_clock(void **state)
{
    (void)state;
    flow f;
    flow_init(&f, NULL, 0);
    f.screen = FLOW_ADMIN;
    assert_true(flow_tap(&f, "clock", 10) & FLOW_FX_REDRAW);
    assert_int_equal(f.screen, FLOW_CLOCK);
    assert_string_equal(flow_screen_token(FLOW_CLOCK), "clock");
    assert_true(f.clock_delta_ms == 0);
    flow_tap(&f, "clock-day+", 11);
    flow_tap(&f, "clock-hour-", 12);
    flow_tap(&f, "clock-10min+", 13);
    flow_tap(&f, "clock-min-", 14);
    assert_true(f.clock_delta_ms == 86400000 - 3600000 + 600000 - 60000);
    assert_int_equal(flow_tap(&f, "clock-sideways", 15), 0);
    assert_int_equal(flow_tap(&f, "clock-save", 16), FLOW_FX_SET_CLOCK);
    assert_int_equal(f.screen, FLOW_CLOCK); /* until the kiosk says how it went */
    assert_true(flow_clock_result(&f, "clock.set_denied", 17) & FLOW_FX_REDRAW);
    assert_int_equal(f.screen, FLOW_ADMIN);
    assert_string_equal(f.notice, "clock.set_denied");
    assert_true(f.clock_delta_ms == 0);
    /* back without saving, and the timeout */
    flow_tap(&f, "clock", 20);
    flow_tap(&f, "clock-day-", 21);
    flow_tap(&f, "close", 22);
    assert_int_equal(f.screen, FLOW_ADMIN);
    flow_tap(&f, "clock", 30);
    flow_tick(&f, 30 + f.timing.admin_ms);
    assert_int_equal(f.screen, FLOW_IDLE);
}

static void test_refusal_pin_admin_host(void **state)
{
    flow f;
    flow_init(&f, NULL, 0);
    checkin_result bad = result(CHECKIN_REFUSED, "");
    bad.reason = LK_REASON_NOT_A_PASS;
    flow_scan(&f, &bad, 0);
    assert_int_equal(f.screen, FLOW_REFUSAL);
    assert_int_equal(flow_tap(&f, "next", 1), 0);
    flow_tick(&f, 5000);
    assert_int_equal(f.screen, FLOW_IDLE);

    f.has_pin = true;
    assert_true(flow_tap(&f, "admin", 10));
    assert_int_equal(f.screen, FLOW_PIN);
    assert_int_equal(flow_tap(&f, "pin-ok", 11), 0); /* too short */
    for (int i = 0; i < PIN_MAX_DIGITS + 3; i++)
        flow_tap(&f, "pin-7", 12);
    assert_int_equal(strlen(f.pin), PIN_MAX_DIGITS);
    assert_int_equal(flow_tap(&f, "pin-x", 12), 0);
    assert_int_equal(flow_tap(&f, "pin-77", 12), 0);
    assert_true(flow_tap(&f, "pin-ok", 13) & FLOW_FX_CHECK_PIN);
    unsigned fx = flow_pin_result(&f, false, 14);
    assert_true(fx & FLOW_FX_SOUND_REFUSE);
    assert_true(f.pin_wrong);
    assert_string_equal(f.pin, "");
    flow_tap(&f, "pin-1", 15);
    flow_tap(&f, "pin-erase", 15);
    assert_string_equal(f.pin, "");
    for (int i = 0; i < 4; i++)
        flow_tap(&f, "pin-1", 16);
    fx = flow_pin_result(&f, true, 17);
    assert_int_equal(f.screen, FLOW_ADMIN);
    assert_true(fx & FLOW_FX_ADMIN_LOAD);
    assert_string_equal(f.pin, ""); /* the PIN does not linger */
    assert_true(flow_tap(&f, "event-1", 18) & FLOW_FX_EVENT);
    assert_int_equal(f.event_choice, 1);
    assert_true(flow_tap(&f, "event-auto", 18) & FLOW_FX_EVENT);
    assert_int_equal(f.event_choice, -1);
    assert_int_equal(flow_tap(&f, "event-99999", 18), 0);
    /* without an LRS "Nu verzenden" says so instead of pretending */
    assert_int_equal(flow_tap(&f, "sync", 19), FLOW_FX_REDRAW);
    assert_string_equal(f.notice, "admin.sync_off");
    /* the message goes by itself after a while */
    assert_int_equal(flow_deadline(&f), 19 + FLOW_NOTICE_MS);
    assert_int_equal(flow_tick(&f, 19 + FLOW_NOTICE_MS), FLOW_FX_REDRAW);
    assert_string_equal(f.notice, "");
    assert_int_equal(f.screen, FLOW_ADMIN);
    f.has_lrs = true;
    assert_true(flow_tap(&f, "sync", 19) & FLOW_FX_SYNC_NOW);
    /* the event list pages round */
    f.event_pages = 2;
    flow_tap(&f, "events-more", 19);
    assert_int_equal(f.event_page, 1);
    flow_tap(&f, "events-more", 19);
    assert_int_equal(f.event_page, 0);
    assert_true(flow_tap(&f, "export", 19) & FLOW_FX_EXPORT);
    flow_notice(&f, "admin.export_ok", 19);
    assert_string_equal(f.notice, "admin.export_ok");
    /* "Kiosk afsluiten" asks once: the second tap quits, another tap in between resets */
    assert_int_equal(flow_tap(&f, "leave", 20), FLOW_FX_REDRAW);
    assert_true(f.leave_asked);
    flow_tap(&f, "export", 20);
    assert_false(f.leave_asked);
    assert_int_equal(flow_tap(&f, "leave", 20), FLOW_FX_REDRAW);
    assert_true(flow_tap(&f, "leave", 20) & FLOW_FX_QUIT);
    /* an admin walking away: back to idle after the timeout */
    flow_tick(&f, 20 + 120000);
    flow_tick(&f, 20 + 120000);
    assert_int_equal(f.screen, FLOW_IDLE);
    assert_string_equal(f.notice, "");

    checkin_result host = result(CHECKIN_HOST, "H01");
    fx = flow_scan(&f, &host, 30);
    assert_int_equal(f.screen, FLOW_HOST);
    assert_true(fx & FLOW_FX_HOST_LOAD);
    assert_true(flow_tap(&f, "confirm-3", 31) & FLOW_FX_CONFIRM);
    assert_int_equal(f.confirm_row, 3);
    /* "Bevestig iedereen" asks once (the button then says how many); another tap in
     * between cancels the question */
    assert_int_equal(flow_tap(&f, "confirm-all", 31), FLOW_FX_REDRAW);
    assert_true(f.confirm_all_asked);
    flow_tap(&f, "more", 31);
    assert_false(f.confirm_all_asked);
    assert_int_equal(flow_tap(&f, "confirm-all", 31), FLOW_FX_REDRAW);
    assert_true(flow_tap(&f, "confirm-all", 31) & FLOW_FX_CONFIRM);
    assert_int_equal(f.confirm_row, -1);
    assert_false(f.confirm_all_asked);
    /* "Ongedaan maken" for a minute after it: a tap undoes, once */
    assert_int_equal(f.undo_until_ms, 31 + FLOW_UNDO_MS);
    assert_true(flow_deadline(&f) <= 31 + FLOW_UNDO_MS);
    assert_true(flow_tap(&f, "undo", 40) & FLOW_FX_UNDO_CONFIRM);
    assert_int_equal(f.undo_until_ms, 0);
    assert_int_equal(flow_tap(&f, "undo", 41), 0);
    /* ... and not after the minute: the button goes by itself */
    flow_tap(&f, "confirm-all", 50);
    assert_true(flow_tap(&f, "confirm-all", 50) & FLOW_FX_CONFIRM);
    assert_int_equal(flow_tick(&f, 50 + FLOW_UNDO_MS - 1), 0);
    f.input_ms = 50 + FLOW_UNDO_MS - 1; /* the host is still there */
    assert_int_equal(flow_tick(&f, 50 + FLOW_UNDO_MS), FLOW_FX_REDRAW);
    assert_int_equal(f.undo_until_ms, 0);
    assert_int_equal(f.screen, FLOW_HOST);
    assert_int_equal(flow_tap(&f, "undo", 50 + FLOW_UNDO_MS + 1), 0);
    f.host_pages = 2;
    flow_tap(&f, "more", 32);
    assert_int_equal(f.host_page, 1);
    flow_tap(&f, "more", 32);
    assert_int_equal(f.host_page, 0);
    checkin_result admin = result(CHECKIN_ADMIN, "A01");
    flow_scan(&f, &admin, 33);
    assert_int_equal(f.screen, FLOW_ADMIN);
    flow_tap(&f, "close", 34);
    assert_int_equal(f.screen, FLOW_IDLE);
    assert_true(flow_scan_failed(&f, 35) & FLOW_FX_SOUND_REFUSE);
    assert_int_equal(f.screen, FLOW_ERROR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_and_unknown),
        cmocka_unit_test(test_checkin_reflection_done),
        cmocka_unit_test(test_save_failure_is_honest),
        cmocka_unit_test(test_all_skipped_saves_nothing),
        cmocka_unit_test(test_scan_during_reflection_keeps_answers),
        cmocka_unit_test(test_scan_that_changes_nothing_shows_a_banner),
        cmocka_unit_test(test_reflection_timeout),
        cmocka_unit_test(test_reflection_warns_before_timeout),
        cmocka_unit_test(test_language_resets_after_a_turn),
        cmocka_unit_test(test_already_and_no_questions),
        cmocka_unit_test(test_internship_day_reflects_at_checkout),
        cmocka_unit_test(test_confirm_checkout),
        cmocka_unit_test(test_keyboard_capitals_digits_accents),
        cmocka_unit_test(test_pin_pad_shuts_after_wrong_pins),
        cmocka_unit_test(test_pin_pad_lockout_escalates_and_is_restored),
        cmocka_unit_test(test_refusal_pin_admin_host),
        cmocka_unit_test(test_forgot_the_pass),
        cmocka_unit_test(test_admin_sets_the_clock),
        cmocka_unit_test(test_admin_fixes_a_checkout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
