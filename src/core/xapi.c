/* xAPI 1.0.3 statements for the career dossier (DESIGN.md, "The dossier"), built
 * with jansson. Every IRI the kiosk emits is named here and in docs/xapi-profile.md;
 * keep the two in step, a dossier vendor reads the document, not this file. */
#include "lobkiosk/xapi.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lobkiosk/util.h"

/* The profile: its IRI goes into context.contextActivities.category of every
 * statement, as the xAPI Profiles specification recommends. */
#define XAPI_PROFILE_IRI "https://w3id.org/xapi/lob"
#define XAPI_PROFILE_VERSION_IRI "https://w3id.org/xapi/lob/v1"
#define XAPI_ACTIVITY_TYPE_BASE XAPI_PROFILE_IRI "/activity-types/"
#define XAPI_EXT_COMPETENCY XAPI_PROFILE_IRI "/extensions/competency"
#define XAPI_EXT_KIOSK XAPI_PROFILE_IRI "/extensions/kiosk"
#define XAPI_EXT_MANUAL XAPI_PROFILE_IRI "/extensions/manual-checkin"
#define XAPI_EXT_CORRECTS XAPI_PROFILE_IRI "/extensions/corrects"
#define XAPI_EXT_LEARNER XAPI_PROFILE_IRI "/extensions/learner"
#define XAPI_EXT_QUESTION_SET XAPI_PROFILE_IRI "/extensions/question-set"
#define XAPI_COMPETENCY_BASE XAPI_PROFILE_IRI "/competencies/"
#define XAPI_PLATFORM "lobkiosk"
#define XAPI_LANGUAGE "nl-NL"

#define CMI_INTERACTION "http://adlnet.gov/expapi/activities/cmi.interaction"

/* A verb with its display in both languages of the dossier. */
typedef struct verb {
    const char *id, *nl, *en;
} verb;

static const verb VERB_ATTENDED = {"http://adlnet.gov/expapi/verbs/attended", "nam deel aan",
                                   "attended"};
static const verb VERB_LEAVE = {"http://activitystrea.ms/leave", "vertrok bij", "left"};
static const verb VERB_ANSWERED = {"http://adlnet.gov/expapi/verbs/answered", "beantwoordde",
                                   "answered"};
/* Activity Streams "confirm": the actor agrees that the object (the student's
 * check-in statement) is true. Chosen over ADL verbs, which have no such verb. */
static const verb VERB_CONFIRM = {"http://activitystrea.ms/confirm", "bevestigde", "confirmed"};

/* ADL's voided verb: the one verb an LRS must understand as "forget that one". */
static const verb VERB_VOIDED = {"http://adlnet.gov/expapi/verbs/voided", "maakte ongedaan",
                                 "voided"};

/* Event kinds (config_event.kind) and their activity types. */
static const struct {
    const char *kind, *type_slug;
} EVENT_KINDS[] = {
    {"open_day", "open-day"},           {"trial_day", "trial-day"},
    {"company_visit", "company-visit"}, {"career_fair", "career-fair"},
    {"internship_day", "internship-day"}, {"other", "other-experience"},
};

/* The five career competencies (Kuijpers) and their IRIs below XAPI_COMPETENCY_BASE. */
static const struct {
    const char *token, *slug;
} COMPETENCIES[] = {
    {"qualities", "qualities"},
    {"motives", "motives"},
    {"work_exploration", "work-exploration"},
    {"career_steering", "career-steering"},
    {"networking", "networking"},
};

/* A statement id must be a canonical UUID: the LRS refuses anything else, and
 * refusing here keeps a bad row from ever reaching the outbox. */
static bool valid_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                     (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

/* Appends src to buf (size len, currently used) percent-encoding everything but
 * RFC 3986 unreserved characters, so any id becomes one safe IRI path segment.
 * Returns false on truncation or an empty segment. */
static bool append_segment(char *buf, size_t len, const char *src)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t used = strlen(buf);
    if (!src || !*src)
        return false;
    for (const unsigned char *p = (const unsigned char *)src; *p; p++) {
        bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' ||
                     *p == '~';
        size_t need = plain ? 1 : 3;
        if (used + need + 1 > len)
            return false;
        if (plain) {
            buf[used++] = (char)*p;
        } else {
            buf[used++] = '%';
            buf[used++] = hex[*p >> 4];
            buf[used++] = hex[*p & 15];
        }
    }
    buf[used] = '\0';
    return true;
}

/* base + "/"-terminated + kind + "/" + segment(s) (seg2 may be NULL). */
static bool activity_iri(char *buf, size_t len, const config *cfg, const char *kind,
                         const char *seg1, const char *seg2)
{
    const char *base = cfg->activity_base[0] ? cfg->activity_base : LK_ACTIVITY_BASE;
    size_t bl = strlen(base);
    int n = snprintf(buf, len, "%s%s%s/", base, (bl && base[bl - 1] == '/') ? "" : "/", kind);
    if (n < 0 || (size_t)n >= len)
        return false;
    if (!append_segment(buf, len, seg1))
        return false;
    if (seg2) {
        size_t used = strlen(buf);
        if (used + 2 > len)
            return false;
        buf[used] = '/';
        buf[used + 1] = '\0';
        if (!append_segment(buf, len, seg2))
            return false;
    }
    return true;
}

/* jansson helpers: each steals its value reference and reports failure as false,
 * so a builder can chain them and check once. */
static bool put(json_t *obj, const char *key, json_t *val)
{
    return obj && val && json_object_set_new(obj, key, val) == 0;
}

static json_t *lang_map(const char *nl, const char *en)
{
    json_t *m = json_object();
    bool ok = m != NULL;
    if (nl && *nl)
        ok = ok && put(m, "nl-NL", json_string(nl));
    if (en && *en)
        ok = ok && put(m, "en-US", json_string(en));
    if (!ok || json_object_size(m) == 0) {
        json_decref(m);
        return NULL;
    }
    return m;
}

static json_t *verb_json(const verb *v)
{
    json_t *o = json_object();
    if (!put(o, "id", json_string(v->id)) || !put(o, "display", lang_map(v->nl, v->en))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* {"objectType": "Activity", "id": id, "definition": def}. Takes def (also when ok is
 * false, after a failure building it, or on NULL: then NULL is returned). */
static json_t *activity_json(const char *id, json_t *def, bool ok)
{
    json_t *o = json_object();
    ok = ok && def && put(o, "objectType", json_string("Activity")) &&
         put(o, "id", json_string(id));
    if (ok) {
        ok = put(o, "definition", def);
        def = NULL;
    }
    json_decref(def);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* {"objectType": "Agent", "account": {"homePage": home, "name": name}}: the only
 * way the kiosk names anyone, by an id on a home page, never by a name. */
static json_t *account_agent(const char *home, const char *name)
{
    json_t *acc = json_object();
    json_t *o = json_object();
    bool ok = put(acc, "homePage", json_string(home)) && put(acc, "name", json_string(name)) &&
              put(o, "objectType", json_string("Agent"));
    if (ok) {
        ok = put(o, "account", acc);
        acc = NULL;
    }
    json_decref(acc);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* An Agent identified by an account on the issuer's home page; never a name. */
static json_t *agent_json(const config *cfg, const pass *who)
{
    if (!who || !who->subject[0] || !who->issuer[0])
        return NULL;
    const config_issuer *iss = config_find_issuer(cfg, who->issuer);
    char fallback[CONFIG_TEXT_MAX + 64];
    const char *home = iss && iss->home_page[0] ? iss->home_page : NULL;
    if (!home) {
        /* An issuer without home_page still needs an IRL: one below our base. */
        if (!activity_iri(fallback, sizeof fallback, cfg, "issuers", who->issuer, NULL))
            return NULL;
        home = fallback;
    }
    return account_agent(home, who->subject);
}

static const char *event_type_slug(const char *kind)
{
    for (size_t i = 0; i < sizeof EVENT_KINDS / sizeof EVENT_KINDS[0]; i++)
        if (kind && strcmp(kind, EVENT_KINDS[i].kind) == 0)
            return EVENT_KINDS[i].type_slug;
    return "other-experience";
}

static json_t *event_activity(const config *cfg, const config_event *ev)
{
    char id[CONFIG_TEXT_MAX * 4];
    char type[160];
    if (!activity_iri(id, sizeof id, cfg, "events", ev->id, NULL))
        return NULL;
    snprintf(type, sizeof type, "%s%s", XAPI_ACTIVITY_TYPE_BASE, event_type_slug(ev->kind));
    const char *title = ev->title[0] ? ev->title : ev->id;
    json_t *def = json_object();
    bool ok = put(def, "name", lang_map(title, title)) && put(def, "type", json_string(type));
    return activity_json(id, def, ok);
}

static json_t *statement_ref(const char *uuid)
{
    json_t *o = json_object();
    if (!put(o, "objectType", json_string("StatementRef")) || !put(o, "id", json_string(uuid))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* context: language, the profile as category, the kiosk, the event as parent
 * (when the object is not the event itself) and an optional StatementRef. The
 * platform is only allowed when the object is an Activity (xAPI 1.0.3, 4.1.6). */
static json_t *context_json(const config *cfg, const config_event *parent_ev,
                            const char *ref_uuid, bool object_is_activity)
{
    json_t *ctx = json_object();
    json_t *ca = json_object();
    json_t *cat = json_array();
    json_t *prof = json_object();
    json_t *ext = json_object();
    bool ok = ctx && ca && cat && prof && ext;
    ok = ok && put(prof, "objectType", json_string("Activity")) &&
         put(prof, "id", json_string(XAPI_PROFILE_VERSION_IRI));
    if (ok) {
        json_t *def = json_object();
        ok = put(def, "type", json_string("http://adlnet.gov/expapi/activities/profile")) &&
             put(prof, "definition", def);
        if (!ok)
            json_decref(def);
    }
    ok = ok && json_array_append_new(cat, prof) == 0;
    if (ok)
        prof = NULL;
    ok = ok && json_object_set_new(ca, "category", cat) == 0;
    if (ok)
        cat = NULL;
    if (ok && parent_ev) {
        json_t *par = json_array();
        ok = par && json_array_append_new(par, event_activity(cfg, parent_ev)) == 0 &&
             json_array_size(par) == 1;
        ok = ok && json_object_set_new(ca, "parent", par) == 0;
        if (!ok)
            json_decref(par);
    }
    ok = ok && json_object_set_new(ctx, "contextActivities", ca) == 0;
    if (ok)
        ca = NULL;
    ok = ok && put(ctx, "language", json_string(XAPI_LANGUAGE));
    if (ok && object_is_activity)
        ok = put(ctx, "platform", json_string(XAPI_PLATFORM));
    if (ok && ref_uuid)
        ok = put(ctx, "statement", statement_ref(ref_uuid));
    if (ok && cfg->kiosk_id[0])
        ok = put(ext, XAPI_EXT_KIOSK, json_string(cfg->kiosk_id));
    if (ok && json_object_size(ext) > 0) {
        ok = json_object_set_new(ctx, "extensions", ext) == 0;
        if (ok)
            ext = NULL;
    }
    json_decref(ext);
    json_decref(prof);
    json_decref(cat);
    json_decref(ca);
    if (!ok) {
        json_decref(ctx);
        return NULL;
    }
    return ctx;
}

/* Assembles and serialises a statement; steals actor, object, context and result
 * (result may be NULL). Returns malloc'd JSON or NULL. */
static char *finish(const char *uuid, int64_t ts_ms, const verb *v, json_t *actor,
                    json_t *object, json_t *context, json_t *result)
{
    char ts[40];
    int64_t now = lk_now_ms();
    /* Never in the future, even when the caller's clock reading is late. */
    lk_format_iso8601(ts_ms > now ? now : ts_ms, ts, sizeof ts);
    json_t *st = json_object();
    bool ok = st && actor && object && context;
    ok = ok && put(st, "id", json_string(uuid));
    if (ok) {
        ok = put(st, "actor", actor);
        actor = NULL;
    }
    ok = ok && put(st, "verb", verb_json(v));
    if (ok) {
        ok = put(st, "object", object);
        object = NULL;
    }
    if (ok && result) {
        ok = put(st, "result", result);
        result = NULL;
    }
    if (ok) {
        ok = put(st, "context", context);
        context = NULL;
    }
    ok = ok && put(st, "timestamp", json_string(ts));
    json_decref(actor);
    json_decref(object);
    json_decref(context);
    json_decref(result);
    char *out = ok ? json_dumps(st, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(st);
    return out;
}

static bool common_ok(const config *cfg, const config_event *ev, const pass *who,
                      const char *uuid, int64_t ts_ms)
{
    return cfg && ev && ev->id[0] && who && who->subject[0] && who->issuer[0] &&
           valid_uuid(uuid) && ts_ms > 0;
}

char *xapi_checkin(const config *cfg, const config_event *ev, const pass *student,
                   const char *uuid, int64_t ts_ms)
{
    if (!common_ok(cfg, ev, student, uuid, ts_ms))
        return NULL;
    return finish(uuid, ts_ms, &VERB_ATTENDED, agent_json(cfg, student),
                  event_activity(cfg, ev), context_json(cfg, NULL, NULL, true), NULL);
}

char *xapi_checkin_manual(const config *cfg, const config_event *ev, const pass *student,
                          const char *uuid, int64_t ts_ms)
{
    if (!common_ok(cfg, ev, student, uuid, ts_ms))
        return NULL;
    json_t *ctx = context_json(cfg, NULL, NULL, true);
    json_t *ext = json_object_get(ctx, "extensions");
    if (ctx && !ext) {
        ext = json_object();
        if (json_object_set_new(ctx, "extensions", ext) != 0)
            ext = NULL;
    }
    if (!ext || json_object_set_new(ext, XAPI_EXT_MANUAL, json_true()) != 0) {
        json_decref(ctx);
        return NULL;
    }
    return finish(uuid, ts_ms, &VERB_ATTENDED, agent_json(cfg, student), event_activity(cfg, ev),
                  ctx, NULL);
}

/* ISO 8601 duration with hours, minutes and seconds (centisecond precision, as
 * xAPI 1.0.3 keeps), e.g. "PT6H15M", "PT0S". */
static void format_duration(int64_t ms, char *buf, size_t len)
{
    int64_t cs = ms / 10;
    int64_t h = cs / 360000, m = (cs / 6000) % 60, s = (cs / 100) % 60, frac = cs % 100;
    size_t used = (size_t)snprintf(buf, len, "PT");
    if (h)
        used += (size_t)snprintf(buf + used, len - used, "%lldH", (long long)h);
    if (m)
        used += (size_t)snprintf(buf + used, len - used, "%lldM", (long long)m);
    if (frac)
        snprintf(buf + used, len - used, "%lld.%02lldS", (long long)s, (long long)frac);
    else if (s || (!h && !m))
        snprintf(buf + used, len - used, "%lldS", (long long)s);
}

/* A check-out statement; corrects_uuid (may be NULL) names the one it replaces. */
static char *checkout(const config *cfg, const config_event *ev, const pass *student,
                      const char *uuid, int64_t ts_ms, const char *checkin_uuid,
                      int64_t duration_ms, const char *corrects_uuid)
{
    if (!common_ok(cfg, ev, student, uuid, ts_ms) || !valid_uuid(checkin_uuid) ||
        duration_ms < 0)
        return NULL;
    char dur[64];
    format_duration(duration_ms, dur, sizeof dur);
    json_t *res = json_object();
    if (!put(res, "duration", json_string(dur))) {
        json_decref(res);
        return NULL;
    }
    json_t *ctx = context_json(cfg, NULL, checkin_uuid, true);
    if (ctx && corrects_uuid) {
        /* the check-out this one replaces (voided in the same batch, just before) */
        json_t *ext = json_object_get(ctx, "extensions");
        if (!ext && json_object_set_new(ctx, "extensions", json_object()) == 0)
            ext = json_object_get(ctx, "extensions");
        if (!ext || json_object_set_new(ext, XAPI_EXT_CORRECTS, json_string(corrects_uuid)) != 0) {
            json_decref(ctx);
            ctx = NULL;
        }
    }
    return finish(uuid, ts_ms, &VERB_LEAVE, agent_json(cfg, student), event_activity(cfg, ev), ctx,
                  res);
}

char *xapi_checkout(const config *cfg, const config_event *ev, const pass *student,
                    const char *uuid, int64_t ts_ms, const char *checkin_uuid, int64_t duration_ms)
{
    return checkout(cfg, ev, student, uuid, ts_ms, checkin_uuid, duration_ms, NULL);
}

char *xapi_checkout_corrected(const config *cfg, const config_event *ev, const pass *student,
                              const char *uuid, int64_t ts_ms, const char *checkin_uuid,
                              int64_t duration_ms, const char *corrects_uuid)
{
    if (!valid_uuid(corrects_uuid) || !valid_uuid(uuid) || strcmp(uuid, corrects_uuid) == 0)
        return NULL;
    return checkout(cfg, ev, student, uuid, ts_ms, checkin_uuid, duration_ms, corrects_uuid);
}

static const char *competency_slug(const char *token)
{
    for (size_t i = 0; i < sizeof COMPETENCIES / sizeof COMPETENCIES[0]; i++)
        if (strcmp(token, COMPETENCIES[i].token) == 0)
            return COMPETENCIES[i].slug;
    return NULL;
}

/* The question as a cmi.interaction activity with its scale or choices. */
static json_t *question_activity(const config *cfg, const xapi_question *q)
{
    char id[CONFIG_TEXT_MAX * 4];
    if (!activity_iri(id, sizeof id, cfg, "questions", q->set && *q->set ? q->set : "default",
                      q->id))
        return NULL;
    static const char *const itype[] = {"likert", "choice", "fill-in"};
    json_t *def = json_object();
    bool ok = put(def, "name", lang_map(q->prompt_nl, q->prompt_en)) &&
              put(def, "type", json_string(CMI_INTERACTION)) &&
              put(def, "interactionType", json_string(itype[q->type]));
    if (ok && q->type != XAPI_FILL_IN) {
        json_t *arr = json_array();
        ok = arr != NULL;
        for (size_t i = 0; ok && i < q->n_choices; i++) {
            const xapi_choice *c = &q->choices[i];
            json_t *cj = json_object();
            ok = c->id && *c->id && put(cj, "id", json_string(c->id)) &&
                 put(cj, "description", lang_map(c->nl, c->en)) &&
                 json_array_append_new(arr, cj) == 0;
            if (!ok)
                json_decref(cj);
        }
        ok = ok && json_object_set_new(def, q->type == XAPI_LIKERT ? "scale" : "choices", arr) == 0;
        if (!ok)
            json_decref(arr);
    }
    return activity_json(id, def, ok);
}

char *xapi_answer(const config *cfg, const config_event *ev, const pass *student,
                  const char *uuid, int64_t ts_ms, const char *checkin_uuid,
                  const xapi_question *q, const char *response)
{
    if (!common_ok(cfg, ev, student, uuid, ts_ms) || !valid_uuid(checkin_uuid) || !q ||
        !q->id || !*q->id || !response || (unsigned)q->type > XAPI_FILL_IN)
        return NULL;
    if (q->type != XAPI_FILL_IN) {
        /* A choice answer names one of the question's options; a choice (not likert)
         * answer may name several, joined with "[,]" (xAPI 1.0.3), each once. */
        if (!q->choices || q->n_choices == 0 || !*response)
            return NULL;
        unsigned long seen = 0;
        for (const char *p = response; p;) {
            const char *sep = q->type == XAPI_CHOICE ? strstr(p, "[,]") : NULL;
            size_t len = sep ? (size_t)(sep - p) : strlen(p);
            size_t hit = q->n_choices;
            for (size_t i = 0; i < q->n_choices && i < 32; i++)
                if (q->choices[i].id && strlen(q->choices[i].id) == len &&
                    strncmp(q->choices[i].id, p, len) == 0)
                    hit = i;
            if (hit == q->n_choices || (seen & (1ul << hit)))
                return NULL;
            seen |= 1ul << hit;
            p = sep ? sep + 3 : NULL;
        }
    }
    const char *slug = NULL;
    if (q->competency && *q->competency) {
        slug = competency_slug(q->competency);
        if (!slug)
            return NULL;
    }
    json_t *res = json_object();
    json_t *ctx = context_json(cfg, ev, checkin_uuid, true);
    bool ok = put(res, "response", json_string(response));
    if (ok && ctx) {
        json_t *ext = json_object_get(ctx, "extensions");
        if (!ext) {
            ext = json_object();
            ok = json_object_set_new(ctx, "extensions", ext) == 0;
        }
        char iri[160];
        if (ok && slug) {
            snprintf(iri, sizeof iri, "%s%s", XAPI_COMPETENCY_BASE, slug);
            ok = put(ext, XAPI_EXT_COMPETENCY, json_string(iri));
        }
        if (ok && q->set && *q->set)
            ok = put(ext, XAPI_EXT_QUESTION_SET, json_string(q->set));
    }
    if (!ok) {
        json_decref(res);
        json_decref(ctx);
        return NULL;
    }
    return finish(uuid, ts_ms, &VERB_ANSWERED, agent_json(cfg, student),
                  question_activity(cfg, q), ctx, res);
}

char *xapi_confirmation(const config *cfg, const config_event *ev, const pass *host,
                        const pass *student, const char *uuid, int64_t ts_ms,
                        const char *checkin_uuid)
{
    if (!common_ok(cfg, ev, host, uuid, ts_ms) || !student || !student->subject[0] ||
        !valid_uuid(checkin_uuid))
        return NULL;
    json_t *ctx = context_json(cfg, ev, NULL, false);
    json_t *learner = agent_json(cfg, student);
    json_t *ext = ctx ? json_object_get(ctx, "extensions") : NULL;
    bool ok = ctx && learner;
    if (ok && !ext) {
        ext = json_object();
        ok = json_object_set_new(ctx, "extensions", ext) == 0;
    }
    /* The student's account too, so a dossier can file the confirmation without
     * first resolving the StatementRef. */
    if (ok) {
        ok = put(ext, XAPI_EXT_LEARNER, learner);
        learner = NULL;
    }
    json_decref(learner);
    if (!ok) {
        json_decref(ctx);
        return NULL;
    }
    return finish(uuid, ts_ms, &VERB_CONFIRM, agent_json(cfg, host), statement_ref(checkin_uuid),
                  ctx, NULL);
}

/* The kiosk as an Agent: an account below activity_base, named by kiosk_id. */
static json_t *kiosk_agent_json(const config *cfg)
{
    const char *base = cfg->activity_base[0] ? cfg->activity_base : LK_ACTIVITY_BASE;
    size_t bl = strlen(base);
    char home[CONFIG_TEXT_MAX + 16];
    int n = snprintf(home, sizeof home, "%s%skiosks", base, (bl && base[bl - 1] == '/') ? "" : "/");
    if (n < 0 || (size_t)n >= sizeof home || !cfg->kiosk_id[0])
        return NULL;
    return account_agent(home, cfg->kiosk_id);
}

char *xapi_voiding(const config *cfg, const char *uuid, int64_t ts_ms, const char *target_uuid)
{
    if (!cfg || !valid_uuid(uuid) || !valid_uuid(target_uuid) || ts_ms <= 0 ||
        strcmp(uuid, target_uuid) == 0)
        return NULL;
    /* No event parent and no platform: the object is a StatementRef, not an Activity. */
    return finish(uuid, ts_ms, &VERB_VOIDED, kiosk_agent_json(cfg), statement_ref(target_uuid),
                  context_json(cfg, NULL, NULL, false), NULL);
}

char *xapi_voiding_fn(const char *uuid, const char *target_uuid, int64_t ts_ms, void *user)
{
    return xapi_voiding((const config *)user, uuid, ts_ms, target_uuid);
}

/* --- what an LRS answered to POST /statements ------------------------------------ */

/* True when body is, byte for byte, the compact JSON array of ids[0..n) in the order
 * sent (ids compared without case): what LRSs answer to a batch they stored. Only
 * this one form is recognised here, and only for ids of hexadecimal digits and
 * dashes (nothing to escape); any other answer is left to jansson. Saves parsing a
 * thousand strings a second. */
static bool exact_id_list(const char *body, size_t len, const char *const *ids, size_t n)
{
    size_t p = 0;
    if (!body || len < 2 || body[p++] != '[')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!ids[i])
            return false;
        size_t l = strlen(ids[i]);
        if (l == 0 || strspn(ids[i], "0123456789abcdefABCDEF-") != l)
            return false;
        if (i > 0 && (p >= len || body[p++] != ','))
            return false;
        if (len - p < l + 2 || body[p] != '"' || strncasecmp(body + p + 1, ids[i], l) != 0 ||
            body[p + 1 + l] != '"')
            return false;
        p += l + 2;
    }
    return p + 1 == len && body[p] == ']';
}

/* An id sent and where it stands in the batch. */
typedef struct sent_id {
    const char *id;
    size_t at;
} sent_id;

static int sent_id_cmp(const void *a, const void *b)
{
    return strcasecmp(((const sent_id *)a)->id, ((const sent_id *)b)->id);
}

xapi_verdict xapi_statements_answer(long status, const char *body, size_t body_len,
                                    const char *const *ids, size_t n, bool *confirmed,
                                    char *why, size_t why_len)
{
    char dummy[8];
    if (!why || why_len == 0) {
        why = dummy;
        why_len = sizeof dummy;
    }
    why[0] = '\0';
    if (!confirmed || !ids || n == 0)
        return XAPI_RETRY; /* nothing to judge: nothing counts as stored */
    for (size_t i = 0; i < n; i++)
        confirmed[i] = false;
    if (status == 400 || status == 409 || status == 413)
        return XAPI_REFUSED;
    if (status == 401 || status == 403)
        return XAPI_AUTH;
    if (status < 200 || status > 299)
        return XAPI_RETRY;
    if (status != 200) {
        snprintf(why, why_len, "HTTP %ld instead of 200 with the statement ids", status);
        return XAPI_NOT_LRS;
    }
    if (exact_id_list(body, body_len, ids, n)) {
        for (size_t i = 0; i < n; i++)
            confirmed[i] = true;
        return XAPI_STORED;
    }
    /* the ids sent, sorted, for a lookup per id listed */
    sent_id *sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        return XAPI_RETRY; /* out of memory: nothing counts as stored, retried later */
    size_t n_sorted = 0;
    for (size_t i = 0; i < n; i++)
        if (ids[i])
            sorted[n_sorted++] = (sent_id){ids[i], i};
    qsort(sorted, n_sorted, sizeof *sorted, sent_id_cmp);
    json_error_t err;
    json_t *arr = body && body_len > 0 ? json_loadb(body, body_len, 0, &err) : NULL;
    if (!json_is_array(arr)) {
        snprintf(why, why_len, "HTTP 200 %s instead of the list of statement ids",
                 !body || body_len == 0 ? "with an empty body"
                 : arr                  ? "with other JSON"
                                        : "with a body that is not JSON (a web page?)");
        json_decref(arr);
        free(sorted);
        return XAPI_NOT_LRS;
    }
    size_t listed = json_array_size(arr), known = 0, found = 0;
    size_t idx;
    json_t *v;
    json_array_foreach(arr, idx, v) {
        sent_id key = {json_string_value(v), 0};
        const sent_id *hit =
            key.id ? bsearch(&key, sorted, n_sorted, sizeof *sorted, sent_id_cmp) : NULL;
        if (!hit)
            continue;
        known++;
        /* the same id sent twice: the one listing confirms every copy */
        while (hit > sorted && sent_id_cmp(hit - 1, &key) == 0)
            hit--;
        for (; hit < sorted + n_sorted && sent_id_cmp(hit, &key) == 0; hit++) {
            found += !confirmed[hit->at];
            confirmed[hit->at] = true;
        }
    }
    json_decref(arr);
    free(sorted);
    if (listed == n && known == n && found == n)
        return XAPI_STORED;
    snprintf(why, why_len,
             "HTTP 200 listing %zu id%s for %zu statement%s sent, %zu of them ours",
             listed, listed == 1 ? "" : "s", n, n == 1 ? "" : "s", known);
    return XAPI_NOT_LRS;
}
