/* libFuzzer target for question sets (reflection_set_parse, jansson) and the walk
 * through one. The input is the JSON text up to its first NUL; the bytes after the
 * NUL (if any) drive a session: each byte picks an action (choose, write, skip,
 * back) and what follows a write is its text. Without a NUL a fixed walk is done.
 * Checks: a parsed set holds what reflection.h promises (1..8 questions, valid ids,
 * 2..12 choices, likert faces in -2..+2); every response is a choice id of its
 * question or a text of at most REFLECTION_TEXT_MAX bytes without control
 * characters that jansson accepts as a JSON string (else the answer statement
 * cannot be built and the student's answers are lost). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lobkiosk/reflection.h"
#include "targets.h"

static bool refl_id_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n >= REFLECTION_ID_MAX)
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static void refl_check_set(const reflection_set *set)
{
    size_t n = reflection_set_count(set);
    if (n < 1 || n > REFLECTION_MAX_QUESTIONS || !refl_id_ok(reflection_set_name(set)))
        abort();
    for (size_t i = 0; i < n; i++) {
        const xapi_question *q = reflection_set_question(set, i);
        if (!q || !refl_id_ok(q->id) || !q->prompt_nl || !q->prompt_nl[0] || !q->prompt_en)
            abort();
        if (q->type == XAPI_FILL_IN) {
            if (q->n_choices != 0)
                abort();
        } else {
            if (q->n_choices < 2 || q->n_choices > REFLECTION_MAX_CHOICES || !q->choices)
                abort();
            for (size_t k = 0; k < q->n_choices; k++) {
                if (!refl_id_ok(q->choices[k].id) || !q->choices[k].nl || !q->choices[k].en)
                    abort();
                int face = reflection_set_face(set, i, k);
                if (face < -2 || face > 2 || (q->type != XAPI_LIKERT && face != 0))
                    abort();
            }
        }
    }
    if (reflection_set_question(set, n) || reflection_set_face(set, n, 0) != 0)
        abort();
}

static void refl_check_responses(const reflection_session *s)
{
    const reflection_set *set = s->set;
    size_t answered = 0;
    for (size_t i = 0; i < reflection_set_count(set); i++) {
        const char *r = reflection_response(s, i);
        if (!r)
            continue;
        answered++;
        const xapi_question *q = reflection_set_question(set, i);
        if (q->type == XAPI_FILL_IN) {
            size_t n = strlen(r);
            if (n == 0 || n > REFLECTION_TEXT_MAX || r[0] == ' ' || r[n - 1] == ' ')
                abort();
            for (size_t k = 0; k < n; k++)
                if ((unsigned char)r[k] < 0x20 || r[k] == 0x7f)
                    abort();
            json_t *js = json_string(r); /* strict UTF-8, as the statement needs */
            if (!js)
                abort();
            json_decref(js);
        } else {
            bool known = false;
            for (size_t k = 0; k < q->n_choices; k++)
                known = known || strcmp(q->choices[k].id, r) == 0;
            if (!known)
                abort();
        }
    }
    if (answered != reflection_answered(s))
        abort();
}

static void refl_walk(const reflection_set *set, const uint8_t *p, const uint8_t *end)
{
    reflection_session s;
    reflection_session_start(&s, set);
    int64_t now = 1000;
    static const uint8_t fixed[] = {0x00, 0x41, 0x02, 0x10, 0x01, 0x03, 0x00};
    if (p >= end) {
        p = fixed;
        end = fixed + sizeof fixed;
    }
    while (p < end && !reflection_done(&s)) {
        uint8_t op = *p++;
        now += 500;
        size_t step = s.step;
        switch (op & 3) {
        case 0: /* choose */
            if (reflection_choose(&s, (size_t)(op >> 2), now) == LK_OK && s.step != step + 1)
                abort();
            break;
        case 1: { /* write: the next (op >> 2) bytes, or up to 255 with op>>2 == 63 */
            size_t n = op >> 2;
            if (n == 63 && p < end)
                n = *p++;
            if (n > (size_t)(end - p))
                n = (size_t)(end - p);
            char text[256];
            memcpy(text, p, n);
            text[n] = '\0';
            p += n;
            if (reflection_write(&s, text, now) == LK_OK && s.step != step + 1)
                abort();
            break;
        }
        case 2:
            reflection_skip(&s);
            if (s.step != step + 1)
                abort();
            break;
        default:
            reflection_back(&s);
            if (s.step != (step ? step - 1 : 0))
                abort();
            break;
        }
        if (s.step > reflection_set_count(set))
            abort();
        refl_check_responses(&s);
    }
}

int fuzz_reflection_one(const uint8_t *data, size_t size)
{
    char *json = malloc(size + 1);
    if (!json)
        return 0;
    memcpy(json, data, size);
    json[size] = '\0';
    size_t json_len = strlen(json);

    reflection_set *set = NULL;
    char err[256];
    memset(err, 'x', sizeof err);
    lk_status st = reflection_set_parse(json, "fuzz", &set, err, sizeof err);
    if (memchr(err, '\0', sizeof err) == NULL)
        abort(); /* the message must be a C string */
    if (st == LK_OK) {
        if (!set)
            abort();
        refl_check_set(set);
        const uint8_t *rest = data + json_len + (json_len < size);
        refl_walk(set, rest, data + size);
    } else if (set || st != LK_ERR_INVALID) {
        abort();
    }
    reflection_set_destroy(set);
    free(json);
    return 0;
}

#ifndef LK_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_reflection_one(data, size);
}
#endif
