/* libFuzzer target for lk_parse_iso8601, the parser of [event.*] start/end in
 * kiosk.ini and of LOBKIOSK_FAKE_NOW. The input is the text up to its first NUL.
 * Oracle: a small reference parser of the documented grammar
 *   YYYY-MM-DD [(T|' ')HH:MM[:SS[.fff...]]] [Z | (+|-)HH[[:]MM]]
 * A time with an offset must give exactly the reference's milliseconds; any
 * accepted text must name a real calendar day and a real offset (hours 0-23,
 * minutes 0-59), so a typo never turns into a silently shifted event. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/util.h"
#include "targets.h"

typedef struct time_ref {
    int y, mo, d, h, mi, sec, msec;
    bool has_offset;
    long off_s;
} time_ref;

static bool time_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool time_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int time_mdays(int y, int mo)
{
    static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return mo == 2 && time_leap(y) ? 29 : md[mo - 1];
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t time_days(int y, int mo, int d)
{
    int64_t yy = y - (mo <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The reference: strict about values, as lenient as lk_parse_iso8601 about the
 * optional parts (a date alone, an offset with or without minutes). */
static bool time_reference(const char *s, time_ref *r)
{
    const char *p = s;
    memset(r, 0, sizeof *r);
    if (!time_digits(&p, 4, &r->y) || *p != '-')
        return false;
    p++;
    if (!time_digits(&p, 2, &r->mo) || *p != '-')
        return false;
    p++;
    if (!time_digits(&p, 2, &r->d))
        return false;
    if (r->mo < 1 || r->mo > 12 || r->d < 1 || r->d > time_mdays(r->y, r->mo))
        return false;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (!time_digits(&p, 2, &r->h) || *p != ':')
            return false;
        p++;
        if (!time_digits(&p, 2, &r->mi))
            return false;
        if (*p == ':') {
            p++;
            if (!time_digits(&p, 2, &r->sec))
                return false;
            if (*p == '.') {
                p++;
                int scale = 100, nd = 0;
                for (; *p >= '0' && *p <= '9'; p++, nd++) {
                    r->msec += (*p - '0') * scale;
                    scale /= 10;
                }
                if (nd == 0)
                    return false;
            }
        }
        if (r->h > 23 || r->mi > 59 || r->sec > 59)
            return false;
    }
    if (*p == '\0')
        return true;
    r->has_offset = true;
    if (*p == 'Z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        long sign = *p == '-' ? -1 : 1;
        int oh, om = 0;
        p++;
        if (!time_digits(&p, 2, &oh))
            return false;
        if (*p == ':') {
            p++;
            if (!time_digits(&p, 2, &om))
                return false;
        } else if (*p && !time_digits(&p, 2, &om)) {
            return false;
        }
        if (oh > 23 || om > 59)
            return false;
        r->off_s = sign * (oh * 3600L + om * 60L);
    } else {
        return false;
    }
    return *p == '\0';
}

int fuzz_time_one(const uint8_t *data, size_t size)
{
    if (size > 256)
        return 0; /* a date-time is short; longer inputs add nothing */
    char s[257];
    memcpy(s, data, size);
    s[size] = '\0';

    int64_t ms = 0;
    bool ok = lk_parse_iso8601(s, &ms) == LK_OK;
    time_ref r;
    bool ref_ok = time_reference(s, &r);
    /* A leap second (":60") is a grey zone the parser may take or refuse. */
    size_t n = strlen(s);
    bool leap = n >= 19 && (s[10] == 'T' || s[10] == ' ') && s[16] == ':' && s[17] == '6' &&
                s[18] == '0';
    if (leap)
        return 0;
    if (ok && !ref_ok)
        abort(); /* accepted a day, time or offset that does not exist */
    if (!ok && ref_ok && r.has_offset)
        abort(); /* refused a correct date-time with offset */
    if (ok && r.has_offset) {
        int64_t want =
            (time_days(r.y, r.mo, r.d) * 86400 + r.h * 3600L + r.mi * 60L + r.sec - r.off_s) *
                1000 +
            r.msec;
        if (ms != want)
            abort(); /* a wrong instant */
    }
    return 0;
}

#ifndef LK_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_time_one(data, size);
}
#endif
