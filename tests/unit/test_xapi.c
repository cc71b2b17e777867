/* Unit tests of the xAPI statement builders: structure, IRIs, privacy, durations,
 * hostile text and argument checks. With LK_XAPI_DUMP=FILE set, every kind of
 * statement built here is also written to FILE (JSON Lines), so that
 * tests/e2e/sync_validate.sh can run Learning Locker's validator over them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "lobkiosk/config.h"
#include "lobkiosk/util.h"
#include "lobkiosk/xapi.h"

#define UUID1 "0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b"
#define UUID2 "1c7f3d2f-6e2b-4a4f-8d3c-8b9e0f1a2b3c"
#define CHECKIN_UUID "2d8a4e3a-7f3c-4b5a-9e4d-9c0f1a2b3c4d"
#define HOME "https://www.example-school.nl/"

/* 2025-11-28T10:00:00Z */
static const int64_t TS = 1764324000000LL;

typedef struct fixture {
    config cfg;
    pass student;
    pass host;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    config_defaults(&f->cfg);
    lk_strlcpy(f->cfg.kiosk_id, "KIOSK-7", sizeof f->cfg.kiosk_id);
    lk_strlcpy(f->cfg.activity_base, "https://lob.example.org/kiosk/",
               sizeof f->cfg.activity_base);
    config_issuer *iss = config_add_issuer(&f->cfg, "00AA");
    if (!iss)
        return -1;
    lk_strlcpy(iss->name, "Het Voorbeeld College", sizeof iss->name);
    lk_strlcpy(iss->home_page, HOME, sizeof iss->home_page);
    config_issuer *iss2 = config_add_issuer(&f->cfg, "99ZZ");
    if (!iss2)
        return -1;
    lk_strlcpy(iss2->name, "Bedrijf BV", sizeof iss2->name);
    config_event *ev = &f->cfg.events[0];
    lk_strlcpy(ev->id, "open-dag-techniek", sizeof ev->id);
    lk_strlcpy(ev->title, "Open dag Techniek", sizeof ev->title);
    lk_strlcpy(ev->kind, "open_day", sizeof ev->kind);
    f->cfg.n_events = 1;
    lk_strlcpy(f->student.issuer, "00AA", sizeof f->student.issuer);
    lk_strlcpy(f->student.subject, "S12345", sizeof f->student.subject);
    f->student.role = PASS_ROLE_STUDENT;
    lk_strlcpy(f->host.issuer, "99ZZ", sizeof f->host.issuer);
    lk_strlcpy(f->host.subject, "HOST1", sizeof f->host.subject);
    f->host.role = PASS_ROLE_HOST;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    config_free(&f->cfg);
    free(f);
    return 0;
}

/* Parses s (and frees it); writes it to $LK_XAPI_DUMP when set. */
static json_t *parse(char *s)
{
    assert_non_null(s);
    const char *dump = getenv("LK_XAPI_DUMP");
    if (dump && *dump) {
        FILE *f = fopen(dump, "a");
        assert_non_null(f);
        fprintf(f, "%s\n", s);
        fclose(f);
    }
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);
    free(s);
    assert_non_null(j);
    return j;
}

/* The string at a dotted path ("a.b.c"); fails the test when absent. */
static const char *str_at(json_t *j, const char *dotted)
{
    char buf[256];
    lk_strlcpy(buf, dotted, sizeof buf);
    json_t *cur = j;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ".", &save); tok; tok = strtok_r(NULL, ".", &save)) {
        cur = json_object_get(cur, tok);
        if (!cur)
            fail_msg("missing %s", dotted);
    }
    assert_true(json_is_string(cur));
    return json_string_value(cur);
}

static json_t *ext_of(json_t *j)
{
    return json_object_get(json_object_get(j, "context"), "extensions");
}

static void assert_common(json_t *j, const char *uuid)
{
    assert_string_equal(str_at(j, "id"), uuid);
    assert_string_equal(str_at(j, "context.language"), "nl-NL");
    json_t *cat = json_object_get(json_object_get(json_object_get(j, "context"),
                                                  "contextActivities"), "category");
    assert_true(json_is_array(cat));
    assert_string_equal(json_string_value(json_object_get(json_array_get(cat, 0), "id")),
                        "https://w3id.org/xapi/lob/v1");
    assert_string_equal(json_string_value(json_object_get(ext_of(j),
                                                          "https://w3id.org/xapi/lob/extensions/kiosk")),
                        "KIOSK-7");
    int64_t ms = 0;
    assert_int_equal(lk_parse_iso8601(str_at(j, "timestamp"), &ms), LK_OK);
    assert_true(ms <= lk_now_ms());
    /* An actor is only ever an account: never a name or a mailbox. */
    json_t *actor = json_object_get(j, "actor");
    assert_null(json_object_get(actor, "name"));
    assert_null(json_object_get(actor, "mbox"));
    assert_string_equal(str_at(j, "actor.objectType"), "Agent");
}

static void test_checkin(void **state)
{
    fixture *f = *state;
    json_t *j = parse(xapi_checkin(&f->cfg, &f->cfg.events[0], &f->student, UUID1, TS));
    assert_common(j, UUID1);
    assert_string_equal(str_at(j, "actor.account.homePage"), HOME);
    assert_string_equal(str_at(j, "actor.account.name"), "S12345");
    assert_string_equal(str_at(j, "verb.id"), "http://adlnet.gov/expapi/verbs/attended");
    assert_string_equal(str_at(j, "verb.display.nl-NL"), "nam deel aan");
    assert_string_equal(str_at(j, "verb.display.en-US"), "attended");
    assert_string_equal(str_at(j, "object.id"),
                        "https://lob.example.org/kiosk/events/open-dag-techniek");
    assert_string_equal(str_at(j, "object.definition.type"),
                        "https://w3id.org/xapi/lob/activity-types/open-day");
    assert_string_equal(str_at(j, "object.definition.name.nl-NL"), "Open dag Techniek");
    assert_string_equal(str_at(j, "context.platform"), "lobkiosk");
    assert_null(json_object_get(json_object_get(j, "context"), "statement"));
    int64_t ms = 0;
    assert_int_equal(lk_parse_iso8601(str_at(j, "timestamp"), &ms), LK_OK);
    assert_int_equal(ms, TS);
    json_decref(j);
}

static void test_checkin_manual(void **state)
{
    fixture *f = *state;
    json_t *j = parse(xapi_checkin_manual(&f->cfg, &f->cfg.events[0], &f->student, UUID1, TS));
    assert_common(j, UUID1);
    assert_string_equal(str_at(j, "verb.id"), "http://adlnet.gov/expapi/verbs/attended");
    json_t *ext = json_object_get(json_object_get(j, "context"), "extensions");
    assert_true(json_is_true(json_object_get(ext, "https://w3id.org/xapi/lob/extensions/manual-checkin")));
    json_decref(j);
    /* A scanned check-in carries no such extension. */
    j = parse(xapi_checkin(&f->cfg, &f->cfg.events[0], &f->student, UUID1, TS));
    ext = json_object_get(json_object_get(j, "context"), "extensions");
    assert_null(json_object_get(ext, "https://w3id.org/xapi/lob/extensions/manual-checkin"));
    json_decref(j);
    assert_null(xapi_checkin_manual(&f->cfg, NULL, &f->student, UUID1, TS));
}

static void test_checkin_every_kind(void **state)
{
    fixture *f = *state;
    static const char *const kinds[][2] = {
        {"open_day", "open-day"},
        {"trial_day", "trial-day"},
        {"company_visit", "company-visit"},
        {"career_fair", "career-fair"},
        {"internship_day", "internship-day"},
        {"other", "other-experience"},
        {"bogus", "other-experience"}, /* an unknown kind still yields a valid type */
        {"", "other-experience"},
    };
    config_event ev = f->cfg.events[0];
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        lk_strlcpy(ev.kind, kinds[i][0], sizeof ev.kind);
        json_t *j = parse(xapi_checkin(&f->cfg, &ev, &f->student, UUID1, TS));
        char want[128];
        snprintf(want, sizeof want, "https://w3id.org/xapi/lob/activity-types/%s", kinds[i][1]);
        assert_string_equal(str_at(j, "object.definition.type"), want);
        json_decref(j);
    }
}

static void test_bad_arguments(void **state)
{
    fixture *f = *state;
    const config_event *ev = &f->cfg.events[0];
    assert_null(xapi_checkin(NULL, ev, &f->student, UUID1, TS));
    assert_null(xapi_checkin(&f->cfg, NULL, &f->student, UUID1, TS));
    assert_null(xapi_checkin(&f->cfg, ev, NULL, UUID1, TS));
    assert_null(xapi_checkin(&f->cfg, ev, &f->student, NULL, TS));
    assert_null(xapi_checkin(&f->cfg, ev, &f->student, "", TS));
    assert_null(xapi_checkin(&f->cfg, ev, &f->student, "not-a-uuid", TS));
    assert_null(xapi_checkin(&f->cfg, ev, &f->student, UUID1 "0", TS));
    assert_null(xapi_checkin(&f->cfg, ev, &f->student, "0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2g", TS));
    assert_null(xapi_checkin(&f->cfg, ev, &f->student, "0b6f2c1e+5d1a-4f3e-9c2b-7a8d9e0f1a2b", TS));
    assert_null(xapi_checkin(&f->cfg, ev, &f->student, UUID1, 0));
    assert_null(xapi_checkin(&f->cfg, ev, &f->student, UUID1, -5));
    pass empty = f->student;
    empty.subject[0] = '\0';
    assert_null(xapi_checkin(&f->cfg, ev, &empty, UUID1, TS));
    config_event noid = *ev;
    noid.id[0] = '\0';
    assert_null(xapi_checkin(&f->cfg, &noid, &f->student, UUID1, TS));
    assert_null(xapi_checkout(&f->cfg, ev, &f->student, UUID2, TS, NULL, 1000));
    assert_null(xapi_checkout(&f->cfg, ev, &f->student, UUID2, TS, "x", 1000));
    assert_null(xapi_checkout(&f->cfg, ev, &f->student, UUID2, TS, CHECKIN_UUID, -1));
    assert_null(xapi_confirmation(&f->cfg, ev, &f->host, NULL, UUID2, TS, CHECKIN_UUID));
    assert_null(xapi_confirmation(&f->cfg, ev, &f->host, &f->student, UUID2, TS, NULL));
    assert_null(xapi_answer(&f->cfg, ev, &f->student, UUID2, TS, CHECKIN_UUID, NULL, "x"));
}

static void check_duration(fixture *f, int64_t ms, const char *want)
{
    json_t *j = parse(xapi_checkout(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS,
                                    CHECKIN_UUID, ms));
    assert_string_equal(str_at(j, "result.duration"), want);
    json_decref(j);
}

static void test_checkout(void **state)
{
    fixture *f = *state;
    json_t *j = parse(xapi_checkout(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS,
                                    CHECKIN_UUID, (6 * 3600 + 15 * 60) * 1000LL));
    assert_common(j, UUID2);
    assert_string_equal(str_at(j, "verb.id"), "http://activitystrea.ms/leave");
    assert_string_equal(str_at(j, "result.duration"), "PT6H15M");
    assert_string_equal(str_at(j, "context.statement.objectType"), "StatementRef");
    assert_string_equal(str_at(j, "context.statement.id"), CHECKIN_UUID);
    assert_string_equal(str_at(j, "object.id"),
                        "https://lob.example.org/kiosk/events/open-dag-techniek");
    json_decref(j);
    check_duration(f, 0, "PT0S");
    check_duration(f, 9, "PT0S");
    check_duration(f, 1500, "PT1.50S");
    check_duration(f, 59999, "PT59.99S");
    check_duration(f, 60000, "PT1M");
    check_duration(f, 3600000, "PT1H");
    check_duration(f, 3661000, "PT1H1M1S");
    check_duration(f, 30 * 3600000LL, "PT30H");
}

static void test_checkout_corrected(void **state)
{
    fixture *f = *state;
    json_t *j = parse(xapi_checkout_corrected(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS,
                                              CHECKIN_UUID, 3 * 3600000LL, UUID1));
    assert_common(j, UUID2);
    assert_string_equal(str_at(j, "verb.id"), "http://activitystrea.ms/leave");
    assert_string_equal(str_at(j, "result.duration"), "PT3H");
    assert_string_equal(str_at(j, "context.statement.id"), CHECKIN_UUID);
    json_t *ext = json_object_get(json_object_get(j, "context"), "extensions");
    assert_string_equal(
        json_string_value(json_object_get(ext, "https://w3id.org/xapi/lob/extensions/corrects")),
        UUID1);
    json_decref(j);
    /* a plain check-out corrects nothing */
    j = parse(xapi_checkout(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS, CHECKIN_UUID, 1));
    ext = json_object_get(json_object_get(j, "context"), "extensions");
    assert_null(json_object_get(ext, "https://w3id.org/xapi/lob/extensions/corrects"));
    json_decref(j);
    const config_event *ev = &f->cfg.events[0];
    assert_null(
        xapi_checkout_corrected(&f->cfg, ev, &f->student, UUID2, TS, CHECKIN_UUID, 1, NULL));
    assert_null(xapi_checkout_corrected(&f->cfg, ev, &f->student, UUID2, TS, CHECKIN_UUID, 1, "x"));
    assert_null(
        xapi_checkout_corrected(&f->cfg, ev, &f->student, UUID2, TS, CHECKIN_UUID, 1, UUID2));
    /* without a kiosk id there is no extensions object yet: it is made */
    f->cfg.kiosk_id[0] = '\0';
    j = parse(xapi_checkout_corrected(&f->cfg, ev, &f->student, UUID2, TS, CHECKIN_UUID, 1, UUID1));
    ext = json_object_get(json_object_get(j, "context"), "extensions");
    assert_int_equal(json_object_size(ext), 1);
    json_decref(j);
}

static const xapi_choice FACES[] = {
    {"1", "heel slecht", "very bad"}, {"2", "slecht", "bad"}, {"3", "gaat wel", "okay"},
    {"4", "goed", "good"},           {"5", "heel goed", "very good"},
};

static const xapi_choice SKILLS[] = {
    {"samenwerken", "Samenwerken", "Working together"},
    {"handig", "Met mijn handen werken", "Working with my hands"},
    {"alleen_nl", "Alleen Nederlands", NULL},
};

static void test_answer_likert(void **state)
{
    fixture *f = *state;
    xapi_question q = {"default", "q1", XAPI_LIKERT, NULL, "Hoe vond je het?", "How was it?",
                       FACES, 5};
    json_t *j = parse(xapi_answer(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS,
                                  CHECKIN_UUID, &q, "4"));
    assert_common(j, UUID2);
    assert_string_equal(str_at(j, "verb.id"), "http://adlnet.gov/expapi/verbs/answered");
    assert_string_equal(str_at(j, "object.id"),
                        "https://lob.example.org/kiosk/questions/default/q1");
    assert_string_equal(str_at(j, "object.definition.type"),
                        "http://adlnet.gov/expapi/activities/cmi.interaction");
    assert_string_equal(str_at(j, "object.definition.interactionType"), "likert");
    json_t *scale = json_object_get(json_object_get(json_object_get(j, "object"), "definition"),
                                    "scale");
    assert_int_equal(json_array_size(scale), 5);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_array_get(scale, 4), "description"), "en-US")),
                        "very good");
    assert_string_equal(str_at(j, "result.response"), "4");
    assert_string_equal(str_at(j, "context.statement.id"), CHECKIN_UUID);
    /* No competency for the overall rating. */
    assert_null(json_object_get(ext_of(j), "https://w3id.org/xapi/lob/extensions/competency"));
    /* The event is the parent, so a dossier groups answers under the experience. */
    json_t *parent = json_object_get(json_object_get(json_object_get(j, "context"),
                                                     "contextActivities"), "parent");
    assert_string_equal(json_string_value(json_object_get(json_array_get(parent, 0), "id")),
                        "https://lob.example.org/kiosk/events/open-dag-techniek");
    json_decref(j);
    /* An answer that is not on the scale is refused. */
    assert_null(xapi_answer(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS, CHECKIN_UUID,
                            &q, "6"));
    assert_null(xapi_answer(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS, CHECKIN_UUID,
                            &q, ""));
    /* a scale point is one point: never several */
    assert_null(
        xapi_answer(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS, CHECKIN_UUID, &q, "3[,]4"));
    q.n_choices = 0;
    assert_null(xapi_answer(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS, CHECKIN_UUID,
                            &q, "4"));
}

static void test_answer_choice_competency(void **state)
{
    fixture *f = *state;
    xapi_question q = {"default", "kwaliteiten", XAPI_CHOICE, "qualities",
                       "Wat kon je goed?", "What were you good at?", SKILLS, 3};
    json_t *j = parse(xapi_answer(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS,
                                  CHECKIN_UUID, &q, "samenwerken"));
    assert_string_equal(str_at(j, "object.definition.interactionType"), "choice");
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(json_object_get(j, "object"), "definition"), "choices")),
                     3);
    assert_string_equal(json_string_value(json_object_get(
                            ext_of(j), "https://w3id.org/xapi/lob/extensions/competency")),
                        "https://w3id.org/xapi/lob/competencies/qualities");
    json_decref(j);
    static const char *const comps[][2] = {{"motives", "motives"},
                                           {"work_exploration", "work-exploration"},
                                           {"career_steering", "career-steering"},
                                           {"networking", "networking"}};
    for (size_t i = 0; i < 4; i++) {
        q.competency = comps[i][0];
        j = parse(xapi_answer(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS,
                              CHECKIN_UUID, &q, "handig"));
        char want[128];
        snprintf(want, sizeof want, "https://w3id.org/xapi/lob/competencies/%s", comps[i][1]);
        assert_string_equal(json_string_value(json_object_get(
                                ext_of(j), "https://w3id.org/xapi/lob/extensions/competency")),
                            want);
        json_decref(j);
    }
    /* Several choices: ids joined with "[,]" (xAPI 1.0.3 choice response), each a
     * known choice and each once; the choices stay listed in the definition. */
    q.competency = "qualities";
    j = parse(xapi_answer(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS, CHECKIN_UUID, &q,
                          "samenwerken[,]alleen_nl"));
    assert_string_equal(str_at(j, "result.response"), "samenwerken[,]alleen_nl");
    assert_string_equal(str_at(j, "object.definition.interactionType"), "choice");
    assert_int_equal(json_array_size(json_object_get(
                         json_object_get(json_object_get(j, "object"), "definition"), "choices")),
                     3);
    json_decref(j);
    j = parse(xapi_answer(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS, CHECKIN_UUID, &q,
                          "samenwerken[,]handig[,]alleen_nl"));
    assert_string_equal(str_at(j, "result.response"), "samenwerken[,]handig[,]alleen_nl");
    json_decref(j);
    static const char *const bad[] = {
        "samenwerken[,]samenwerken", "samenwerken[,]",     "[,]handig",
        "samenwerken[,]weet_niet",   "samenwerken,handig", "samen"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (xapi_answer(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS, CHECKIN_UUID, &q,
                        bad[i]))
            fail_msg("accepted %s", bad[i]);
    q.competency = "charisma";
    assert_null(xapi_answer(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS, CHECKIN_UUID,
                            &q, "samenwerken"));
}

static void test_answer_fill_in_hostile(void **state)
{
    fixture *f = *state;
    /* Quotes, backslashes, a newline, control characters and non-ASCII text must
     * survive as data; the id with a slash and a space must stay one IRI segment. */
    const char *text = "\"}],\"actor\":{\"mbox\":\"mailto:x@y\"} \\ \n\t café 😀";
    xapi_question q = {"set 1", "waarom/echt?", XAPI_FILL_IN, "motives", "Waarom?", "Why?",
                       NULL, 0};
    json_t *j = parse(xapi_answer(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS,
                                  CHECKIN_UUID, &q, text));
    assert_string_equal(str_at(j, "result.response"), text);
    assert_string_equal(str_at(j, "object.definition.interactionType"), "fill-in");
    assert_string_equal(str_at(j, "object.id"),
                        "https://lob.example.org/kiosk/questions/set%201/waarom%2Fecht%3F");
    assert_null(json_object_get(json_object_get(j, "actor"), "mbox"));
    json_decref(j);
    /* Empty free text is an answer too ("skipped" is the caller's choice). */
    j = parse(xapi_answer(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS, CHECKIN_UUID, &q,
                          ""));
    assert_string_equal(str_at(j, "result.response"), "");
    json_decref(j);
    q.id = "";
    assert_null(xapi_answer(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS, CHECKIN_UUID,
                            &q, "x"));
    q.id = "q";
    q.type = (xapi_interaction)7;
    assert_null(xapi_answer(&f->cfg, &f->cfg.events[0], &f->student, UUID2, TS, CHECKIN_UUID,
                            &q, "x"));
}

static void test_confirmation(void **state)
{
    fixture *f = *state;
    lk_strlcpy(f->cfg.issuers[1].home_page, "https://bedrijf.example.com",
               sizeof f->cfg.issuers[1].home_page);
    json_t *j = parse(xapi_confirmation(&f->cfg, &f->cfg.events[0], &f->host, &f->student,
                                        UUID2, TS, CHECKIN_UUID));
    assert_common(j, UUID2);
    assert_string_equal(str_at(j, "actor.account.homePage"), "https://bedrijf.example.com");
    assert_string_equal(str_at(j, "actor.account.name"), "HOST1");
    assert_string_equal(str_at(j, "verb.id"), "http://activitystrea.ms/confirm");
    assert_string_equal(str_at(j, "object.objectType"), "StatementRef");
    assert_string_equal(str_at(j, "object.id"), CHECKIN_UUID);
    /* platform is not allowed with a StatementRef object (xAPI 1.0.3). */
    assert_null(json_object_get(json_object_get(j, "context"), "platform"));
    json_t *learner = json_object_get(ext_of(j), "https://w3id.org/xapi/lob/extensions/learner");
    assert_string_equal(json_string_value(json_object_get(json_object_get(learner, "account"),
                                                          "name")),
                        "S12345");
    json_decref(j);
}

/* The voiding statement of forget: the kiosk's own account voids a statement that
 * left the kiosk; no person in it. */
static void test_voiding(void **state)
{
    fixture *f = *state;
    json_t *j = parse(xapi_voiding(&f->cfg, UUID2, TS, CHECKIN_UUID));
    assert_string_equal(str_at(j, "id"), UUID2);
    assert_string_equal(str_at(j, "verb.id"), "http://adlnet.gov/expapi/verbs/voided");
    assert_string_equal(str_at(j, "object.objectType"), "StatementRef");
    assert_string_equal(str_at(j, "object.id"), CHECKIN_UUID);
    const char *home = str_at(j, "actor.account.homePage");
    assert_non_null(strstr(home, "kiosks"));
    assert_string_equal(str_at(j, "actor.account.name"), f->cfg.kiosk_id);
    char *text = json_dumps(j, 0);
    assert_null(strstr(text, "S12345")); /* the student is not named, only referenced */
    free(text);
    json_decref(j);
    assert_null(xapi_voiding(&f->cfg, UUID2, TS, NULL));
    assert_null(xapi_voiding(NULL, UUID2, TS, CHECKIN_UUID));
}

static void test_issuer_without_home_page(void **state)
{
    fixture *f = *state;
    /* Host issuer 99ZZ has no home page: a stable IRI below the activity base. */
    json_t *j = parse(xapi_confirmation(&f->cfg, &f->cfg.events[0], &f->host, &f->student,
                                        UUID2, TS, CHECKIN_UUID));
    assert_string_equal(str_at(j, "actor.account.homePage"),
                        "https://lob.example.org/kiosk/issuers/99ZZ");
    json_decref(j);
}

static void test_activity_base_without_slash_and_default(void **state)
{
    fixture *f = *state;
    lk_strlcpy(f->cfg.activity_base, "https://lob.example.org/k", sizeof f->cfg.activity_base);
    json_t *j = parse(xapi_checkin(&f->cfg, &f->cfg.events[0], &f->student, UUID1, TS));
    assert_string_equal(str_at(j, "object.id"),
                        "https://lob.example.org/k/events/open-dag-techniek");
    json_decref(j);
    f->cfg.activity_base[0] = '\0';
    j = parse(xapi_checkin(&f->cfg, &f->cfg.events[0], &f->student, UUID1, TS));
    assert_string_equal(str_at(j, "object.id"), LK_ACTIVITY_BASE "events/open-dag-techniek");
    json_decref(j);
}

static void test_no_kiosk_id(void **state)
{
    fixture *f = *state;
    f->cfg.kiosk_id[0] = '\0';
    json_t *j = parse(xapi_checkin(&f->cfg, &f->cfg.events[0], &f->student, UUID1, TS));
    assert_null(ext_of(j));
    json_decref(j);
}

static void test_future_timestamp_clamped(void **state)
{
    fixture *f = *state;
    setenv("LOBKIOSK_FAKE_NOW", "2025-11-28T11:00:00+01:00", 1); /* == TS */
    assert_int_equal(lk_clock_from_env(), LK_OK);
    json_t *j = parse(xapi_checkin(&f->cfg, &f->cfg.events[0], &f->student, UUID1,
                                   TS + 3600000));
    int64_t ms = 0;
    assert_int_equal(lk_parse_iso8601(str_at(j, "timestamp"), &ms), LK_OK);
    assert_int_equal(ms, TS);
    json_decref(j);
    unsetenv("LOBKIOSK_FAKE_NOW");
    assert_int_equal(lk_clock_from_env(), LK_OK);
}

static void test_long_title_and_event_id(void **state)
{
    fixture *f = *state;
    config_event ev = f->cfg.events[0];
    memset(ev.title, 'T', sizeof ev.title - 1);
    ev.title[sizeof ev.title - 1] = '\0';
    memset(ev.id, '%', sizeof ev.id - 1); /* every byte needs escaping: 3x longer */
    ev.id[sizeof ev.id - 1] = '\0';
    json_t *j = parse(xapi_checkin(&f->cfg, &ev, &f->student, UUID1, TS));
    assert_int_equal(strlen(str_at(j, "object.definition.name.en-US")), sizeof ev.title - 1);
    json_decref(j);
}

/* What an answer to POST /statements means (xAPI 1.0.3: 200 and exactly the ids). */
static void test_statements_answer(void **state)
{
    (void)state;
    const char *ids[] = {"0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b",
                         "5c1d9a70-2f3e-4b8a-8e1d-0c9f6b7a2e31"};
    bool ok[2];
    char why[160];
    static const char both[] =
        "[\"5C1D9A70-2F3E-4B8A-8E1D-0C9F6B7A2E31\",\"0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b\"]";
    assert_int_equal(xapi_statements_answer(200, both, strlen(both), ids, 2, ok, why, sizeof why),
                     XAPI_STORED);
    assert_true(ok[0] && ok[1]);
    static const char one[] = "[\"0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b\"]";
    assert_int_equal(xapi_statements_answer(200, one, strlen(one), ids, 2, ok, why, sizeof why),
                     XAPI_NOT_LRS);
    assert_true(ok[0] && !ok[1]);
    assert_non_null(strstr(why, "listing 1 id for 2 statements sent, 1 of them ours"));
    static const char twice[] =
        "[\"0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b\",\"0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b\"]";
    assert_int_equal(xapi_statements_answer(200, twice, strlen(twice), ids, 2, ok, why, sizeof why),
                     XAPI_NOT_LRS);
    assert_true(ok[0] && !ok[1]);
    static const char extra[] = "[\"0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b\","
                                "\"5c1d9a70-2f3e-4b8a-8e1d-0c9f6b7a2e31\",\"x\"]";
    assert_int_equal(xapi_statements_answer(200, extra, strlen(extra), ids, 2, ok, why, sizeof why),
                     XAPI_NOT_LRS);
    static const char html[] = "<html>\x1b[31mLog in</html>";
    assert_int_equal(xapi_statements_answer(200, html, strlen(html), ids, 2, ok, why, sizeof why),
                     XAPI_NOT_LRS);
    assert_false(ok[0] || ok[1]);
    assert_null(strstr(why, "Log in"));
    assert_int_equal(xapi_statements_answer(200, "", 0, ids, 2, ok, why, sizeof why), XAPI_NOT_LRS);
    assert_non_null(strstr(why, "empty"));
    assert_int_equal(xapi_statements_answer(200, "{}", 2, ids, 2, ok, why, sizeof why),
                     XAPI_NOT_LRS);
    assert_int_equal(xapi_statements_answer(204, "", 0, ids, 2, ok, why, sizeof why), XAPI_NOT_LRS);
    assert_int_equal(xapi_statements_answer(299, both, strlen(both), ids, 2, ok, why, sizeof why),
                     XAPI_NOT_LRS);
    assert_false(ok[0] || ok[1]); /* only a 200 confirms */
    assert_int_equal(xapi_statements_answer(400, "", 0, ids, 2, ok, NULL, 0), XAPI_REFUSED);
    assert_int_equal(xapi_statements_answer(409, "", 0, ids, 2, ok, NULL, 0), XAPI_REFUSED);
    assert_int_equal(xapi_statements_answer(413, "", 0, ids, 2, ok, NULL, 0), XAPI_REFUSED);
    assert_int_equal(xapi_statements_answer(401, "", 0, ids, 2, ok, NULL, 0), XAPI_AUTH);
    assert_int_equal(xapi_statements_answer(403, "", 0, ids, 2, ok, NULL, 0), XAPI_AUTH);
    assert_int_equal(xapi_statements_answer(302, both, strlen(both), ids, 2, ok, NULL, 0),
                     XAPI_RETRY);
    assert_int_equal(xapi_statements_answer(503, "", 0, ids, 2, ok, NULL, 0), XAPI_RETRY);
    assert_int_equal(xapi_statements_answer(200, both, strlen(both), ids, 2, NULL, NULL, 0),
                     XAPI_RETRY);
}

/* The answer written exactly as the ids were sent is read without a parser; every
 * near miss of that form is judged by jansson as before. */
static void test_statements_answer_exact(void **state)
{
    (void)state;
    const char *ids[] = {"0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b",
                         "5c1d9a70-2f3e-4b8a-8e1d-0c9f6b7a2e31"};
    bool ok[2];
    char why[160];
    static const char exact[] =
        "[\"0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b\",\"5C1D9A70-2F3E-4B8A-8E1D-0C9F6B7A2E31\"]";
    assert_int_equal(xapi_statements_answer(200, exact, strlen(exact), ids, 2, ok, why, sizeof why),
                     XAPI_STORED);
    assert_true(ok[0] && ok[1]);
    /* spaced out, as some LRSs write it: the same verdict through the parser */
    static const char spaced[] = "[ \"0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b\",\n"
                                 "  \"5c1d9a70-2f3e-4b8a-8e1d-0c9f6b7a2e31\" ]\n";
    assert_int_equal(
        xapi_statements_answer(200, spaced, strlen(spaced), ids, 2, ok, why, sizeof why),
        XAPI_STORED);
    assert_true(ok[0] && ok[1]);
    /* cut short, one character more, a prefix of an id, the first id twice */
    static const char *const bad[] = {
        "[\"0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b\",\"5c1d9a70-2f3e-4b8a-8e1d-0c9f6b7a2e31\"",
        "[\"0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b\",\"5c1d9a70-2f3e-4b8a-8e1d-0c9f6b7a2e31\"]]",
        "[\"0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b\",\"5c1d9a70-2f3e-4b8a-8e1d-0c9f6b7a2e3\"]",
        "[\"0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b\",\"0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b\"]",
        "[\"0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b\"]",
        "[\"0b6f2c1e-5d1a-4f3e-9c2b-7a8d9e0f1a2b\",\"5c1d9a70-2f3e-4b8a-8e1d-0c9f6b7a2e31\",\"x\"]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(
            xapi_statements_answer(200, bad[i], strlen(bad[i]), ids, 2, ok, why, sizeof why),
            XAPI_NOT_LRS);
    /* an id with a character JSON escapes: only the parser can judge it */
    const char *odd[] = {"a\"b"};
    static const char odd_answer[] = "[\"a\\\"b\"]";
    assert_int_equal(
        xapi_statements_answer(200, odd_answer, strlen(odd_answer), odd, 1, ok, why, sizeof why),
        XAPI_STORED);
    /* the ids sent twice, listed once: both copies confirmed */
    const char *dup[] = {ids[0], ids[1], ids[0]};
    bool ok3[3];
    assert_int_equal(
        xapi_statements_answer(200, exact, strlen(exact), dup, 3, ok3, why, sizeof why),
        XAPI_NOT_LRS);
    assert_true(ok3[0] && ok3[1] && ok3[2]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_checkin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkin_manual, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkin_every_kind, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checkout_corrected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answer_likert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answer_choice_competency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answer_fill_in_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_confirmation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_voiding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_issuer_without_home_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_activity_base_without_slash_and_default, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_no_kiosk_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_future_timestamp_clamped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_title_and_event_id, setup, teardown),
        cmocka_unit_test(test_statements_answer),
        cmocka_unit_test(test_statements_answer_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
