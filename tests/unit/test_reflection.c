/* Tests of the reflection module: the shipped question set, hostile sets, and a
 * session walked forward, back, skipped and written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lobkiosk/reflection.h"

static void test_shipped_default(void **state)
{
    reflection_set *set = NULL;
    char err[256];
    assert_int_equal(reflection_set_load("assets", "default", &set, err, sizeof err), LK_OK);
    size_t n = reflection_set_count(set);
    assert_true(n >= 3 && n <= REFLECTION_MAX_QUESTIONS);
    assert_string_equal(reflection_set_name(set), "default");
    /* one question per competency, plus an overall likert rating */
    const char *want[] = {"qualities", "motives", "work_exploration", "career_steering",
                          "networking"};
    for (size_t w = 0; w < 5; w++) {
        int found = 0;
        for (size_t i = 0; i < n; i++) {
            const xapi_question *q = reflection_set_question(set, i);
            if (q->competency && strcmp(q->competency, want[w]) == 0)
                found++;
        }
        assert_int_equal(found, 1);
    }
    const xapi_question *q0 = reflection_set_question(set, 0);
    assert_int_equal(q0->type, XAPI_LIKERT);
    assert_null(q0->competency);
    assert_int_equal(q0->n_choices, 5);
    assert_int_equal(reflection_set_face(set, 0, 0), -2);
    assert_int_equal(reflection_set_face(set, 0, 2), 0);
    assert_int_equal(reflection_set_face(set, 0, 4), 2);
    assert_int_equal(reflection_set_face(set, 0, 5), 0);
    assert_int_equal(reflection_set_face(set, 1, 0), 0);
    const xapi_question *last = reflection_set_question(set, n - 1);
    assert_int_equal(last->type, XAPI_FILL_IN);
    assert_true(reflection_set_optional(set, n - 1));
    assert_false(reflection_set_optional(set, 0));
    assert_null(reflection_set_question(set, n));
    for (size_t i = 0; i < n; i++) {
        const xapi_question *q = reflection_set_question(set, i);
        assert_string_equal(q->set, "default");
        assert_non_null(q->prompt_nl);
        assert_non_null(q->prompt_en);
    }
    reflection_set_destroy(set);
}

static void test_null_and_missing(void **state)
{
    reflection_set *set = (reflection_set *)1;
    char err[256];
    assert_int_equal(reflection_set_parse(NULL, "x", &set, err, sizeof err), LK_ERR_INVALID);
    assert_null(set);
    assert_int_equal(reflection_set_parse("{}", NULL, &set, err, sizeof err), LK_ERR_INVALID);
    assert_int_equal(reflection_set_parse("{}", "x", NULL, err, sizeof err), LK_ERR_INVALID);
    assert_int_equal(reflection_set_load("assets", "../etc/passwd", &set, err, sizeof err),
                     LK_ERR_INVALID);
    assert_int_equal(reflection_set_load("assets", "", &set, err, sizeof err), LK_ERR_INVALID);
    assert_int_not_equal(reflection_set_load("assets", "nope", &set, err, sizeof err), LK_OK);
    assert_null(set);
    reflection_set_destroy(NULL);
    assert_int_equal(reflection_set_count(NULL), 0);
    assert_null(reflection_set_question(NULL, 0));
    assert_true(reflection_done(NULL));
    assert_null(reflection_response(NULL, 0));
    reflection_session s;
    reflection_session_start(&s, NULL);
    assert_true(reflection_done(&s));
    assert_int_equal(reflection_choose(&s, 0, 1), LK_ERR_INVALID);
    assert_int_equal(reflection_write(&s, "x", 1), LK_ERR_INVALID);
    reflection_skip(&s);
    reflection_back(&s);
    assert_int_equal(reflection_answered(&s), 0);
}

/* A set per kind of activity: each loads, touches all five competencies, takes at
 * most 7 taps (one per question), rates what it was worth on five ordered points,
 * and asks more than yes or no about networking; "default" picks the kind's set. */
static void test_sets_per_kind(void **state)
{
    static const char *const kinds[] = {"default",       "open_day",    "trial_day",
                                        "company_visit", "career_fair", "internship_day"};
    static const char *const comps[] = {"qualities", "motives", "work_exploration",
                                        "career_steering", "networking"};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        reflection_set *set = NULL;
        char err[256];
        if (reflection_set_load("assets", kinds[k], &set, err, sizeof err) != LK_OK)
            fail_msg("%s: %s", kinds[k], err);
        size_t n = reflection_set_count(set);
        assert_true(n >= 6 && n <= 7);
        bool seen[5] = {false};
        for (size_t i = 0; i < n; i++) {
            const xapi_question *q = reflection_set_question(set, i);
            for (size_t c = 0; c < 5; c++)
                if (q->competency && strcmp(q->competency, comps[c]) == 0)
                    seen[c] = true;
            if (q->type == XAPI_LIKERT) {
                assert_int_equal(q->n_choices, 5);
                for (size_t c = 0; c < q->n_choices; c++) {
                    char want[24];
                    snprintf(want, sizeof want, "%zu", c + 1); /* ordered 1..5 */
                    assert_string_equal(q->choices[c].id, want);
                }
                assert_non_null(strstr(q->choices[4].nl, "aan gehad")); /* worth, not fun */
            }
            if (q->competency && strcmp(q->competency, "networking") == 0)
                assert_true(q->n_choices > 2);
        }
        for (size_t c = 0; c < 5; c++)
            if (!seen[c])
                fail_msg("%s lacks %s", kinds[k], comps[c]);
        reflection_set_destroy(set);
    }
    assert_string_equal(reflection_set_for("assets", "default", "open_day"), "open_day");
    assert_string_equal(reflection_set_for("assets", "default", "internship_day"),
                        "internship_day");
    assert_string_equal(reflection_set_for("assets", "default", "other"), "default");
    assert_string_equal(reflection_set_for("assets", "eigen", "open_day"), "eigen");
    assert_string_equal(reflection_set_for("/nonexistent", "default", "open_day"), "default");
    assert_string_equal(reflection_set_for("assets", "default", "../x"), "default");
    assert_string_equal(reflection_set_for("assets", "", "open_day"), "");
    assert_string_equal(reflection_set_for("assets", NULL, "open_day"), "");
}

static void test_hostile_sets(void **state)
{
    const char *bad[] = {
        "",
        "[]",
        "not json",
        "{\"questions\": []}",
        "{\"questions\": [1]}",
        "{\"questions\": [{\"id\": \"a\", \"type\": \"choice\", \"nl\": \"Q\"}]}",
        "{\"questions\": [{\"id\": \"A B\", \"type\": \"fill-in\", \"nl\": \"Q\"}]}",
        "{\"questions\": [{\"id\": \"a\", \"type\": \"weird\", \"nl\": \"Q\"}]}",
        "{\"questions\": [{\"id\": \"a\", \"type\": \"fill-in\", \"nl\": \"\"}]}",
        "{\"questions\": [{\"id\": \"a\", \"type\": \"fill-in\", \"nl\": 5}]}",
        "{\"questions\": [{\"id\": \"a\", \"type\": \"fill-in\", \"nl\": \"Q\", \"competency\": "
        "\"x\"}]}",
        "{\"questions\": [{\"id\": \"a\", \"type\": \"fill-in\", \"nl\": \"Q\"},"
        " {\"id\": \"a\", \"type\": \"fill-in\", \"nl\": \"Q\"}]}",
        "{\"questions\": [{\"id\": \"a\", \"type\": \"choice\", \"nl\": \"Q\", \"choices\": "
        "[{\"id\": \"x\", \"nl\": \"X\"}]}]}",
        "{\"questions\": [{\"id\": \"a\", \"type\": \"choice\", \"nl\": \"Q\", \"choices\": "
        "[{\"id\": \"x\", \"nl\": \"X\"}, {\"id\": \"x\", \"nl\": \"Y\"}]}]}",
        "{\"questions\": [{\"id\": \"a\", \"type\": \"choice\", \"nl\": \"Q\", \"choices\": "
        "[{\"id\": \"x\", \"nl\": \"X\"}, 7]}]}",
        "{\"questions\": [{\"id\": \"a\", \"type\": \"fill-in\", \"nl\": \"Q\", \"choices\": []}]}",
        "{\"questions\": [{\"id\": \"a\", \"id\": \"b\", \"type\": \"fill-in\", \"nl\": \"Q\"}]}",
        /* "multiple" is a boolean, and only for a choice question */
        "{\"questions\": [{\"id\": \"a\", \"type\": \"choice\", \"multiple\": 1, \"nl\": \"Q\","
        " \"choices\": [{\"id\": \"x\", \"nl\": \"X\"}, {\"id\": \"y\", \"nl\": \"Y\"}]}]}",
        "{\"questions\": [{\"id\": \"a\", \"type\": \"likert\", \"multiple\": true, \"nl\": \"Q\","
        " \"choices\": [{\"id\": \"x\", \"nl\": \"X\"}, {\"id\": \"y\", \"nl\": \"Y\"}]}]}",
        "{\"questions\": [{\"id\": \"a\", \"type\": \"fill-in\", \"multiple\": true, \"nl\": "
        "\"Q\"}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        reflection_set *set = NULL;
        char err[256] = "";
        if (reflection_set_parse(bad[i], "t", &set, err, sizeof err) != LK_ERR_INVALID)
            fail_msg("accepted bad set %zu", i);
        assert_null(set);
        assert_true(strlen(err) > 0);
    }
    /* too many questions, too many choices */
    char big[8192];
    size_t pos = (size_t)snprintf(big, sizeof big, "{\"questions\": [");
    for (int i = 0; i <= REFLECTION_MAX_QUESTIONS; i++)
        pos += (size_t)snprintf(big + pos, sizeof big - pos,
                                "%s{\"id\": \"q%d\", \"type\": \"fill-in\", \"nl\": \"Q\"}",
                                i ? "," : "", i);
    snprintf(big + pos, sizeof big - pos, "]}");
    reflection_set *set = NULL;
    assert_int_equal(reflection_set_parse(big, "t", &set, NULL, 0), LK_ERR_INVALID);
    pos = (size_t)snprintf(big, sizeof big,
                           "{\"questions\": [{\"id\": \"a\", \"type\": \"likert\", \"nl\": \"Q\","
                           " \"choices\": [");
    for (int i = 0; i < 8; i++)
        pos += (size_t)snprintf(big + pos, sizeof big - pos, "%s{\"id\": \"c%d\", \"nl\": \"C\"}",
                                i ? "," : "", i);
    snprintf(big + pos, sizeof big - pos, "]}]}");
    assert_int_equal(reflection_set_parse(big, "t", &set, NULL, 0), LK_ERR_INVALID);
}

static reflection_set *small_set(void)
{
    reflection_set *set = NULL;
    const char *json =
        "{\"questions\": ["
        "{\"id\": \"r\", \"type\": \"likert\", \"nl\": \"Hoe?\", \"choices\": ["
        "{\"id\": \"1\", \"nl\": \"a\"}, {\"id\": \"2\", \"nl\": \"b\"}, {\"id\": \"3\", \"nl\": "
        "\"c\"}]},"
        "{\"id\": \"m\", \"type\": \"choice\", \"competency\": \"motives\", \"nl\": \"Past?\", "
        "\"en\": \"Fits?\", \"choices\": [{\"id\": \"ja\", \"nl\": \"Ja\", \"en\": \"Yes\"}, "
        "{\"id\": \"nee\", \"nl\": \"Nee\"}]},"
        "{\"id\": \"t\", \"type\": \"fill-in\", \"optional\": true, \"nl\": \"Nog iets?\"}]}";
    assert_int_equal(reflection_set_parse(json, "small", &set, NULL, 0), LK_OK);
    return set;
}

static void test_session_walk(void **state)
{
    reflection_set *set = small_set();
    const xapi_question *m = reflection_set_question(set, 1);
    assert_string_equal(m->prompt_en, "Fits?");
    assert_string_equal(m->choices[1].en, "Nee"); /* English falls back to Dutch */
    assert_string_equal(reflection_set_question(set, 0)->prompt_en, "Hoe?");
    assert_int_equal(reflection_set_face(set, 0, 1), 0);

    reflection_session s;
    reflection_session_start(&s, set);
    assert_false(reflection_done(&s));
    assert_int_equal(reflection_choose(&s, 3, 10), LK_ERR_INVALID);  /* out of range */
    assert_int_equal(reflection_write(&s, "x", 10), LK_ERR_INVALID); /* not a text question */
    assert_int_equal(reflection_choose(&s, 2, 10), LK_OK);
    assert_int_equal(s.step, 1);
    reflection_skip(&s);
    assert_int_equal(s.step, 2);
    reflection_back(&s);
    assert_int_equal(reflection_choose(&s, 0, 20), LK_OK);
    assert_int_equal(reflection_choose(&s, 0, 20), LK_ERR_INVALID); /* text question now */
    assert_int_equal(reflection_write(&s, "  Leuke\tdag!\n ", 30), LK_OK);
    assert_true(reflection_done(&s));
    assert_int_equal(reflection_answered(&s), 3);
    assert_string_equal(reflection_response(&s, 0), "3");
    assert_string_equal(reflection_response(&s, 1), "ja");
    assert_string_equal(reflection_response(&s, 2), "Leuke dag!");
    assert_int_equal(s.answers[2].answered_ms, 30);
    assert_null(reflection_response(&s, 3));
    reflection_skip(&s); /* past the end: no-op */
    assert_true(reflection_done(&s));
    /* back keeps the earlier answer, skip keeps it too */
    reflection_back(&s);
    reflection_back(&s);
    reflection_skip(&s);
    assert_string_equal(reflection_response(&s, 1), "ja");
    reflection_set_destroy(set);
}

static void test_multiple_choice(void **state)
{
    reflection_set *set = NULL;
    const char *json =
        "{\"questions\": ["
        "{\"id\": \"g\", \"type\": \"choice\", \"multiple\": true, \"nl\": \"Goed in?\", "
        "\"choices\": [{\"id\": \"a\", \"nl\": \"A\"}, {\"id\": \"b\", \"nl\": \"B\"}, "
        "{\"id\": \"c\", \"nl\": \"C\"}]},"
        "{\"id\": \"m\", \"type\": \"choice\", \"multiple\": false, \"nl\": \"Past?\", "
        "\"choices\": [{\"id\": \"ja\", \"nl\": \"Ja\"}, {\"id\": \"nee\", \"nl\": \"Nee\"}]}]}";
    assert_int_equal(reflection_set_parse(json, "multi", &set, NULL, 0), LK_OK);
    assert_true(reflection_set_multiple(set, 0));
    assert_false(reflection_set_multiple(set, 1));
    assert_false(reflection_set_multiple(set, 2));
    assert_false(reflection_set_multiple(NULL, 0));

    reflection_session s;
    reflection_session_start(&s, set);
    assert_int_equal(reflection_choose(&s, 0, 10), LK_ERR_INVALID); /* toggles, not one pick */
    assert_int_equal(reflection_toggle(&s, 3), LK_ERR_INVALID);     /* out of range */
    assert_int_equal(reflection_toggle(&s, 2), LK_OK);
    assert_int_equal(reflection_toggle(&s, 0), LK_OK);
    assert_int_equal(reflection_toggle(&s, 1), LK_OK);
    assert_int_equal(reflection_toggle(&s, 1), LK_OK); /* off again */
    assert_int_equal(s.step, 0);
    assert_null(reflection_response(&s, 0)); /* not answered until "Verder" */
    assert_int_equal(reflection_next(&s, 20), LK_OK);
    assert_int_equal(s.step, 1);
    /* in the set's order, joined as xAPI 1.0.3 wants a choice response */
    assert_string_equal(reflection_response(&s, 0), "a[,]c");
    assert_int_equal(s.answers[0].answered_ms, 20);
    assert_int_equal(reflection_toggle(&s, 0), LK_ERR_INVALID); /* a one-pick question */
    assert_int_equal(reflection_next(&s, 20), LK_ERR_INVALID);
    assert_int_equal(reflection_choose(&s, 1, 30), LK_OK);
    assert_true(reflection_done(&s));
    assert_int_equal(reflection_next(&s, 40), LK_ERR_INVALID);
    assert_int_equal(reflection_toggle(&s, 0), LK_ERR_INVALID);
    assert_int_equal(reflection_answered(&s), 2);
    /* back: the chips are as they were; none left on is a skip */
    reflection_back(&s);
    reflection_back(&s);
    assert_int_equal(reflection_toggle(&s, 0), LK_OK);
    assert_int_equal(reflection_next(&s, 50), LK_OK);
    assert_string_equal(reflection_response(&s, 0), "c");
    assert_string_equal(reflection_response(&s, 1), "nee"); /* the later answer kept */
    reflection_back(&s);
    assert_int_equal(reflection_toggle(&s, 2), LK_OK);
    assert_int_equal(reflection_next(&s, 60), LK_OK);
    assert_null(reflection_response(&s, 0));
    assert_int_equal(reflection_answered(&s), 1);
    /* all three */
    reflection_session_start(&s, set);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(reflection_toggle(&s, i), LK_OK);
    assert_int_equal(reflection_next(&s, 70), LK_OK);
    assert_string_equal(reflection_response(&s, 0), "a[,]b[,]c");
    assert_false(reflection_set_exclusive(set, 0, 2));
    reflection_set_destroy(set);

    /* "Weet ik nog niet" stands alone: on clears the others, another clears it */
    set = NULL;
    const char *excl =
        "{\"questions\": [{\"id\": \"g\", \"type\": \"choice\", \"multiple\": true, "
        "\"nl\": \"Goed in?\", \"choices\": [{\"id\": \"a\", \"nl\": \"A\"}, "
        "{\"id\": \"b\", \"nl\": \"B\"}, {\"id\": \"weet_niet\", \"nl\": \"Weet ik nog niet\", "
        "\"exclusive\": true}]}]}";
    assert_int_equal(reflection_set_parse(excl, "excl", &set, NULL, 0), LK_OK);
    assert_true(reflection_set_exclusive(set, 0, 2));
    assert_false(reflection_set_exclusive(set, 0, 0));
    assert_false(reflection_set_exclusive(set, 1, 2));
    reflection_session_start(&s, set);
    assert_int_equal(reflection_toggle(&s, 0), LK_OK);
    assert_int_equal(reflection_toggle(&s, 1), LK_OK);
    assert_int_equal(s.answers[0].picked, 3u);
    assert_int_equal(reflection_toggle(&s, 2), LK_OK); /* alone now */
    assert_int_equal(s.answers[0].picked, 4u);
    assert_int_equal(reflection_toggle(&s, 1), LK_OK); /* a quality clears it */
    assert_int_equal(s.answers[0].picked, 2u);
    assert_int_equal(reflection_toggle(&s, 2), LK_OK);
    assert_int_equal(reflection_toggle(&s, 2), LK_OK); /* off again: nothing on */
    assert_int_equal(s.answers[0].picked, 0u);
    assert_int_equal(reflection_toggle(&s, 2), LK_OK);
    assert_int_equal(reflection_next(&s, 80), LK_OK);
    assert_string_equal(reflection_response(&s, 0), "weet_niet");
    reflection_set_destroy(set);
    /* only a multiple question has one, and it is true or false */
    const char *bad =
        "{\"questions\": [{\"id\": \"g\", \"type\": \"choice\", \"nl\": \"Goed in?\", "
        "\"choices\": [{\"id\": \"a\", \"nl\": \"A\"}, {\"id\": \"weet_niet\", "
        "\"nl\": \"Weet ik nog niet\", \"exclusive\": true}]}]}";
    char err[200];
    set = NULL;
    assert_int_equal(reflection_set_parse(bad, "excl", &set, err, sizeof err), LK_ERR_INVALID);
    assert_non_null(strstr(err, "exclusive"));
    const char *notbool =
        "{\"questions\": [{\"id\": \"g\", \"type\": \"choice\", \"multiple\": true, "
        "\"nl\": \"Goed in?\", \"choices\": [{\"id\": \"a\", \"nl\": \"A\"}, "
        "{\"id\": \"b\", \"nl\": \"B\", \"exclusive\": \"yes\"}]}]}";
    assert_int_equal(reflection_set_parse(notbool, "excl", &set, err, sizeof err), LK_ERR_INVALID);

    /* every shipped set asks "Waar was je goed in?" with several choices */
    static const char *const kinds[] = {"default",       "open_day",    "trial_day",
                                        "company_visit", "career_fair", "internship_day"};
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        set = NULL;
        assert_int_equal(reflection_set_load("assets", kinds[k], &set, NULL, 0), LK_OK);
        bool found = false;
        for (size_t i = 0; i < reflection_set_count(set); i++) {
            const xapi_question *q = reflection_set_question(set, i);
            if (q->competency && strcmp(q->competency, "qualities") == 0) {
                found = true;
                if (!reflection_set_multiple(set, i))
                    fail_msg("%s: %s is not multiple", kinds[k], q->id);
                /* and "Weet ik nog niet" stands alone in it */
                for (size_t c = 0; c < q->n_choices; c++)
                    if (reflection_set_exclusive(set, i, c) !=
                        (strcmp(q->choices[c].id, "weet_niet") == 0))
                        fail_msg("%s: %s: %s exclusive is wrong", kinds[k], q->id,
                                 q->choices[c].id);
            }
        }
        assert_true(found);
        reflection_set_destroy(set);
    }
}

static void test_session_text_edges(void **state)
{
    reflection_set *set = small_set();
    reflection_session s;
    reflection_session_start(&s, set);
    s.step = 2;
    assert_int_equal(reflection_write(&s, "   ", 1), LK_OK); /* empty counts as skip */
    assert_true(reflection_done(&s));
    assert_null(reflection_response(&s, 2));
    s.step = 2;
    assert_int_equal(reflection_write(&s, "bad \xff utf8", 1), LK_ERR_INVALID);
    assert_int_equal(reflection_write(&s, "\xc3", 1), LK_ERR_INVALID); /* cut sequence */
    assert_int_equal(reflection_write(&s, NULL, 1), LK_ERR_INVALID);
    /* well-formed in shape but not UTF-8: overlong forms, surrogates, > U+10FFFF
     * (jansson refuses them, so the answer statement could not be built) */
    assert_int_equal(reflection_write(&s, "\xe0\x80\x80", 1), LK_ERR_INVALID);
    assert_int_equal(reflection_write(&s, "\xed\xa0\x80", 1), LK_ERR_INVALID);
    assert_int_equal(reflection_write(&s, "\xf0\x80\x80\x80", 1), LK_ERR_INVALID);
    assert_int_equal(reflection_write(&s, "\xf4\x90\x80\x80", 1), LK_ERR_INVALID);
    assert_int_equal(reflection_write(&s, "\xe2\x82\xac \xf0\x9f\x98\x80 \xed\x9f\xbf", 1), LK_OK);
    assert_string_equal(reflection_response(&s, 2), "\xe2\x82\xac \xf0\x9f\x98\x80 \xed\x9f\xbf");
    s.step = 2;
    assert_int_equal(s.step, 2);
    /* too long: cut at a character boundary, never inside "é" */
    char longtext[400];
    size_t n = 0;
    longtext[n++] = 'a';
    while (n + 2 < sizeof longtext - 1) {
        longtext[n++] = (char)0xc3;
        longtext[n++] = (char)0xa9;
    }
    longtext[n] = '\0';
    assert_int_equal(reflection_write(&s, longtext, 1), LK_OK);
    const char *r = reflection_response(&s, 2);
    assert_non_null(r);
    assert_true(strlen(r) <= REFLECTION_TEXT_MAX);
    assert_true(strlen(r) >= REFLECTION_TEXT_MAX - 1);
    assert_int_equal((unsigned char)r[strlen(r) - 1], 0xa9);
    reflection_set_destroy(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_default), cmocka_unit_test(test_null_and_missing),
        cmocka_unit_test(test_sets_per_kind),   cmocka_unit_test(test_hostile_sets),
        cmocka_unit_test(test_session_walk),    cmocka_unit_test(test_session_text_edges),
        cmocka_unit_test(test_multiple_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
