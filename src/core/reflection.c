/* Reflection question sets from JSON (jansson) and the step-by-step answers of one
 * student. The set keeps its parsed JSON alive and lends its strings to the
 * xapi_question structs, so nothing is copied twice. */
#include "lobkiosk/reflection.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lobkiosk/util.h"

#define PROMPT_MAX 300 /* bytes of a question or choice text */

struct reflection_set {
    char name[REFLECTION_ID_MAX];              /* set name */
    json_t *root;                              /* owns every string below */
    size_t n;                                  /* questions */
    xapi_question q[REFLECTION_MAX_QUESTIONS]; /* borrowed strings from root */
    xapi_choice c[REFLECTION_MAX_QUESTIONS][REFLECTION_MAX_CHOICES]; /* choices */
    bool optional[REFLECTION_MAX_QUESTIONS];                         /* may be left empty */
    bool multiple[REFLECTION_MAX_QUESTIONS];                         /* several choices */
    uint32_t exclusive[REFLECTION_MAX_QUESTIONS]; /* multiple: bit k = choice k stands alone */
};

static const char *const competencies[] = {"qualities", "motives", "work_exploration",
                                           "career_steering", "networking"};

static bool valid_id(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n >= REFLECTION_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
            return false;
    }
    return true;
}

/* A non-empty display text of at most PROMPT_MAX bytes, or NULL. */
static const char *text_field(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (!s || !s[0] || strlen(s) > PROMPT_MAX)
        return NULL;
    return s;
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        if (err)                                                                                   \
            snprintf(err, err_len, __VA_ARGS__);                                                   \
        goto fail;                                                                                 \
    } while (0)

lk_status reflection_set_parse(const char *json, const char *name, reflection_set **out, char *err,
                               size_t err_len)
{
    if (err && err_len)
        err[0] = '\0';
    if (!out)
        return LK_ERR_INVALID;
    *out = NULL;
    if (!json || !valid_id(name)) {
        if (err)
            snprintf(err, err_len, "question set: no text or bad name");
        return LK_ERR_INVALID;
    }
    reflection_set *set = calloc(1, sizeof *set);
    if (!set)
        return LK_ERR_NOMEM;
    lk_strlcpy(set->name, name, sizeof set->name);
    json_error_t jerr;
    set->root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr);
    if (!set->root)
        FAIL("question set %s: line %d: %s", name, jerr.line, jerr.text);
    json_t *qs = json_object_get(set->root, "questions");
    if (!json_is_array(qs) || json_array_size(qs) == 0 ||
        json_array_size(qs) > REFLECTION_MAX_QUESTIONS)
        FAIL("question set %s: \"questions\" must be a list of 1 to %d questions", name,
             REFLECTION_MAX_QUESTIONS);
    for (size_t i = 0; i < json_array_size(qs); i++) {
        json_t *jq = json_array_get(qs, i);
        xapi_question *q = &set->q[i];
        if (!json_is_object(jq))
            FAIL("question set %s: question %zu is not an object", name, i + 1);
        q->set = set->name;
        q->id = json_string_value(json_object_get(jq, "id"));
        if (!valid_id(q->id))
            FAIL("question set %s: question %zu: bad id", name, i + 1);
        for (size_t k = 0; k < i; k++)
            if (strcmp(set->q[k].id, q->id) == 0)
                FAIL("question set %s: question id %s twice", name, q->id);
        const char *type = json_string_value(json_object_get(jq, "type"));
        if (type && strcmp(type, "likert") == 0)
            q->type = XAPI_LIKERT;
        else if (type && strcmp(type, "choice") == 0)
            q->type = XAPI_CHOICE;
        else if (type && strcmp(type, "fill-in") == 0)
            q->type = XAPI_FILL_IN;
        else
            FAIL("question set %s: %s: type must be likert, choice or fill-in", name, q->id);
        json_t *comp = json_object_get(jq, "competency");
        q->competency = NULL;
        if (comp && !json_is_null(comp)) {
            const char *cs = json_string_value(comp);
            for (size_t k = 0; cs && k < sizeof competencies / sizeof competencies[0]; k++)
                if (strcmp(cs, competencies[k]) == 0)
                    q->competency = competencies[k];
            if (!q->competency)
                FAIL("question set %s: %s: unknown competency", name, q->id);
        }
        q->prompt_nl = text_field(jq, "nl");
        if (!q->prompt_nl)
            FAIL("question set %s: %s: needs a Dutch text \"nl\"", name, q->id);
        q->prompt_en = text_field(jq, "en");
        if (!q->prompt_en)
            q->prompt_en = q->prompt_nl;
        json_t *opt = json_object_get(jq, "optional");
        set->optional[i] = json_is_true(opt);
        json_t *multi = json_object_get(jq, "multiple");
        if (multi && !json_is_boolean(multi))
            FAIL("question set %s: %s: \"multiple\" is true or false", name, q->id);
        set->multiple[i] = json_is_true(multi);
        if (set->multiple[i] && q->type != XAPI_CHOICE)
            FAIL("question set %s: %s: only a choice question can be \"multiple\"", name, q->id);
        json_t *cs = json_object_get(jq, "choices");
        if (q->type == XAPI_FILL_IN) {
            if (cs)
                FAIL("question set %s: %s: a text question has no choices", name, q->id);
        } else {
            size_t max = q->type == XAPI_LIKERT ? 7 : REFLECTION_MAX_CHOICES;
            if (!json_is_array(cs) || json_array_size(cs) < 2 || json_array_size(cs) > max)
                FAIL("question set %s: %s: needs 2 to %zu choices", name, q->id, max);
            for (size_t k = 0; k < json_array_size(cs); k++) {
                json_t *jc = json_array_get(cs, k);
                xapi_choice *c = &set->c[i][k];
                c->id = json_string_value(json_object_get(jc, "id"));
                if (!json_is_object(jc) || !valid_id(c->id))
                    FAIL("question set %s: %s: choice %zu: bad id", name, q->id, k + 1);
                for (size_t m = 0; m < k; m++)
                    if (strcmp(set->c[i][m].id, c->id) == 0)
                        FAIL("question set %s: %s: choice id %s twice", name, q->id, c->id);
                c->nl = text_field(jc, "nl");
                if (!c->nl)
                    FAIL("question set %s: %s: choice %s needs \"nl\"", name, q->id, c->id);
                c->en = text_field(jc, "en");
                if (!c->en)
                    c->en = c->nl;
                json_t *excl = json_object_get(jc, "exclusive");
                if (excl && !json_is_boolean(excl))
                    FAIL("question set %s: %s: choice %s: \"exclusive\" is true or false", name,
                         q->id, c->id);
                if (json_is_true(excl) && !set->multiple[i])
                    FAIL("question set %s: %s: choice %s: only a \"multiple\" question has an "
                         "\"exclusive\" choice",
                         name, q->id, c->id);
                if (json_is_true(excl))
                    set->exclusive[i] |= 1u << k;
            }
            q->choices = set->c[i];
            q->n_choices = json_array_size(cs);
        }
        set->n = i + 1;
    }
    *out = set;
    return LK_OK;
fail:
    reflection_set_destroy(set);
    return LK_ERR_INVALID;
}

lk_status reflection_set_load(const char *assets_dir, const char *name, reflection_set **out,
                              char *err, size_t err_len)
{
    char path[1200];
    if (out)
        *out = NULL;
    if (!assets_dir || !valid_id(name) || !out) {
        if (err)
            snprintf(err, err_len, "question set: bad name");
        return LK_ERR_INVALID;
    }
    snprintf(path, sizeof path, "%s/questions/%s.json", assets_dir, name);
    char *text = NULL;
    lk_status st = lk_read_file(path, &text, NULL);
    if (st != LK_OK) {
        if (err)
            snprintf(err, err_len, "%s: cannot read (%s)", path, lk_strerror(st));
        return st;
    }
    st = reflection_set_parse(text, name, out, err, err_len);
    free(text);
    return st;
}

const char *reflection_set_for(const char *assets_dir, const char *questions, const char *kind)
{
    if (!questions)
        return "";
    if (strcmp(questions, "default") != 0 || !assets_dir || !valid_id(kind) ||
        !strcmp(kind, "other"))
        return questions;
    char path[1200];
    snprintf(path, sizeof path, "%s/questions/%s.json", assets_dir, kind);
    return access(path, R_OK) == 0 ? kind : questions;
}

void reflection_set_destroy(reflection_set *set)
{
    if (!set)
        return;
    json_decref(set->root);
    free(set);
}

const char *reflection_set_name(const reflection_set *set)
{
    return set ? set->name : "";
}

size_t reflection_set_count(const reflection_set *set)
{
    return set ? set->n : 0;
}

const xapi_question *reflection_set_question(const reflection_set *set, size_t i)
{
    return set && i < set->n ? &set->q[i] : NULL;
}

bool reflection_set_optional(const reflection_set *set, size_t i)
{
    return set && i < set->n && set->optional[i];
}

int reflection_set_face(const reflection_set *set, size_t question, size_t choice)
{
    const xapi_question *q = reflection_set_question(set, question);
    if (!q || q->type != XAPI_LIKERT || choice >= q->n_choices || q->n_choices < 2)
        return 0;
    /* Spread the points over -2..+2, rounding to the nearest face. */
    double pos = -2.0 + 4.0 * (double)choice / (double)(q->n_choices - 1);
    return pos < 0 ? (int)(pos - 0.5) : (int)(pos + 0.5);
}

void reflection_session_start(reflection_session *s, const reflection_set *set)
{
    if (!s)
        return;
    memset(s, 0, sizeof *s);
    s->set = set;
    for (size_t i = 0; i < REFLECTION_MAX_QUESTIONS; i++)
        s->answers[i].choice = -1;
}

bool reflection_done(const reflection_session *s)
{
    return !s || s->step >= reflection_set_count(s->set);
}

bool reflection_set_multiple(const reflection_set *set, size_t i)
{
    return set && i < set->n && set->multiple[i];
}

bool reflection_set_exclusive(const reflection_set *set, size_t i, size_t choice)
{
    return set && i < set->n && choice < REFLECTION_MAX_CHOICES &&
           (set->exclusive[i] >> choice & 1u);
}

lk_status reflection_choose(reflection_session *s, size_t choice, int64_t now_ms)
{
    if (reflection_done(s))
        return LK_ERR_INVALID;
    const xapi_question *q = reflection_set_question(s->set, s->step);
    if (q->type == XAPI_FILL_IN || choice >= q->n_choices ||
        reflection_set_multiple(s->set, s->step))
        return LK_ERR_INVALID;
    reflection_answer *a = &s->answers[s->step];
    a->answered = true;
    a->choice = (int)choice;
    a->text[0] = '\0';
    a->answered_ms = now_ms;
    s->step++;
    return LK_OK;
}

/* Length of the valid UTF-8 sequence at p, 0 when invalid. */
static size_t utf8_len(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t n = (p[0] & 0xE0) == 0xC0   ? 2
               : (p[0] & 0xF0) == 0xE0 ? 3
               : (p[0] & 0xF8) == 0xF0 ? 4
                                       : 0;
    if (n == 0 || (n == 2 && p[0] < 0xC2) || (n == 4 && p[0] > 0xF4))
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    /* no overlong 3- and 4-byte forms, no UTF-16 surrogates, nothing above U+10FFFF:
     * jansson refuses those, and the answer statement could not be built */
    if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] >= 0xA0) ||
        (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] >= 0x90))
        return 0;
    return n;
}

lk_status reflection_write(reflection_session *s, const char *text, int64_t now_ms)
{
    if (reflection_done(s) || !text)
        return LK_ERR_INVALID;
    const xapi_question *q = reflection_set_question(s->set, s->step);
    if (q->type != XAPI_FILL_IN)
        return LK_ERR_INVALID;
    char clean[REFLECTION_TEXT_MAX + 1];
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p == ' ' || (*p && *p < 0x20) || *p == 0x7F)
        p++;
    while (*p) {
        size_t len = utf8_len(p);
        if (len == 0)
            return LK_ERR_INVALID;
        if (n + len > REFLECTION_TEXT_MAX)
            break; /* cut at a character boundary */
        if (len == 1 && (*p < 0x20 || *p == 0x7F))
            clean[n++] = ' ';
        else {
            memcpy(clean + n, p, len);
            n += len;
        }
        p += len;
    }
    while (n > 0 && clean[n - 1] == ' ')
        n--;
    clean[n] = '\0';
    reflection_answer *a = &s->answers[s->step];
    if (n == 0) {
        reflection_skip(s);
        return LK_OK;
    }
    a->answered = true;
    a->choice = -1;
    memcpy(a->text, clean, n + 1);
    a->answered_ms = now_ms;
    s->step++;
    return LK_OK;
}

lk_status reflection_toggle(reflection_session *s, size_t choice)
{
    if (reflection_done(s) || !reflection_set_multiple(s->set, s->step))
        return LK_ERR_INVALID;
    const xapi_question *q = reflection_set_question(s->set, s->step);
    if (choice >= q->n_choices)
        return LK_ERR_INVALID;
    reflection_answer *a = &s->answers[s->step];
    uint32_t bit = 1u << choice, excl = s->set->exclusive[s->step];
    if (!(a->picked & bit)) {
        /* "Weet ik nog niet" stands alone: turning it on clears the others, turning
         * another on clears it */
        if (excl & bit)
            a->picked = 0;
        else
            a->picked &= ~excl;
    }
    a->picked ^= bit;
    return LK_OK;
}

lk_status reflection_next(reflection_session *s, int64_t now_ms)
{
    if (reflection_done(s) || !reflection_set_multiple(s->set, s->step))
        return LK_ERR_INVALID;
    const xapi_question *q = reflection_set_question(s->set, s->step);
    reflection_answer *a = &s->answers[s->step];
    a->answered = false;
    a->choice = -1;
    a->joined[0] = '\0';
    a->text[0] = '\0';
    for (size_t k = 0; k < q->n_choices; k++) {
        if (!(a->picked & (1u << k)))
            continue;
        size_t used = strlen(a->joined);
        /* the xAPI 1.0.3 choice response: ids joined with "[,]" (fits: 12 ids of < 48) */
        snprintf(a->joined + used, sizeof a->joined - used, "%s%s", a->choice < 0 ? "" : "[,]",
                 q->choices[k].id);
        if (a->choice < 0)
            a->choice = (int)k;
    }
    if (a->choice >= 0) {
        a->answered = true;
        a->answered_ms = now_ms;
    }
    s->step++;
    return LK_OK;
}

void reflection_skip(reflection_session *s)
{
    if (!reflection_done(s))
        s->step++;
}

void reflection_back(reflection_session *s)
{
    if (s && s->step > 0)
        s->step--;
}

size_t reflection_answered(const reflection_session *s)
{
    size_t n = 0;
    for (size_t i = 0; s && i < reflection_set_count(s->set); i++)
        n += s->answers[i].answered;
    return n;
}

const char *reflection_response(const reflection_session *s, size_t i)
{
    if (!s || i >= reflection_set_count(s->set) || !s->answers[i].answered)
        return NULL;
    const reflection_answer *a = &s->answers[i];
    if (s->set->multiple[i])
        return a->joined;
    if (a->choice >= 0)
        return s->set->q[i].choices[a->choice].id;
    return a->text;
}
