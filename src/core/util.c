/* Small shared helpers: clocks, ISO 8601, UUIDs, bounded copies, strict number
 * parsing and atomic file writes. */
#include "lobkiosk/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int64_t system_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The clock seam: set once at start, before any thread runs, read by every
 * lk_now_ms() without a lock. */
static lk_clock_fn now_fn = system_now_ms;
static int64_t fixed_ms;

static int64_t fixed_now_ms(void)
{
    return fixed_ms;
}

int64_t lk_now_ms(void)
{
    return now_fn();
}

void lk_clock_set(lk_clock_fn fn)
{
    now_fn = fn ? fn : system_now_ms;
}

lk_status lk_clock_from_env(void)
{
    const char *fake = getenv("LOBKIOSK_FAKE_NOW");
    if (!fake || !*fake) {
        lk_clock_set(NULL);
        return LK_OK;
    }
    int64_t ms;
    if (lk_parse_iso8601(fake, &ms) != LK_OK) {
        lk_clock_set(NULL);
        return LK_ERR_INVALID;
    }
    fixed_ms = ms;
    lk_clock_set(fixed_now_ms);
    return LK_OK;
}

int64_t lk_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void local_tm(int64_t ms, struct tm *tm)
{
    time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    localtime_r(&t, tm);
}

void lk_format_iso8601(int64_t ms, char *buf, size_t len)
{
    struct tm tm;
    local_tm(ms, &tm);
    long off = tm.tm_gmtoff / 60;
    char sign = off < 0 ? '-' : '+';
    if (off < 0)
        off = -off;
    int frac = (int)(((ms % 1000) + 1000) % 1000);
    snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%c%02ld:%02ld", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac, sign, off / 60,
             off % 60);
}

/* Reads exactly n digits at *p into *out; advances p. */
static bool digits(const char **p, int n, int *out)
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

lk_status lk_parse_iso8601(const char *s, int64_t *out_ms)
{
    if (!s || !out_ms)
        return LK_ERR_INVALID;
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0, msec = 0;
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
        !digits(&p, 2, &d))
        return LK_ERR_INVALID;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi))
            return LK_ERR_INVALID;
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &sec))
                return LK_ERR_INVALID;
            if (*p == '.') {
                p++;
                int scale = 100, nd = 0;
                while (*p >= '0' && *p <= '9') {
                    if (nd < 3)
                        msec += (*p - '0') * scale;
                    scale /= 10;
                    nd++;
                    p++;
                }
                if (nd == 0)
                    return LK_ERR_INVALID;
            }
        }
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return LK_ERR_INVALID;

    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t;
    /* mktime and timegm return -1 for a time they cannot represent (with a
     * 32-bit time_t every date from 2038 on); they set tm_wday only on success,
     * which tells that apart from 1969-12-31T23:59:59Z. */
    tm.tm_wday = -1;
    if (*p == '\0') {
        tm.tm_isdst = -1;
        t = mktime(&tm);
    } else {
        long off = 0;
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p == '-' ? -1 : 1, oh, om = 0;
            p++;
            if (!digits(&p, 2, &oh))
                return LK_ERR_INVALID;
            if (*p == ':') {
                p++;
                if (!digits(&p, 2, &om)) /* "+01:" is a cut-off offset */
                    return LK_ERR_INVALID;
            } else if (*p && !digits(&p, 2, &om)) {
                return LK_ERR_INVALID;
            }
            if (oh > 23 || om > 59) /* "+01:99" would shift the time silently */
                return LK_ERR_INVALID;
            off = sign * (oh * 3600L + om * 60L);
        } else {
            return LK_ERR_INVALID;
        }
        if (*p != '\0')
            return LK_ERR_INVALID;
        t = timegm(&tm);
        if (t != (time_t)-1 || tm.tm_wday != -1)
            t -= off;
    }
    if (t == (time_t)-1 && tm.tm_wday == -1)
        return LK_ERR_INVALID;
    if (tm.tm_mday != d && *p == '\0')
        return LK_ERR_INVALID; /* 31 February and friends */
    *out_ms = (int64_t)t * 1000 + msec;
    return LK_OK;
}

int lk_local_yyyymmdd(int64_t ms)
{
    struct tm tm;
    local_tm(ms, &tm);
    return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

void lk_format_hhmm(int64_t ms, char *buf, size_t len)
{
    struct tm tm;
    local_tm(ms, &tm);
    snprintf(buf, len, "%02d:%02d", tm.tm_hour, tm.tm_min);
}

void lk_uuid4(char *buf, size_t len)
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(buf, len,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
             b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
             b[15]);
}

bool lk_strlcpy(char *dst, const char *src, size_t len)
{
    if (len == 0)
        return false;
    size_t n = strlen(src);
    if (n >= len) {
        memcpy(dst, src, len - 1);
        dst[len - 1] = '\0';
        return false;
    }
    memcpy(dst, src, n + 1);
    return true;
}

lk_status lk_parse_long(const char *s, long min, long max, long *out)
{
    if (!s || !*s)
        return LK_ERR_INVALID;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || end == s || v < min || v > max)
        return LK_ERR_INVALID;
    *out = v;
    return LK_OK;
}

lk_status lk_read_file(const char *path, char **out, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? LK_ERR_NOT_FOUND : LK_ERR_IO;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return LK_ERR_NOMEM;
    }
    for (;;) {
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                fclose(f);
                return LK_ERR_NOMEM;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return LK_ERR_IO;
    }
    buf[n] = '\0';
    *out = buf;
    if (out_len)
        *out_len = n;
    return LK_OK;
}

lk_status lk_fsync_parent(const char *path)
{
    char dir[PATH_MAX];
    if (!lk_strlcpy(dir, path, sizeof dir))
        return LK_ERR_INVALID;
    char *slash = strrchr(dir, '/');
    if (!slash)
        lk_strlcpy(dir, ".", sizeof dir);
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return LK_ERR_IO;
    /* some file systems (vfat on old kernels) refuse fsync on a folder: not an error */
    int rc = fsync(fd) == 0 || errno == EINVAL || errno == EROFS ? 0 : -1;
    close(fd);
    return rc == 0 ? LK_OK : LK_ERR_IO;
}

lk_status lk_write_file(const char *path, const void *data, size_t len, unsigned mode,
                        bool exclusive)
{
    if (!path || !*path || (len > 0 && !data))
        return LK_ERR_INVALID;
    /* The target may be replaced, never followed: a symlink (or a folder, a device)
     * planted under its name is refused. */
    struct stat sb;
    if (lstat(path, &sb) == 0) {
        if (exclusive)
            return LK_ERR_EXISTS;
        if (!S_ISREG(sb.st_mode))
            return LK_ERR_PERMISSION;
    } else if (errno != ENOENT) {
        return LK_ERR_IO;
    }
    /* The temporary file: in the target's folder (rename stays on one file system),
     * an unpredictable name, created exclusively (mkstemp: O_CREAT|O_EXCL, mode 0600),
     * so nothing planted beside the target can be opened instead. */
    char tmp[PATH_MAX];
    const char *base = strrchr(path, '/');
    size_t dir_len = base ? (size_t)(base - path) + 1 : 0;
    base = base ? base + 1 : path;
    if (snprintf(tmp, sizeof tmp, "%.*s.%.40s.XXXXXX", (int)dir_len, path, base) >= (int)sizeof tmp)
        return LK_ERR_INVALID;
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return errno == ENOSPC                     ? LK_ERR_FULL
               : errno == EACCES || errno == EROFS ? LK_ERR_PERMISSION
                                                   : LK_ERR_IO;
    lk_status st = LK_OK;
    if (fchmod(fd, mode) != 0) /* neither umask nor mkstemp's 0600 decide the mode */
        st = LK_ERR_IO;
    const char *p = data;
    size_t left = len;
    while (st == LK_OK && left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            st = errno == ENOSPC ? LK_ERR_FULL : LK_ERR_IO;
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    if (st == LK_OK && fsync(fd) != 0)
        st = errno == ENOSPC ? LK_ERR_FULL : LK_ERR_IO;
    if (close(fd) != 0 && st == LK_OK)
        st = LK_ERR_IO;
    if (st == LK_OK) {
        if (exclusive) {
            /* link() fails if the target appeared meanwhile: no silent overwrite */
            if (link(tmp, path) != 0)
                st = errno == EEXIST ? LK_ERR_EXISTS : LK_ERR_IO;
        } else if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
            st = LK_ERR_PERMISSION; /* planted while we wrote */
        } else if (rename(tmp, path) != 0) {
            /* rename replaces a name; it never writes through a symlink */
            st = LK_ERR_IO;
        }
    }
    if (st != LK_OK || exclusive)
        unlink(tmp);
    if (st == LK_OK)
        st = lk_fsync_parent(path);
    return st;
}

lk_status lk_open_private(const char *path, int *out_fd)
{
    if (!path || !*path || !out_fd)
        return LK_ERR_INVALID;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? LK_ERR_NOT_FOUND
               : (errno == EACCES || errno == ELOOP) ? LK_ERR_PERMISSION
                                                     : LK_ERR_IO;
    /* checked on the open descriptor: the file checked is the file read */
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return LK_ERR_IO;
    }
    if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
        close(fd);
        return LK_ERR_PERMISSION;
    }
    *out_fd = fd;
    return LK_OK;
}

bool lk_utf8_valid(const void *data, size_t n)
{
    const unsigned char *s = data;
    if (!s)
        return n == 0;
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t len;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (i + len > n)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        /* overlong forms, surrogates and beyond U+10FFFF are not UTF-8 */
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
            return false;
        i += len;
    }
    return true;
}

bool lk_path_join(char *buf, size_t len, const char *dir, const char *name)
{
    size_t dl = strlen(dir);
    const char *sep = (dl > 0 && dir[dl - 1] == '/') ? "" : "/";
    int n = snprintf(buf, len, "%s%s%s", dir, sep, name);
    return n >= 0 && (size_t)n < len;
}

lk_status lk_mkdirs(const char *path, unsigned mode)
{
    char buf[PATH_MAX];
    if (!lk_strlcpy(buf, path, sizeof buf))
        return LK_ERR_INVALID;
    for (char *p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, mode ? mode : 0755) != 0 && errno != EEXIST)
                return LK_ERR_IO;
            *p = '/';
        }
    }
    if (mkdir(buf, mode ? mode : 0755) != 0 && errno != EEXIST)
        return LK_ERR_IO;
    return LK_OK;
}

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 when it is not one. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    if (len == 0 || len > n || !lk_utf8_valid(s, len))
        return 0;
    return len;
}

bool lk_log_escape_n(const void *in, size_t n, char *out, size_t len)
{
    if (!out || len == 0)
        return n == 0;
    const unsigned char *s = in;
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; s && i < n;) {
        char piece[8];
        size_t plen;
        size_t step = 1;
        unsigned char c = s[i];
        if (c == '\n' || c == '\r' || c == '\t') {
            piece[0] = '\\';
            piece[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
            plen = 2;
        } else if (c >= 0x20 && c < 0x7f) {
            piece[0] = (char)c;
            plen = 1;
        } else if (c >= 0x80 && (step = utf8_len(s + i, n - i)) > 0 &&
                   !(step == 2 && c == 0xC2 && s[i + 1] < 0xA0)) {
            memcpy(piece, s + i, step); /* readable UTF-8; C2 80..C2 9F are C1 controls */
            plen = step;
        } else {
            snprintf(piece, sizeof piece, "\\x%02x", c);
            plen = 4;
            step = 1;
        }
        if (o + plen >= len) {
            out[o] = '\0';
            return false;
        }
        memcpy(out + o, piece, plen);
        o += plen;
        i += step;
    }
    out[o] = '\0';
    return true;
}

bool lk_log_escape(const char *in, char *out, size_t len)
{
    return lk_log_escape_n(in, in ? strlen(in) : 0, out, len);
}
