/* The QR decoder: ZBar in binary mode behind a list of preprocessing passes,
 * cheapest first, stopping at the first pass that finds a code. In video mode it
 * skips scenes it has already scanned, and a cheap finder-pattern gate of its own
 * decides how much ZBar a frame gets: ZBar costs the same on an empty wall as on
 * a pass, so an idle camera must mostly not call it. */
#include "lobkiosk/decode.h"
#include "lobkiosk/util.h"

#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zbar.h>

/* Change detection works on means of BLOCK x BLOCK pixels: averaging kills most
 * sensor noise while a code entering the view still changes dozens of blocks. */
#define BLOCK 8
#define BLOCK_DIFF 12        /* grey levels a block mean must move, after drift */
#define CHANGED_FRACTION 300 /* scene changed when > blocks/300 blocks moved */
#define CHANGED_MIN 6        /* ... and at least this many */
/* Without finder evidence ZBar runs on every IDLE_EVERY-th frame, new scene or
 * not: a code the gate misses is still read, just a little later, and a scene
 * moving past the camera costs little more than the gate. */
#define IDLE_EVERY 8
/* Frames after the gate last saw finders in which their region is still read. */
#define TRACK_FRAMES 2

typedef enum pass_kind {
    PASS_HALF,     /* 2x2 box downscale: a quarter of the pixels, less noise */
    PASS_FULL,     /* the frame as it is */
    PASS_INVERTED, /* light modules on a dark ground */
    PASS_STRETCH,  /* contrast stretched between the 1st and 99th percentile */
    PASS_BINARIZE, /* local mean threshold: shadows, glare, gradients */
    PASS_UP2,      /* 2x bilinear upscale (small codes); centre region in video mode */
    PASS_QUARTER,  /* 4x4 box downscale: very large codes in big photos */
    PASS_INV_UP2,  /* small inverted codes */
    PASS_REGION,   /* video: the finder gate's region of interest, scaled to the modules */
} pass_kind;

static const char *const pass_names[] = {
    [PASS_HALF] = "half",         [PASS_FULL] = "full",
    [PASS_INVERTED] = "inverted", [PASS_STRETCH] = "stretch",
    [PASS_BINARIZE] = "binarize", [PASS_UP2] = "up2",
    [PASS_QUARTER] = "quarter",   [PASS_INV_UP2] = "inverted-up2",
    [PASS_REGION] = "region",
};

/* Still images: every pass, cheapest first. */
static const pass_kind still_passes[] = {PASS_HALF,     PASS_FULL, PASS_INVERTED,
                                         PASS_STRETCH,  PASS_BINARIZE, PASS_UP2,
                                         PASS_QUARTER,  PASS_INV_UP2};
/* Video: "half" on every scanned frame, plus one of these in turn. "full" comes
 * back every other frame because a moving pass is read best at full resolution. */
static const pass_kind video_rotation[] = {PASS_FULL, PASS_INVERTED, PASS_FULL, PASS_UP2,
                                           PASS_FULL, PASS_BINARIZE, PASS_FULL, PASS_STRETCH};
#define N_STILL (sizeof still_passes / sizeof still_passes[0])
#define N_ROTATION (sizeof video_rotation / sizeof video_rotation[0])

struct decoder {
    decode_mode mode;
    zbar_image_scanner_t *zs;
    uint8_t *work, *work2;   /* pass buffers */
    size_t work_cap, work2_cap;
    uint32_t *integral;      /* for PASS_BINARIZE */
    size_t integral_cap;
    /* video mode: the scene last scanned */
    uint16_t *thumb, *scene;
    size_t thumb_cap;
    uint16_t *thr;           /* finder gate: local threshold per block */
    size_t thr_cap;
    int scene_w, scene_h;    /* frame size of scene, 0 = none */
    unsigned scene_done;     /* bit per pass kind run on this scene */
    bool scene_found;        /* a code was found in this scene */
    size_t rot;              /* next index into video_rotation */
    int idle;                /* frames since ZBar last ran without finder evidence */
    bool scene_finders;      /* the gate saw finders in this scene */
    unsigned gate_turn;      /* alternates the gate on scenes without finders */
    /* the region around the finders the gate saw last, and how many frames ago */
    int track_x0, track_y0, track_x1, track_y1, track_total;
    int track_age;
    bool track_inverted;
};

/* A pass's image and how its coordinates map back: frame = p * num / den + off. */
typedef struct pass_image {
    const uint8_t *px;
    int w, h;
    int num, den, ox, oy;
} pass_image;

static bool grow(void **buf, size_t *cap, size_t need)
{
    if (*cap >= need)
        return true;
    void *p = realloc(*buf, need);
    if (!p)
        return false;
    *buf = p;
    *cap = need;
    return true;
}

decoder *decoder_create(decode_mode mode)
{
    decoder *dec = calloc(1, sizeof *dec);
    if (!dec)
        return NULL;
    dec->mode = mode;
    dec->idle = IDLE_EVERY - 1;
    dec->track_age = TRACK_FRAMES + 2;
    dec->zs = zbar_image_scanner_create();
    if (!dec->zs) {
        free(dec);
        return NULL;
    }
    /* QR only: camera noise read as a 1-D barcode is a classic check-in app bug. */
    zbar_image_scanner_set_config(dec->zs, 0, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(dec->zs, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    /* Raw bytes: ZBar's own character-set guess turns Shift-JIS into mojibake. */
    zbar_image_scanner_set_config(dec->zs, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
    return dec;
}

void decoder_destroy(decoder *dec)
{
    if (!dec)
        return;
    zbar_image_scanner_destroy(dec->zs);
    free(dec->work);
    free(dec->work2);
    free(dec->integral);
    free(dec->thumb);
    free(dec->scene);
    free(dec->thr);
    free(dec);
}

void decoder_reset(decoder *dec)
{
    if (!dec)
        return;
    dec->scene_w = dec->scene_h = 0;
    dec->scene_done = 0;
    dec->scene_found = false;
    dec->scene_finders = false;
    dec->idle = IDLE_EVERY - 1; /* the safety net on the first frame */
    dec->track_age = TRACK_FRAMES + 2;
}

/* ---- character sets ---------------------------------------------------- */

/* iconv from one character set to UTF-8; false when the bytes are not valid in it. */
static bool convert(const char *from, const unsigned char *raw, size_t raw_len, char *text,
                    size_t text_len, size_t *out_len)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return false;
    char *in = (char *)raw; /* iconv's prototype is not const-correct */
    size_t in_left = raw_len;
    char *out = text;
    size_t out_left = text_len - 1;
    size_t r = iconv(cd, &in, &in_left, &out, &out_left);
    bool ok = r != (size_t)-1 && in_left == 0;
    if (ok) {
        /* flush any shift state */
        ok = iconv(cd, NULL, NULL, &out, &out_left) != (size_t)-1;
    }
    iconv_close(cd);
    if (!ok)
        return false;
    *out = '\0';
    *out_len = (size_t)(out - text);
    return true;
}

bool decode_bytes_to_utf8(const unsigned char *raw, size_t raw_len, char *text, size_t text_len,
                          size_t *out_len)
{
    size_t dummy;
    if (!out_len)
        out_len = &dummy;
    *out_len = 0;
    if (!text || text_len == 0)
        return false;
    text[0] = '\0';
    if (!raw || raw_len == 0)
        return false;
    if (lk_utf8_valid(raw, raw_len) && memchr(raw, '\0', raw_len) == NULL) {
        size_t n = raw_len < text_len - 1 ? raw_len : text_len - 1;
        memcpy(text, raw, n);
        text[n] = '\0';
        *out_len = n;
        return false;
    }
    /* Japanese codes are Shift-JIS (the QR standard's Kanji mode). CP932 first:
     * it is the variant phones write, and it keeps 0x5C a backslash where strict
     * JIS X 0201 would make it a yen sign. */
    if (convert("CP932", raw, raw_len, text, text_len, out_len) ||
        convert("SHIFT_JIS", raw, raw_len, text, text_len, out_len))
        return true;
    /* ISO-8859-1 is QR's default byte-mode character set and never fails. */
    if (convert("ISO-8859-1", raw, raw_len, text, text_len, out_len))
        return true;
    text[0] = '\0';
    *out_len = 0;
    return false;
}

/* ---- pass images ------------------------------------------------------- */

static void box_down(const uint8_t *src, int w, int h, int f, uint8_t *dst, int dw, int dh)
{
    int area = f * f;
    for (int y = 0; y < dh; y++) {
        for (int x = 0; x < dw; x++) {
            unsigned sum = 0;
            for (int j = 0; j < f; j++) {
                const uint8_t *row = src + (size_t)(y * f + j) * (size_t)w + (size_t)x * (size_t)f;
                for (int i = 0; i < f; i++)
                    sum += row[i];
            }
            dst[(size_t)y * (size_t)dw + (size_t)x] = (uint8_t)((sum + (unsigned)area / 2) / (unsigned)area);
        }
    }
    (void)h;
}

/* Bilinear 2x upscale of the region (rx, ry, rw, rh) of src. */
static void up2(const uint8_t *src, int w, int rx, int ry, int rw, int rh, uint8_t *dst)
{
    int dw = rw * 2, dh = rh * 2;
    for (int y = 0; y < dh; y++) {
        /* sample centres: (y + 0.5) / 2 - 0.5, in quarter pixels */
        int sy4 = 2 * y - 1;
        int y0 = sy4 < 0 ? 0 : sy4 / 4;
        int fy = sy4 < 0 ? 0 : sy4 % 4;
        int y1 = y0 + 1 < rh ? y0 + 1 : rh - 1;
        for (int x = 0; x < dw; x++) {
            int sx4 = 2 * x - 1;
            int x0 = sx4 < 0 ? 0 : sx4 / 4;
            int fx = sx4 < 0 ? 0 : sx4 % 4;
            int x1 = x0 + 1 < rw ? x0 + 1 : rw - 1;
            const uint8_t *r0 = src + (size_t)(ry + y0) * (size_t)w + (size_t)rx;
            const uint8_t *r1 = src + (size_t)(ry + y1) * (size_t)w + (size_t)rx;
            int top = r0[x0] * (4 - fx) + r0[x1] * fx;
            int bot = r1[x0] * (4 - fx) + r1[x1] * fx;
            dst[(size_t)y * (size_t)dw + (size_t)x] = (uint8_t)((top * (4 - fy) + bot * fy + 8) / 16);
        }
    }
}

static void stretch(const uint8_t *src, size_t n, uint8_t *dst)
{
    size_t hist[256] = {0};
    for (size_t i = 0; i < n; i++)
        hist[src[i]]++;
    size_t cut = n / 100, acc = 0;
    int lo = 0, hi = 255;
    for (lo = 0; lo < 255 && acc + hist[lo] <= cut; lo++)
        acc += hist[lo];
    acc = 0;
    for (hi = 255; hi > 0 && acc + hist[hi] <= cut; hi--)
        acc += hist[hi];
    if (hi <= lo) {
        memcpy(dst, src, n);
        return;
    }
    uint8_t lut[256];
    for (int v = 0; v < 256; v++) {
        int o = (v - lo) * 255 / (hi - lo);
        lut[v] = (uint8_t)(o < 0 ? 0 : o > 255 ? 255 : o);
    }
    for (size_t i = 0; i < n; i++)
        dst[i] = lut[src[i]];
}

static bool binarize(decoder *dec, const uint8_t *src, int w, int h, uint8_t *dst)
{
    size_t iw = (size_t)w + 1;
    if (!grow((void **)&dec->integral, &dec->integral_cap, iw * ((size_t)h + 1) * sizeof(uint32_t)))
        return false;
    uint32_t *ii = dec->integral;
    memset(ii, 0, iw * sizeof *ii);
    for (int y = 0; y < h; y++) {
        uint32_t row = 0;
        ii[(size_t)(y + 1) * iw] = 0;
        for (int x = 0; x < w; x++) {
            row += src[(size_t)y * (size_t)w + (size_t)x];
            ii[(size_t)(y + 1) * iw + (size_t)x + 1] = ii[(size_t)y * iw + (size_t)x + 1] + row;
        }
    }
    /* a window of about 1/8 of the smaller side: larger than a module, smaller
     * than a shadow */
    int r = (w < h ? w : h) / 16;
    if (r < 4)
        r = 4;
    for (int y = 0; y < h; y++) {
        int y0 = y - r < 0 ? 0 : y - r, y1 = y + r + 1 > h ? h : y + r + 1;
        for (int x = 0; x < w; x++) {
            int x0 = x - r < 0 ? 0 : x - r, x1 = x + r + 1 > w ? w : x + r + 1;
            uint32_t sum = ii[(size_t)y1 * iw + (size_t)x1] - ii[(size_t)y0 * iw + (size_t)x1] -
                           ii[(size_t)y1 * iw + (size_t)x0] + ii[(size_t)y0 * iw + (size_t)x0];
            uint32_t cnt = (uint32_t)((y1 - y0) * (x1 - x0));
            /* slightly below the mean, so flat areas come out white */
            unsigned v = src[(size_t)y * (size_t)w + (size_t)x];
            dst[(size_t)y * (size_t)w + (size_t)x] = (uint8_t)(v * cnt * 100 < sum * 93 ? 0 : 255);
        }
    }
    return true;
}

/* Prepares the image of pass k; false when the pass does not apply to this frame
 * size (or memory ran out, which then simply skips the pass). */
static bool make_pass(decoder *dec, pass_kind k, const lk_frame *f, pass_image *pi)
{
    int w = f->width, h = f->height;
    size_t n = (size_t)w * (size_t)h;
    *pi = (pass_image){.px = f->grey, .w = w, .h = h, .num = 1, .den = 1};
    switch (k) {
    case PASS_FULL:
        return true;
    case PASS_REGION: /* try_region() */
        return false;
    case PASS_HALF:
    case PASS_QUARTER: {
        int s = k == PASS_HALF ? 2 : 4;
        /* below ~100 pixels a code has too few pixels per module to survive */
        if (w / s < 100 || h / s < 100)
            return false;
        if (k == PASS_QUARTER && (w < 1000 && h < 1000))
            return false;
        if (!grow((void **)&dec->work, &dec->work_cap, n))
            return false;
        box_down(f->grey, w, h, s, dec->work, w / s, h / s);
        *pi = (pass_image){.px = dec->work, .w = w / s, .h = h / s, .num = s, .den = 1};
        return true;
    }
    case PASS_INVERTED:
        if (!grow((void **)&dec->work, &dec->work_cap, n))
            return false;
        for (size_t i = 0; i < n; i++)
            dec->work[i] = (uint8_t)(255 - f->grey[i]);
        pi->px = dec->work;
        return true;
    case PASS_STRETCH:
        if (!grow((void **)&dec->work, &dec->work_cap, n))
            return false;
        stretch(f->grey, n, dec->work);
        pi->px = dec->work;
        return true;
    case PASS_BINARIZE:
        if (!grow((void **)&dec->work, &dec->work_cap, n) || !binarize(dec, f->grey, w, h, dec->work))
            return false;
        pi->px = dec->work;
        return true;
    case PASS_UP2:
    case PASS_INV_UP2: {
        int rx = 0, ry = 0, rw = w, rh = h;
        /* Whole frame for small images; the centre (where people hold their pass)
         * for larger ones, so the pass costs no more than "full". */
        if ((size_t)w * (size_t)h > 640u * 480u || dec->mode == DECODE_VIDEO) {
            if (k == PASS_INV_UP2 || (size_t)w * (size_t)h > 2048u * 1536u)
                return false;
            rw = w / 2;
            rh = h / 2;
            rx = w / 4;
            ry = h / 4;
        }
        if (rw < 16 || rh < 16)
            return false;
        size_t need = (size_t)rw * (size_t)rh * 4;
        if (!grow((void **)&dec->work, &dec->work_cap, need))
            return false;
        const uint8_t *src = f->grey;
        if (k == PASS_INV_UP2) {
            if (!grow((void **)&dec->work2, &dec->work2_cap, n))
                return false;
            for (size_t i = 0; i < n; i++)
                dec->work2[i] = (uint8_t)(255 - f->grey[i]);
            src = dec->work2;
        }
        up2(src, w, rx, ry, rw, rh, dec->work);
        *pi = (pass_image){.px = dec->work, .w = rw * 2, .h = rh * 2, .num = 1, .den = 2,
                           .ox = rx, .oy = ry};
        return true;
    }
    }
    return false;
}

static long area_of(const decode_symbol *s)
{
    /* shoelace over the 4 corners */
    long a = 0;
    for (int i = 0; i < 4; i++) {
        const lk_point *p = &s->corners[i], *q = &s->corners[(i + 1) % 4];
        a += (long)p->x * q->y - (long)q->x * p->y;
    }
    return a < 0 ? -a : a;
}

/* Runs ZBar on one pass image; appends the codes to out. Returns codes found. */
static size_t run_pass(decoder *dec, const pass_image *pi, decode_result *out)
{
    zbar_image_t *img = zbar_image_create();
    if (!img)
        return 0;
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, (unsigned)pi->w, (unsigned)pi->h);
    zbar_image_set_data(img, pi->px, (unsigned long)pi->w * (unsigned long)pi->h, NULL);
    int r = zbar_scan_image(dec->zs, img);
    size_t found = 0;
    if (r > 0) {
        for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s; s = zbar_symbol_next(s)) {
            if (zbar_symbol_get_type(s) != ZBAR_QRCODE || out->n >= DECODE_MAX_SYMBOLS)
                continue;
            unsigned len = zbar_symbol_get_data_length(s);
            const char *data = zbar_symbol_get_data(s);
            if (!data || len == 0 || len > DECODE_RAW_MAX)
                continue;
            decode_symbol *d = &out->sym[out->n];
            memcpy(d->raw, data, len);
            d->raw_len = len;
            d->text_converted =
                decode_bytes_to_utf8(d->raw, len, d->text, sizeof d->text, &d->text_len);
            unsigned nloc = zbar_symbol_get_loc_size(s);
            for (unsigned i = 0; i < 4; i++) {
                unsigned j = nloc ? (i < nloc ? i : nloc - 1) : 0;
                int x = nloc ? zbar_symbol_get_loc_x(s, j) : 0;
                int y = nloc ? zbar_symbol_get_loc_y(s, j) : 0;
                d->corners[i].x = x * pi->num / pi->den + pi->ox;
                d->corners[i].y = y * pi->num / pi->den + pi->oy;
            }
            out->n++;
            found++;
        }
    }
    zbar_image_destroy(img);
    if (found > 1) {
        /* largest first: the code held closest to the camera */
        for (size_t i = 1; i < out->n; i++)
            for (size_t j = i; j > 0 && area_of(&out->sym[j]) > area_of(&out->sym[j - 1]); j--) {
                decode_symbol tmp;
                memcpy(&tmp, &out->sym[j], sizeof tmp);
                memcpy(&out->sym[j], &out->sym[j - 1], sizeof tmp);
                memcpy(&out->sym[j - 1], &tmp, sizeof tmp);
            }
    }
    return found;
}

static bool try_pass(decoder *dec, pass_kind k, const lk_frame *f, decode_result *out)
{
    pass_image pi;
    out->pass = pass_names[k];
    dec->scene_done |= 1u << k; /* tried on this scene, even when it does not apply */
    if (!make_pass(dec, k, f, &pi))
        return false;
    out->passes_run++;
    return run_pass(dec, &pi, out) > 0;
}

/* ---- change detection -------------------------------------------------- */

/* Block means of the frame into dec->thumb; true when the scene differs from the
 * one last scanned. A uniform brightness drift (auto exposure, clouds) is removed
 * before comparing, so it alone never counts as a change. */
static bool scene_changed(decoder *dec, const lk_frame *f)
{
    int bw = f->width / BLOCK, bh = f->height / BLOCK;
    size_t nb = (size_t)bw * (size_t)bh;
    if (nb == 0)
        return true;
    if (dec->thumb_cap < nb * sizeof(uint16_t)) {
        /* thumb_cap stays 0 until both buffers have grown: the caller copies the
         * thumb into the scene only then (matters when out of memory only) */
        dec->thumb_cap = 0;
        dec->scene_w = 0;
        uint16_t *t = realloc(dec->thumb, nb * sizeof *t);
        if (!t)
            return true;
        dec->thumb = t;
        uint16_t *s = realloc(dec->scene, nb * sizeof *s);
        if (!s)
            return true;
        dec->scene = s;
        dec->thumb_cap = nb * sizeof(uint16_t);
        dec->scene_w = 0;
    }
    for (int by = 0; by < bh; by++) {
        uint32_t acc[4096 / BLOCK];
        int cols = bw < (int)(sizeof acc / sizeof acc[0]) ? bw : (int)(sizeof acc / sizeof acc[0]);
        memset(acc, 0, sizeof acc);
        for (int j = 0; j < BLOCK; j++) {
            const uint8_t *row = f->grey + (size_t)(by * BLOCK + j) * (size_t)f->width;
            for (int bx = 0; bx < cols; bx++) {
                const uint8_t *p = row + bx * BLOCK;
                acc[bx] += (uint32_t)p[0] + p[1] + p[2] + p[3] + p[4] + p[5] + p[6] + p[7];
            }
        }
        for (int bx = 0; bx < bw; bx++)
            dec->thumb[(size_t)by * (size_t)bw + (size_t)bx] =
                (uint16_t)(bx < cols ? acc[bx] / (BLOCK * BLOCK / 4) : 0); /* 4x grey */
    }
    if (dec->scene_w != f->width || dec->scene_h != f->height)
        return true;
    long drift = 0;
    for (size_t i = 0; i < nb; i++)
        drift += (long)dec->thumb[i] - (long)dec->scene[i];
    drift /= (long)nb;
    size_t moved = 0, limit = nb / CHANGED_FRACTION;
    if (limit < CHANGED_MIN)
        limit = CHANGED_MIN;
    for (size_t i = 0; i < nb; i++) {
        long d = (long)dec->thumb[i] - (long)dec->scene[i] - drift;
        if (d > BLOCK_DIFF * 4 || d < -BLOCK_DIFF * 4)
            if (++moved > limit)
                return true;
    }
    return false;
}

/* ---- finder-pattern gate ----------------------------------------------- */

/* A QR code's three finder patterns read 1:1:3:1:1 (dark, light, dark, light,
 * dark) along any line through their centre, whatever the rotation. Looking for
 * that on every other row costs a fraction of one ZBar pass, so a scene without
 * it gets ZBar only now and then, and one with it gets ZBar on the region around
 * the finders (and the whole frame when that reads nothing). Both polarities
 * count (light codes on dark screens). */
#define GATE_ROW_STEP 2     /* rows scanned: a 2-pixel-module finder spans 14 rows */
#define GATE_MARGIN 6       /* grey levels around the local mean that keep the class */
#define GATE_HALF_TOTAL 42  /* finders this wide (6 px modules) are read at half size */
#define GATE_SMALL_TOTAL 21 /* finders narrower (modules under 3 px) get a pixel of slack */
#define GATE_LONE_ROWS 2    /* rows that make one finder evidence enough */
#define GATE_MAX_FINDERS 16 /* distinct finders kept per frame */
#define GATE_BUSY 8         /* finders that make a frame a texture */
#define GATE_TEXTURE_ROWS 8 /* rows a texture's best finders need for a look at them */
#define GATE_MIN_TOTAL 10   /* pixels across a finder: ZBar needs 1.5 per module */

typedef struct finder {
    int x, y, total; /* centre and width across (7 modules) */
    int rows;        /* scanned rows that confirmed it */
    int dark;        /* 1: a dark centre, 0: a light one (an inverted code) */
} finder;

/* What the gate saw: the region of interest around the finders found. */
typedef struct gate_result {
    int n;              /* candidate codes (0: nothing code-like) */
    bool strong;        /* not a texture: worth the whole frame if the region is not read */
    bool inverted;      /* light finders on a dark ground */
    int x0, y0, x1, y1; /* the region in frame pixels, x1 and y1 excluded */
    int total;          /* the candidate's finder width (7 modules) */
    int rows;           /* scanned rows that saw its finders */
    long area;          /* of the region, before clipping to the frame */
    bool three;         /* from three finders: the code itself, not the room it may need */
} gate_result;

/* 1:1:3:1:1 within half a module per run, as ZXing checks it; slack adds that
 * many pixels, since with modules of 2-3 pixels an edge pixel on the wrong side
 * of a slightly biased threshold is a third of a module. */
static bool finder_ratio(const int r[5], int slack)
{
    int total = r[0] + r[1] + r[2] + r[3] + r[4];
    if (total < GATE_MIN_TOTAL)
        return false;
    for (int i = 0; i < 5; i++) {
        int want = i == 2 ? 3 * total : total; /* run * 7 vs module * 7 */
        int tol = i == 2 ? 3 * total : total;  /* twice the run's tolerance, times 7 */
        if (2 * abs(7 * r[i] - want) >= tol + 14 * slack)
            return false;
    }
    return true;
}

/* Local threshold map: the mean of the 5x5 block means around each block (4x
 * grey, like the thumb). Wide enough to straddle a finder of 8-pixel modules. */
static bool gate_thresholds(decoder *dec, int bw, int bh)
{
    size_t nb = (size_t)bw * (size_t)bh;
    if (!grow((void **)&dec->thr, &dec->thr_cap, nb * sizeof *dec->thr))
        return false;
    for (int by = 0; by < bh; by++)
        for (int bx = 0; bx < bw; bx++) {
            unsigned sum = 0, cnt = 0;
            for (int j = by - 2; j <= by + 2; j++)
                for (int i = bx - 2; i <= bx + 2; i++)
                    if (j >= 0 && i >= 0 && j < bh && i < bw) {
                        sum += dec->thumb[(size_t)j * (size_t)bw + (size_t)i];
                        cnt++;
                    }
            dec->thr[(size_t)by * (size_t)bw + (size_t)bx] = (uint16_t)(sum / cnt / 4);
        }
    return true;
}

/* Class of pixel v against threshold t with hysteresis: 1 dark, 0 light; values
 * near the threshold keep the previous class, so sensor noise does not split runs. */
static inline int klass(int v, int t, int prev)
{
    if (v < t - GATE_MARGIN)
        return 1;
    if (v > t + GATE_MARGIN)
        return 0;
    return prev;
}

/* Checks 1:1:3:1:1 along the line through (x, y) with step (dx, dy), both ways
 * from the centre; *off is how far the run's middle lies from (x, y) in steps. */
static bool finder_cross(const decoder *dec, const lk_frame *f, int x, int y, int dx, int dy,
                         int centre, int htotal, int *off)
{
    int bw = f->width / BLOCK, bh = f->height / BLOCK;
    int back[3] = {0}, fwd[3] = {0};
    int limit = htotal * 2;
    for (int dir = -1; dir <= 1; dir += 2) {
        int *r = dir < 0 ? back : fwd;
        int k = 0, prev = centre;
        int xx = x, yy = y;
        for (int n = 0; xx >= 0 && yy >= 0 && xx < bw * BLOCK && yy < bh * BLOCK && n < limit;
             n++, xx += dir * dx, yy += dir * dy) {
            int b = (yy / BLOCK) * bw + xx / BLOCK;
            int c = klass(f->grey[(size_t)yy * (size_t)f->width + (size_t)xx], dec->thr[b], prev);
            if (c != prev) {
                if (++k == 3)
                    break;
                prev = c;
            }
            r[k]++;
        }
        if (k < 2 || r[0] == 0 || r[2] == 0)
            return false;
    }
    int v[5] = {back[2], back[1], back[0] + fwd[0] - 1, fwd[1], fwd[2]};
    int total = v[0] + v[1] + v[2] + v[3] + v[4];
    /* a line at another angle through a rotated finder is up to 1.41x longer */
    /* down, where the row check found a clean pattern, one pixel of slack */
    if (!finder_ratio(v, dx == 0) || total * 2 < htotal || total > htotal * 2)
        return false;
    *off = (fwd[0] - back[0]) / 2;
    return true;
}

/* Two finders that can belong to one code: the same polarity, similar widths, and
 * a distance one code's finders can have: 14 (version 1) to 170 (version 40)
 * modules, with a little slack for perspective. */
static bool finder_pair(const finder *a, const finder *b)
{
    if (a->dark != b->dark || a->total * 2 < b->total || b->total * 2 < a->total)
        return false;
    long dx = a->x - b->x, dy = a->y - b->y;
    long d2 = dx * dx + dy * dy, m = (a->total + b->total) / 2; /* 7 modules */
    return d2 * 49 >= 100 * m * m && d2 * 49 <= 180L * 180 * m * m;
}

static long dist2(const finder *a, const finder *b)
{
    long dx = a->x - b->x, dy = a->y - b->y;
    return dx * dx + dy * dy;
}

/* Three finders as a code has them: a right angle at b with legs of about the
 * same length (perspective allowing). */
static bool finder_corner(const finder *a, const finder *b, const finder *c)
{
    long ab = dist2(a, b), cb = dist2(c, b), ac = dist2(a, c);
    long dot = (long)(a->x - b->x) * (c->x - b->x) + (long)(a->y - b->y) * (c->y - b->y);
    /* legs within 1.5x of each other (squared: 2.25x); cos of the angle under 0.25 */
    return ab * 9 <= cb * 4 * 4 && cb * 9 <= ab * 4 * 4 && ac * 10 >= (ab + cb) * 8 &&
           dot * dot * 16 <= ab * cb;
}

/* Offers a candidate's region: the one seen on the most rows wins, the smaller
 * one on a tie (a stray finder far off makes a pair with a large region). */
static void roi_offer(gate_result *g, long x0, long y0, long x1, long y1, int total, bool inverted,
                      int rows, bool three)
{
    long area = (x1 - x0) * (y1 - y0);
    if (g->n++ > 0 && (rows < g->rows || (rows == g->rows && area >= g->area)))
        return;
    *g = (gate_result){.n = g->n,
                       .three = three,
                       .inverted = inverted,
                       .x0 = (int)x0,
                       .y0 = (int)y0,
                       .x1 = (int)x1,
                       .y1 = (int)y1,
                       .total = total,
                       .rows = rows,
                       .area = area};
}

/* The region a code around these finders can cover, from the best evidence there
 * is: three finders pin the code down (their corner, the fourth corner opposite,
 * 7 modules around for the finders themselves and a quiet zone); two leave the
 * side the code lies on open; a lone one, its size (a pass is 41 modules across;
 * 55 modules around its finder cover it in any direction). */
static void gate_region(const finder *fs, int nf, gate_result *g)
{
    g->n = 0;

    for (int b = 0; b < nf; b++)
        for (int a = 0; a < nf; a++)
            for (int c = a + 1; c < nf; c++) {
                int rows = fs[a].rows + fs[b].rows + fs[c].rows;
                /* noise makes one-row finders: at most one of the three */
                if (a == b || c == b || rows < 5 || !finder_pair(&fs[a], &fs[b]) ||
                    !finder_pair(&fs[c], &fs[b]) || !finder_corner(&fs[a], &fs[b], &fs[c]))
                    continue;
                long dx = fs[a].x + fs[c].x - fs[b].x, dy = fs[a].y + fs[c].y - fs[b].y;
                long x0 = fs[b].x, x1 = fs[b].x, y0 = fs[b].y, y1 = fs[b].y;
                const long xs[3] = {fs[a].x, fs[c].x, dx}, ys[3] = {fs[a].y, fs[c].y, dy};
                for (int i = 0; i < 3; i++) {
                    x0 = xs[i] < x0 ? xs[i] : x0;
                    x1 = xs[i] > x1 ? xs[i] : x1;
                    y0 = ys[i] < y0 ? ys[i] : y0;
                    y1 = ys[i] > y1 ? ys[i] : y1;
                }
                int m = (fs[a].total + fs[b].total + fs[c].total) / 3;
                long e = m + (x1 - x0 + y1 - y0) / 16; /* a margin for perspective */
                roi_offer(g, x0 - e, y0 - e, x1 + e + 1, y1 + e + 1, m, !fs[b].dark, rows,
                          true);
            }
    if (g->n)
        return;
    for (int a = 0; a < nf; a++)
        for (int b = a + 1; b < nf; b++) {
            if (fs[a].rows < 2 || fs[b].rows < 2 || !finder_pair(&fs[a], &fs[b]))
                continue;
            long mx = (fs[a].x + fs[b].x) / 2, my = (fs[a].y + fs[b].y) / 2;
            int m = (fs[a].total + fs[b].total) / 2;
            long r = ((long)sqrt((double)dist2(&fs[a], &fs[b])) + m) * 6 / 5 + m;
            roi_offer(g, mx - r, my - r, mx + r + 1, my + r + 1, m, !fs[a].dark,
                      fs[a].rows + fs[b].rows, false);
        }
    if (g->n)
        return;
    for (int a = 0; a < nf && nf < GATE_BUSY; a++) {
        if (fs[a].rows < GATE_LONE_ROWS)
            continue;
        long r = (long)fs[a].total * 55 / 7;
        roi_offer(g, fs[a].x - r, fs[a].y - r, fs[a].x + r + 1, fs[a].y + r + 1, fs[a].total,
                  !fs[a].dark, fs[a].rows, false);
    }
}

/* Looks for finder patterns on every other row and fills *g with the region of
 * interest around them (g->n == 0: nothing code-like). Each finder is confirmed
 * across, down and diagonally. */
static void finder_gate(decoder *dec, const lk_frame *f, gate_result *g)
{
    *g = (gate_result){0};
    int bw = f->width / BLOCK, bh = f->height / BLOCK;
    if (bw < 1 || bh < 1 || !gate_thresholds(dec, bw, bh)) {
        /* cannot tell: the whole frame */
        *g = (gate_result){
            .n = 1, .strong = true, .x1 = f->width, .y1 = f->height, .total = GATE_MIN_TOTAL};
        return;
    }
    finder fs[GATE_MAX_FINDERS];
    int nf = 0;
    int w = bw * BLOCK;
    for (int y = GATE_ROW_STEP / 2; y < bh * BLOCK; y += GATE_ROW_STEP) {
        const uint8_t *row = f->grey + (size_t)y * (size_t)f->width;
        const uint16_t *trow = dec->thr + (size_t)(y / BLOCK) * (size_t)bw;
        int r[5] = {0}, prev = klass(row[0], trow[0], 0), len = 0;
        int lo = 0, hi = 0;
        for (int x = 0; x < w; x++) {
            if ((x & (BLOCK - 1)) == 0) {
                lo = trow[x / BLOCK] - GATE_MARGIN;
                hi = trow[x / BLOCK] + GATE_MARGIN;
            }
            /* klass() without its branches: this loop is most of the gate's time */
            int v = row[x];
            int flip = prev ? v > hi : v < lo;
            if (!flip) {
                len++;
                continue;
            }
            int c = prev ^ 1;
            /* a run ended at x: shift it in and test the last five */
            r[0] = r[1];
            r[1] = r[2];
            r[2] = r[3];
            r[3] = r[4];
            r[4] = len;
            len = 1;
            prev = c;
            /* most runs fail here already: the centre is the longest of the five */
            if (r[2] < 3 || r[2] <= r[1] || r[2] <= r[3] || r[0] == 0 ||
                !finder_ratio(r, r[0] + r[1] + r[2] + r[3] + r[4] < GATE_SMALL_TOTAL))
                continue;
            int centre = 1 - c; /* the class of the run that ended, like the centre's */
            int cx = x - r[4] - r[3] - (r[2] + 1) / 2;
            int total = r[0] + r[1] + r[2] + r[3] + r[4];
            int oy, od;
            if (!finder_cross(dec, f, cx, y, 0, 1, centre, total, &oy))
                continue;
            int cy = y + oy;
            if (!finder_cross(dec, f, cx, cy, 1, 1, centre, total, &od))
                continue;
            int hit = -1;
            for (int i = 0; i < nf && hit < 0; i++)
                if (abs(fs[i].x - cx) * 7 < fs[i].total * 2 && abs(fs[i].y - cy) * 7 < fs[i].total * 2)
                    hit = i;
            if (hit >= 0) {
                fs[hit].rows++;
                continue;
            }
            /* when full, a one-row candidate already passed by gives way, so noise
             * seen first cannot crowd out a real finder below it */
            int slot = nf < GATE_MAX_FINDERS ? nf++ : -1;
            for (int i = 0; i < nf && slot < 0; i++)
                if (fs[i].rows < 2 && fs[i].y + fs[i].total < y)
                    slot = i;
            if (slot >= 0)
                fs[slot] = (finder){cx, cy, total, 1, centre};
        }
    }
    gate_region(fs, nf, g);
    /* a frame with finder-like specks all over is a texture (gravel, carpet,
     * noise), where even three finders can be chance: their region is read, but
     * not the whole frame after it. A code's own specks lie inside its region. */
    int outside = 0;
    for (int i = 0; i < nf; i++)
        outside += fs[i].x < g->x0 || fs[i].x >= g->x1 || fs[i].y < g->y0 || fs[i].y >= g->y1;
    g->strong = nf < GATE_BUSY || outside < GATE_BUSY / 2;
    if (g->n == 0)
        return;
    g->x0 = g->x0 < 0 ? 0 : g->x0;
    g->y0 = g->y0 < 0 ? 0 : g->y0;
    g->x1 = g->x1 > f->width ? f->width : g->x1;
    g->y1 = g->y1 > f->height ? f->height : g->y1;
}

/* ---- scanning ---------------------------------------------------------- */

/* Runs ZBar on the gate's region of interest alone, at the original resolution
 * for small modules (2 px modules do not survive a downscale) and downscaled for
 * large ones (to 3 px a module or more). A region covering most of the frame is
 * the frame itself. */
static bool try_region(decoder *dec, const gate_result *g, const lk_frame *f, decode_result *out)
{
    int s = g->total >= GATE_HALF_TOTAL * 2 ? 4 : g->total >= GATE_HALF_TOTAL ? 2 : 1;
    int rw = (g->x1 - g->x0) / s, rh = (g->y1 - g->y0) / s;
    out->pass = pass_names[PASS_REGION];
    if (rw < 16 || rh < 16)
        return false;
    /* most of the frame: the frame itself, unless three finders say the code is
     * that large (then a downscaled region reads it for a fraction) */
    if ((s == 1 || !g->three) && (long)rw * s * rh * s * 10 >= (long)f->width * f->height * 6)
        return try_pass(dec, g->inverted ? PASS_INVERTED : PASS_FULL, f, out);
    dec->scene_done |= 1u << PASS_REGION;
    if (!grow((void **)&dec->work, &dec->work_cap, (size_t)rw * (size_t)rh))
        return false;
    const uint8_t *src = f->grey + (size_t)g->y0 * (size_t)f->width + (size_t)g->x0;
    if (s == 1)
        for (int y = 0; y < rh; y++)
            memcpy(dec->work + (size_t)y * (size_t)rw, src + (size_t)y * (size_t)f->width,
                   (size_t)rw);
    else
        box_down(src, f->width, rh * s, s, dec->work, rw, rh);
    if (g->inverted)
        for (size_t i = 0; i < (size_t)rw * (size_t)rh; i++)
            dec->work[i] = (uint8_t)(255 - dec->work[i]);
    pass_image pi = {
        .px = dec->work, .w = rw, .h = rh, .num = s, .den = 1, .ox = g->x0, .oy = g->y0};
    out->passes_run++;
    return run_pass(dec, &pi, out) > 0;
}

/* The next pass of the rotation not yet run on this scene; -1 when all have. */
static int next_rotation(decoder *dec)
{
    for (size_t tries = 0; tries < N_ROTATION; tries++) {
        pass_kind k = video_rotation[dec->rot];
        dec->rot = (dec->rot + 1) % N_ROTATION;
        if (!(dec->scene_done & (1u << k)))
            return (int)k;
    }
    return -1;
}

lk_status decoder_scan(decoder *dec, const lk_frame *frame, decode_result *out)
{
    if (!dec || !frame || !out)
        return LK_ERR_INVALID;
    out->skipped = false;
    out->n = 0;
    out->pass = "none";
    out->passes_run = 0;
    out->finders = false;
    if (!frame->grey || frame->width <= 0 || frame->height <= 0 || frame->width > 16384 ||
        frame->height > 16384)
        return LK_ERR_INVALID;

    if (dec->mode == DECODE_STILL) {
        for (size_t i = 0; i < N_STILL; i++)
            if (try_pass(dec, still_passes[i], frame, out))
                return LK_OK;
        return LK_OK;
    }

    bool changed = scene_changed(dec, frame);
    unsigned all = 1u << PASS_HALF;
    for (size_t i = 0; i < N_ROTATION; i++)
        all |= 1u << video_rotation[i];
    if (changed) {
        size_t nb = (size_t)(frame->width / BLOCK) * (size_t)(frame->height / BLOCK);
        /* thumb_cap covers both buffers only after both were grown for this size */
        bool have = dec->scene && nb > 0 && dec->thumb_cap >= nb * sizeof *dec->scene;
        if (have)
            memcpy(dec->scene, dec->thumb, nb * sizeof *dec->scene);
        dec->scene_w = have ? frame->width : 0;
        dec->scene_h = frame->height;
        dec->scene_done = 0;
        dec->scene_found = false;
    } else if (dec->scene_found || (dec->scene_done & all) == all) {
        /* the same scene: done once a code was read, or once every pass ran */
        out->skipped = true;
        return LK_OK;
    }
    /* The gate on every new scene, on every frame of one that showed finders,
     * and on every other frame of a scene that did not: a code coming into view
     * changes the scene, so the skipped looks cost nothing but a frame of delay. */
    gate_result g = {0};
    if (changed || dec->scene_finders || (dec->gate_turn++ & 1))
        finder_gate(dec, frame, &g);
    /* finders in a texture are chance: their region is read, nothing more */
    out->finders = g.n > 0 && g.strong;
    bool tracked = false;
    if (changed)
        dec->scene_finders = out->finders;
    else
        dec->scene_finders |= out->finders;
    if (out->finders) {
        dec->track_x0 = g.x0, dec->track_y0 = g.y0, dec->track_x1 = g.x1, dec->track_y1 = g.y1;
        dec->track_total = g.total;
        dec->track_inverted = g.inverted;
        dec->track_age = 0;
    } else if (g.n == 0 && ++dec->track_age <= TRACK_FRAMES && changed) {
        tracked = true;
        /* a hand moving fast blurs the finders out of one frame: where they were
         * a frame or two ago, a little wider, is still worth a region (and only
         * that: without finders the whole frame is not) */
        int grow_by = (dec->track_x1 - dec->track_x0) / 8 + 8;
        g = (gate_result){
            .n = 1,
            .strong = false,
            .inverted = dec->track_inverted,
            .x0 = dec->track_x0 - grow_by < 0 ? 0 : dec->track_x0 - grow_by,
            .y0 = dec->track_y0 - grow_by < 0 ? 0 : dec->track_y0 - grow_by,
            .x1 = dec->track_x1 + grow_by > frame->width ? frame->width : dec->track_x1 + grow_by,
            .y1 = dec->track_y1 + grow_by > frame->height ? frame->height : dec->track_y1 + grow_by,
            .total = dec->track_total};
    }
    bool found = false;
    if (out->finders) {
        /* something code-like: ZBar on its region first; when that misses, what
         * plain ZBar runs (the whole frame as it is), so no frame it reads is
         * lost; on a scene that already had that, the other passes in turn */
        dec->idle = 0;
        if (!(dec->scene_done & (1u << PASS_REGION)))
            found = try_region(dec, &g, frame, out);
        pass_kind plain = g.inverted ? PASS_INVERTED : PASS_FULL;
        if (!found && !(dec->scene_done & (1u << plain))) {
            found = try_pass(dec, plain, frame, out);
        } else if (!found && out->passes_run == 0) {
            int k = next_rotation(dec);
            if (k >= 0)
                found = try_pass(dec, (pass_kind)k, frame, out);
        }
    } else {
        /* the last frame's region, or finders in a texture seen on many rows
         * (a code in front of gravel): once per scene */
        if (g.n > 0 && (tracked || g.rows >= GATE_TEXTURE_ROWS) &&
            !(dec->scene_done & (1u << PASS_REGION)))
            found = try_region(dec, &g, frame, out);
        if (!found && ++dec->idle >= IDLE_EVERY) {
            /* nothing code-like: one pass now and then, moving scene or not, a
             * safety net for a code the gate does not see (the cheap one first) */
            dec->idle = 0;
            if (!(dec->scene_done & (1u << PASS_HALF))) {
                found = try_pass(dec, PASS_HALF, frame, out);
            } else {
                int k = next_rotation(dec);
                if (k >= 0)
                    found = try_pass(dec, (pass_kind)k, frame, out);
            }
        } else if (!found && out->passes_run == 0) {
            out->pass = "gate";
        }
    }
    if (found)
        dec->scene_found = true;
    return LK_OK;
}
