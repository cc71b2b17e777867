/* Reflection question sets (assets/questions/<name>.json, read with jansson) and
 * the answers of one student in progress. The set is a model that hands out
 * xapi_question structs for the statements; the session is plain data that the
 * screens drive step by step: answer, skip, back. No SDL, no SQLite. */
#ifndef LOBKIOSK_REFLECTION_H
#define LOBKIOSK_REFLECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lobkiosk/status.h"
#include "lobkiosk/xapi.h"

#define REFLECTION_MAX_QUESTIONS 8 /* a reflection takes under a minute: 3..6 is usual */
#define REFLECTION_MAX_CHOICES 12  /* more would not fit as chips on a 7" screen */
#define REFLECTION_ID_MAX 48       /* ids of sets, questions and choices */
#define REFLECTION_TEXT_MAX 140    /* bytes of a written answer */

typedef struct reflection_set reflection_set;

/* Parses a question set from JSON text. name is the set's name (e.g. "default"),
 * used in the activity ids. *out receives a set to free with
 * reflection_set_destroy(). LK_ERR_INVALID with a message in err (may be NULL) when
 * the JSON or a field is wrong; hostile input never crashes. */
lk_status reflection_set_parse(const char *json, const char *name, reflection_set **out, char *err,
                               size_t err_len) LK_MUST_CHECK;

/* Reads ASSETS/questions/<name>.json. name must be [a-z0-9_-]{1,47}. */
lk_status reflection_set_load(const char *assets_dir, const char *name, reflection_set **out,
                              char *err, size_t err_len) LK_MUST_CHECK;

/* The name of the set an event uses: its `questions =` name, except "default",
 * which means the set made for the event's kind (ASSETS/questions/<kind>.json:
 * open_day, trial_day, company_visit, career_fair, internship_day) when there is
 * one. Returns questions or kind (borrowed; "" for NULL questions). */
const char *reflection_set_for(const char *assets_dir, const char *questions, const char *kind);

/* Accepts NULL. */
void reflection_set_destroy(reflection_set *set);

/* The set's name. Borrowed. */
const char *reflection_set_name(const reflection_set *set);

/* Number of questions (0 for NULL). */
size_t reflection_set_count(const reflection_set *set);

/* Question i as the statements describe it, or NULL when out of range. Borrowed
 * from the set (strings too); valid until the set is destroyed. */
const xapi_question *reflection_set_question(const reflection_set *set, size_t i);

/* True when question i may be left empty without counting as skipped (the text
 * question). */
bool reflection_set_optional(const reflection_set *set, size_t i);

/* True when question i is a choice question marked "multiple": true in the set:
 * the student toggles several choices and goes on with reflection_next(). */
bool reflection_set_multiple(const reflection_set *set, size_t i);

/* True when choice of multiple question i is marked "exclusive": true in the set
 * ("Weet ik nog niet"): it is never on together with another choice. */
bool reflection_set_exclusive(const reflection_set *set, size_t i, size_t choice);

/* Face of a likert point for drawing: -2 (sad) .. +2 (happy), spread evenly over
 * the scale; 0 for a choice question or out of range. */
int reflection_set_face(const reflection_set *set, size_t question, size_t choice);

/* One answer in progress. */
typedef struct reflection_answer {
    bool answered;   /* a choice was made or text given */
    int choice;      /* index into the question's choices, -1 = text;
                        for a multiple question the first picked */
    uint32_t picked; /* multiple question: bit k = choice k toggled on */
    char joined[REFLECTION_MAX_CHOICES * (REFLECTION_ID_MAX + 3)]; /* "a[,]b" once answered */
    char text[REFLECTION_TEXT_MAX + 1];                            /* written answer (fill-in) */
    int64_t answered_ms;                                           /* when it was given */
} reflection_answer;

/* A student's walk through a set. Plain data; the set is borrowed. */
typedef struct reflection_session {
    const reflection_set *set;                           /* borrowed question set */
    size_t step;                                         /* current question, == count when done */
    reflection_answer answers[REFLECTION_MAX_QUESTIONS]; /* one per question */
} reflection_session;

/* Starts at the first question with nothing answered (set may be NULL: then the
 * session is done at once). */
void reflection_session_start(reflection_session *s, const reflection_set *set);

/* Answers the current question with choice index and moves on.
 * LK_ERR_INVALID when the index is out of range, the current question is a text
 * or multiple question or the session is done. */
lk_status reflection_choose(reflection_session *s, size_t choice, int64_t now_ms) LK_MUST_CHECK;

/* A multiple question: toggles choice index on or off; stays on the question.
 * Turning an exclusive choice on turns every other off; turning another on turns
 * the exclusive ones off.
 * LK_ERR_INVALID when the question is not multiple, the index is out of range or
 * the session is done. */
lk_status reflection_toggle(reflection_session *s, size_t choice) LK_MUST_CHECK;

/* A multiple question: answers it with the choices toggled on (none toggled
 * counts as a skip) and moves on. LK_ERR_INVALID when the current question is
 * not multiple or the session is done. */
lk_status reflection_next(reflection_session *s, int64_t now_ms) LK_MUST_CHECK;

/* Answers the current text question and moves on. Control characters become
 * spaces, surrounding space is trimmed, invalid UTF-8 is refused
 * (LK_ERR_INVALID) and a text longer than REFLECTION_TEXT_MAX is cut at a
 * character boundary. An empty text counts as a skip. */
lk_status reflection_write(reflection_session *s, const char *text, int64_t now_ms) LK_MUST_CHECK;

/* Moves on without answering (an earlier answer to this question is kept). */
void reflection_skip(reflection_session *s);

/* Goes back one question (no-op on the first). */
void reflection_back(reflection_session *s);

/* True when every question was passed. */
bool reflection_done(const reflection_session *s);

/* Number of answered questions. */
size_t reflection_answered(const reflection_session *s);

/* The response of question i for its statement: the choice id, the chosen ids
 * joined with "[,]" (a multiple question, xAPI 1.0.3 choice format) or the
 * written text; NULL when not answered. Borrowed from the set or the session. */
const char *reflection_response(const reflection_session *s, size_t i);

#endif
