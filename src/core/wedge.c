/* The keyboard-wedge assembler: characters with their times in, payloads out.
 * A barcode scanner types a whole payload in a burst (a few ms per key); a person
 * types slower and shorter. Pure: no clock of its own, no I/O. */
#include "lobkiosk/wedge.h"

#include <stdlib.h>
#include <string.h>

struct wedge {
    wedge_config cfg;
    char buf[WEDGE_MAX_LEN + 1]; /* the burst being assembled */
    size_t len;
    bool overflow;               /* burst grew beyond WEDGE_MAX_LEN: dropped at its end */
    int64_t first_ms, last_ms;   /* times of the first and the newest key of the burst */
    char queue[WEDGE_QUEUE][WEDGE_MAX_LEN + 1]; /* finished payloads, oldest at head */
    size_t q_head, q_len;
};

wedge *wedge_create(const wedge_config *cfg)
{
    wedge *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    if (cfg)
        w->cfg = *cfg;
    if (w->cfg.end_timeout_ms <= 0)
        w->cfg.end_timeout_ms = WEDGE_DEFAULT_END_TIMEOUT_MS;
    if (w->cfg.avg_gap_max_ms <= 0)
        w->cfg.avg_gap_max_ms = WEDGE_DEFAULT_AVG_GAP_MAX_MS;
    if (w->cfg.min_len == 0)
        w->cfg.min_len = WEDGE_DEFAULT_MIN_LEN;
    return w;
}

void wedge_destroy(wedge *w)
{
    free(w);
}

/* Ends the current burst: queued when it looks like a scanner, dropped otherwise. */
static void finish(wedge *w)
{
    if (w->len == 0) {
        w->overflow = false;
        return;
    }
    /* mean gap over len-1 intervals; a single key has no rhythm and is a person */
    bool scanner = !w->overflow && w->len >= w->cfg.min_len && w->len >= 2 &&
                   (w->last_ms - w->first_ms) <= (int64_t)w->cfg.avg_gap_max_ms * (int64_t)(w->len - 1);
    /* A key held down repeats at 25-40 keys a second, as fast as a slow scanner:
     * a burst of one character over and over is a person leaning on a key, never a
     * scanned code (no payload is one repeated character). */
    if (scanner) {
        size_t same = 1;
        while (same < w->len && w->buf[same] == w->buf[0])
            same++;
        if (same == w->len)
            scanner = false;
    }
    if (scanner) {
        if (w->q_len == WEDGE_QUEUE) { /* full: the oldest gives way */
            w->q_head = (w->q_head + 1) % WEDGE_QUEUE;
            w->q_len--;
        }
        size_t slot = (w->q_head + w->q_len) % WEDGE_QUEUE;
        /* Caps Lock on turns the scanner's letters lower case; the pass alphabet
         * has none (see wedge.h). Byte-wise ASCII only: UTF-8 stays intact. */
        for (size_t i = 0; i < w->len; i++)
            if (w->buf[i] >= 'a' && w->buf[i] <= 'z')
                w->buf[i] = (char)(w->buf[i] - 'a' + 'A');
        memcpy(w->queue[slot], w->buf, w->len);
        w->queue[slot][w->len] = '\0';
        w->q_len++;
    }
    w->len = 0;
    w->overflow = false;
}

void wedge_key(wedge *w, char c, int64_t t_ms)
{
    if (!w)
        return;
    if (w->len > 0 && t_ms < w->last_ms)
        t_ms = w->last_ms; /* a clock going backwards counts as no gap */
    /* a long silence ended the previous burst even if nobody polled in between */
    if ((w->len > 0 || w->overflow) && t_ms - w->last_ms > w->cfg.end_timeout_ms)
        finish(w);
    if (c == '\r' || c == '\n' || c == '\t') {
        w->last_ms = t_ms;
        finish(w);
        return;
    }
    if ((unsigned char)c < 0x20 || c == 0x7f)
        return;
    if (w->len == 0 && !w->overflow)
        w->first_ms = t_ms;
    w->last_ms = t_ms;
    if (w->len < WEDGE_MAX_LEN)
        w->buf[w->len++] = c;
    else
        w->overflow = true;
}

void wedge_text(wedge *w, const char *s, int64_t t_ms)
{
    if (!w || !s)
        return;
    for (; *s; s++)
        wedge_key(w, *s, t_ms);
}

bool wedge_poll(wedge *w, int64_t now_ms, char *out, size_t out_len)
{
    if (!w)
        return false;
    if ((w->len > 0 || w->overflow) && now_ms - w->last_ms > w->cfg.end_timeout_ms)
        finish(w);
    if (w->q_len == 0)
        return false;
    const char *p = w->queue[w->q_head];
    w->q_head = (w->q_head + 1) % WEDGE_QUEUE;
    w->q_len--;
    size_t n = strlen(p);
    if (!out || n >= out_len)
        return false;
    memcpy(out, p, n + 1);
    return true;
}

bool wedge_busy(const wedge *w)
{
    return w && (w->len > 0 || w->overflow);
}
