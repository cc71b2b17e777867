/* Drawing helpers for the kiosk: fonts (SDL2_ttf) opened from memory once per
 * size, a small cache of rendered text textures so a redraw costs little, text
 * fitting with a record of every draw for the overflow check, and shapes made
 * of SDL_RenderGeometry triangles so icons need no image files. */
#include "ui/draw.h"

#include <SDL_image.h>
#include <SDL_ttf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lobkiosk/util.h"

#define FONT_SLOTS 12      /* open (size, weight) pairs */
#define TEXT_SLOTS 160     /* cached text textures */
#define TEXT_BUDGET (16u << 20) /* bytes of cached text textures at most */
#define MAX_RECORDS 256    /* text draws per frame */
#define MAX_LINES 12       /* lines of one text */
#define LAYOUT_SLOTS 128   /* cached text layouts (wrap, shrink, ellipsis) */
#define LINE_MAX 512       /* bytes of one line */

typedef struct font_slot {
    TTF_Font *font; /* NULL = free */
    int size;       /* pixel size */
    bool bold;      /* weight */
    unsigned used;  /* last use, for eviction */
} font_slot;

typedef struct line_span {
    size_t start, len; /* bytes of the text */
} line_span;

/* How a text was fitted into a box: the measuring (wrap, shrink, ellipsis) done
 * once, not every frame. Keyed by the text itself, the box size and the style, so
 * a language change or new words can never reuse a stale layout; old ones fall
 * out of the bounded LRU. */
typedef struct layout_slot {
    char *text;                 /* heap copy of the key text, NULL = free */
    int box_w, box_h;           /* the box's size */
    int want, max_lines;        /* the style's size and line limit */
    bool bold;                  /* weight */
    int size;                   /* the size it was set in */
    size_t n;                   /* lines */
    line_span lines[MAX_LINES]; /* spans of text */
    bool cut;                   /* the last line is ellipsized */
    char *last;                 /* the ellipsized last line (heap), when cut */
    unsigned used;              /* last use */
} layout_slot;

typedef struct text_slot {
    SDL_Texture *tex; /* NULL = free */
    char *text;       /* heap copy of the key text */
    int size;         /* pixel size */
    bool bold;        /* weight */
    Uint32 rgba;      /* colour */
    int w, h;         /* texture size */
    unsigned used;    /* last use */
} text_slot;

struct draw {
    SDL_Renderer *r;               /* borrowed */
    int w, h;                      /* frame size */
    char path[2][1024];            /* regular and bold font files */
    char *font_data[2];            /* the font files in memory */
    size_t font_len[2];            /* their sizes */
    font_slot fonts[FONT_SLOTS];   /* open sizes */
    text_slot texts[TEXT_SLOTS];   /* rendered texts */
    layout_slot layouts[LAYOUT_SLOTS]; /* fitted texts */
    unsigned clock;                /* use counter */
    size_t text_bytes;             /* pixels held by the text cache */
    draw_record rec[MAX_RECORDS];  /* this frame's text draws */
    size_t n_rec;                  /* used records */
    size_t lost_rec;               /* draws beyond MAX_RECORDS (an error for the check) */
};

/* Where fonts live on Debian, Raspberry Pi OS, Fedora and Arch; the assets folder
 * comes first so a school can ship its own. */
static const char *const font_dirs[] = {
    "/usr/share/fonts/truetype/noto", "/usr/share/fonts/noto", "/usr/share/fonts/google-noto",
    "/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
};
static const char *const font_names[][2] = {
    {"NotoSans-Regular.ttf", "NotoSans-Bold.ttf"},
    {"DejaVuSans.ttf", "DejaVuSans-Bold.ttf"},
};

static bool readable(const char *p)
{
    FILE *f = fopen(p, "rb");
    if (!f)
        return false;
    fclose(f);
    return true;
}

static bool find_fonts(draw *d, const char *assets_dir)
{
    char dir[1024];
    for (size_t n = 0; n < sizeof font_names / sizeof font_names[0]; n++) {
        for (size_t i = 0; i <= sizeof font_dirs / sizeof font_dirs[0]; i++) {
            if (i == 0) {
                if (!assets_dir)
                    continue;
                snprintf(dir, sizeof dir, "%s/fonts", assets_dir);
            } else {
                lk_strlcpy(dir, font_dirs[i - 1], sizeof dir);
            }
            char reg[1024], bold[1024];
            if (!lk_path_join(reg, sizeof reg, dir, font_names[n][0]) ||
                !lk_path_join(bold, sizeof bold, dir, font_names[n][1]) || !readable(reg))
                continue;
            lk_strlcpy(d->path[0], reg, sizeof d->path[0]);
            /* Without a bold file the regular one serves both weights. */
            lk_strlcpy(d->path[1], readable(bold) ? bold : reg, sizeof d->path[1]);
            return true;
        }
    }
    return false;
}

draw *draw_create(SDL_Renderer *r, const char *assets_dir, char *err, size_t err_len)
{
    if (err && err_len)
        err[0] = '\0';
    if (!r)
        return NULL;
    if (!TTF_WasInit() && TTF_Init() != 0) {
        if (err)
            snprintf(err, err_len, "SDL_ttf: %s", TTF_GetError());
        return NULL;
    }
    draw *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->r = r;
    if (!find_fonts(d, assets_dir)) {
        if (err)
            snprintf(err, err_len, "no font found: install fonts-noto-core or fonts-dejavu-core");
        free(d);
        return NULL;
    }
    for (int i = 0; i < 2; i++) {
        if (lk_read_file(d->path[i], &d->font_data[i], &d->font_len[i]) != LK_OK) {
            if (err)
                snprintf(err, err_len, "%s: cannot read font", d->path[i]);
            draw_destroy(d);
            return NULL;
        }
    }
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    return d;
}

void draw_flush_cache(draw *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < TEXT_SLOTS; i++) {
        if (d->texts[i].tex)
            SDL_DestroyTexture(d->texts[i].tex);
        free(d->texts[i].text);
        memset(&d->texts[i], 0, sizeof d->texts[i]);
    }
    d->text_bytes = 0;
    for (size_t i = 0; i < LAYOUT_SLOTS; i++) {
        free(d->layouts[i].text);
        free(d->layouts[i].last);
        memset(&d->layouts[i], 0, sizeof d->layouts[i]);
    }
}

void draw_destroy(draw *d)
{
    if (!d)
        return;
    draw_flush_cache(d);
    for (size_t i = 0; i < FONT_SLOTS; i++)
        if (d->fonts[i].font)
            TTF_CloseFont(d->fonts[i].font);
    free(d->font_data[0]);
    free(d->font_data[1]);
    free(d);
}

void draw_set_renderer(draw *d, SDL_Renderer *r)
{
    if (!d || !r)
        return;
    draw_flush_cache(d);
    d->r = r;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
}

SDL_Renderer *draw_renderer(const draw *d)
{
    return d ? d->r : NULL;
}

const char *draw_font_path(const draw *d)
{
    return d ? d->path[0] : "";
}

void draw_begin(draw *d, int w, int h)
{
    if (!d)
        return;
    d->w = w;
    d->h = h;
    d->n_rec = 0;
    d->lost_rec = 0;
}

/* The font of (size, bold), opening it from memory when needed. */
static TTF_Font *font(draw *d, int size, bool bold)
{
    if (size < 6)
        size = 6;
    if (size > 400)
        size = 400;
    font_slot *victim = &d->fonts[0];
    d->clock++;
    for (size_t i = 0; i < FONT_SLOTS; i++) {
        font_slot *s = &d->fonts[i];
        if (s->font && s->size == size && s->bold == bold) {
            s->used = d->clock;
            return s->font;
        }
        if (!s->font || (victim->font && s->used < victim->used))
            victim = s;
    }
    if (victim->font)
        TTF_CloseFont(victim->font);
    int w = bold ? 1 : 0;
    SDL_RWops *rw = SDL_RWFromConstMem(d->font_data[w], (int)d->font_len[w]);
    victim->font = rw ? TTF_OpenFontRW(rw, 1, size) : NULL;
    victim->size = size;
    victim->bold = bold;
    victim->used = d->clock;
    if (victim->font)
        TTF_SetFontHinting(victim->font, TTF_HINTING_LIGHT);
    return victim->font;
}

int draw_line_height(draw *d, int size, bool bold)
{
    TTF_Font *f = d ? font(d, size, bold) : NULL;
    return f ? TTF_FontHeight(f) : size;
}

void draw_measure(draw *d, const char *text, int size, bool bold, int *w, int *h)
{
    int tw = 0, th = 0;
    TTF_Font *f = d ? font(d, size, bold) : NULL;
    if (f && text && text[0])
        TTF_SizeUTF8(f, text, &tw, &th);
    else if (f)
        th = TTF_FontHeight(f);
    if (w)
        *w = tw;
    if (h)
        *h = th;
}

static int text_width(TTF_Font *f, const char *s, size_t n)
{
    char buf[LINE_MAX];
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    int w = 0;
    if (n > 0)
        TTF_SizeUTF8(f, buf, &w, NULL);
    return w;
}

/* Length of the UTF-8 character at s (1 for stray bytes). */
static size_t char_len(const char *s)
{
    unsigned char c = (unsigned char)s[0];
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    for (size_t i = 1; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            return 1;
    return n;
}

/* Greedy word wrap of text into lines no wider than width. A word wider than a
 * whole line is broken between characters. Returns the number of lines, or
 * max+1 when more would be needed. */
static size_t wrap(TTF_Font *f, const char *text, int width, line_span *lines, size_t max,
                   bool allow_break)
{
    size_t n = 0, len = strlen(text), pos = 0;
    while (pos < len) {
        while (pos < len && text[pos] == ' ')
            pos++;
        if (pos >= len)
            break;
        if (n == max)
            return max + 1;
        size_t end = pos, best = 0;
        /* Extend word by word while it fits. */
        while (end < len) {
            size_t next = end;
            while (next < len && text[next] == ' ')
                next++;
            while (next < len && text[next] != ' ' && text[next] != '\n')
                next++;
            if (text_width(f, text + pos, next - pos) > width)
                break;
            end = next;
            best = end - pos;
            if (end < len && text[end] == '\n')
                break;
        }
        if (best == 0) {
            /* One word is too wide: shrink first; break it between characters
             * only when the smallest size does not help either. */
            if (!allow_break)
                return max + 1;
            size_t cut = 0;
            while (pos + cut < len && text[pos + cut] != ' ') {
                size_t cl = char_len(text + pos + cut);
                if (text_width(f, text + pos, cut + cl) > width && cut > 0)
                    break;
                cut += cl;
            }
            best = cut;
        }
        if (best > 0 && text_width(f, text + pos, best) > width)
            return max + 1; /* even one character is too wide at this size */
        lines[n].start = pos;
        lines[n].len = best;
        n++;
        pos += best;
        if (pos < len && text[pos] == '\n')
            pos++;
    }
    return n;
}

static Uint32 rgba(SDL_Color c)
{
    return ((Uint32)c.r << 24) | ((Uint32)c.g << 16) | ((Uint32)c.b << 8) | c.a;
}

/* A texture of one line, from the cache or rendered now. */
static text_slot *line_texture(draw *d, const char *s, int size, bool bold, SDL_Color c)
{
    Uint32 key = rgba(c);
    text_slot *victim = &d->texts[0];
    d->clock++;
    for (size_t i = 0; i < TEXT_SLOTS; i++) {
        text_slot *t = &d->texts[i];
        if (t->tex && t->size == size && t->bold == bold && t->rgba == key &&
            strcmp(t->text, s) == 0) {
            t->used = d->clock;
            return t;
        }
        if (!t->tex || (victim->tex && t->used < victim->used))
            victim = t;
    }
    TTF_Font *f = font(d, size, bold);
    if (!f)
        return NULL;
    SDL_Surface *surf = TTF_RenderUTF8_Blended(f, s, c);
    if (!surf)
        return NULL;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(d->r, surf);
    /* Always drawn at its own size on whole pixels: no filtering needed, the
     * same pixels, and a GPU (or Mesa's llvmpipe) samples one texel, not four. */
    if (tex)
        SDL_SetTextureScaleMode(tex, SDL_ScaleModeNearest);
    int w = surf->w, h = surf->h;
    SDL_FreeSurface(surf);
    char *copy = strdup(s);
    if (!tex || !copy) {
        if (tex)
            SDL_DestroyTexture(tex);
        free(copy);
        return NULL;
    }
    if (victim->tex) {
        SDL_DestroyTexture(victim->tex);
        d->text_bytes -= (size_t)victim->w * (size_t)victim->h * 4;
    }
    free(victim->text);
    victim->text = NULL;
    victim->tex = NULL;
    /* Keep the cache within its byte budget: drop the least recently used. */
    d->text_bytes += (size_t)w * (size_t)h * 4;
    while (d->text_bytes > TEXT_BUDGET) {
        text_slot *old = NULL;
        for (size_t i = 0; i < TEXT_SLOTS; i++)
            if (d->texts[i].tex && (!old || d->texts[i].used < old->used))
                old = &d->texts[i];
        if (!old)
            break;
        d->text_bytes -= (size_t)old->w * (size_t)old->h * 4;
        SDL_DestroyTexture(old->tex);
        free(old->text);
        memset(old, 0, sizeof *old);
    }
    victim->tex = tex;
    victim->text = copy;
    victim->size = size;
    victim->bold = bold;
    victim->rgba = key;
    victim->w = w;
    victim->h = h;
    victim->used = d->clock;
    return victim;
}

/* Width of the first n bytes of line (trailing spaces left off) and "…". */
static int cut_width(TTF_Font *f, const char *line, size_t n, char *tmp, size_t cap)
{
    while (n > 0 && line[n - 1] == ' ')
        n--;
    snprintf(tmp, cap, "%.*s\xE2\x80\xA6", (int)n, line);
    int w = 0;
    TTF_SizeUTF8(f, tmp, &w, NULL);
    return w;
}

/* Cuts line (NUL-terminated in buf) at the last character boundary where line +
 * "…" still fits in width: a binary search over the boundaries, so a long line
 * costs O(n log n) in measuring, not a measurement per character (O(n^2)). */
static void ellipsize(TTF_Font *f, char *buf, size_t cap, int width)
{
    char tmp[LINE_MAX + 4];
    size_t len = strlen(buf);
    if (len > LINE_MAX)
        len = LINE_MAX;
    /* cut[i]: where character i starts; cut[k] = len (the whole line) */
    size_t cut[LINE_MAX + 1], k = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)buf[i] & 0xC0) != 0x80)
            cut[k++] = i;
    cut[k] = len;
    /* the largest i in [0, k] whose cut fits; cut 0 ("…" alone) is the floor */
    size_t lo = 0, hi = k;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (cut_width(f, buf, cut[mid], tmp, sizeof tmp) <= width)
            lo = mid;
        else
            hi = mid - 1;
    }
    cut_width(f, buf, cut[lo], tmp, sizeof tmp);
    lk_strlcpy(buf, tmp, cap);
}

/* The cached layout of (text, box size, style), or NULL. */
static layout_slot *layout_find(draw *d, const char *text, SDL_Rect box, const draw_style *st)
{
    for (size_t i = 0; i < LAYOUT_SLOTS; i++) {
        layout_slot *l = &d->layouts[i];
        if (l->text && l->box_w == box.w && l->box_h == box.h && l->want == st->size &&
            l->bold == st->bold && l->max_lines == st->max_lines && strcmp(l->text, text) == 0) {
            l->used = ++d->clock;
            return l;
        }
    }
    return NULL;
}

/* Keeps a layout, in place of the least recently used one. Failures only cost
 * the measuring next time. */
static void layout_keep(draw *d, const char *text, SDL_Rect box, const draw_style *st, int size,
                        const line_span *lines, size_t n, bool cut, const char *last)
{
    layout_slot *v = &d->layouts[0];
    for (size_t i = 0; i < LAYOUT_SLOTS; i++) {
        layout_slot *l = &d->layouts[i];
        if (!l->text) {
            v = l;
            break;
        }
        if (l->used < v->used)
            v = l;
    }
    free(v->text);
    free(v->last);
    memset(v, 0, sizeof *v);
    v->text = strdup(text);
    v->last = cut && last ? strdup(last) : NULL;
    if (!v->text || (cut && !v->last)) {
        free(v->text);
        free(v->last);
        memset(v, 0, sizeof *v);
        return;
    }
    v->box_w = box.w;
    v->box_h = box.h;
    v->want = st->size;
    v->max_lines = st->max_lines;
    v->bold = st->bold;
    v->size = size;
    v->n = n;
    memcpy(v->lines, lines, n * sizeof lines[0]);
    v->cut = cut;
    v->used = ++d->clock;
}

static int text_impl(draw *d, const char *text, SDL_Rect box, const draw_style *st, bool render)
{
    if (!d || !text || !text[0] || !st || box.w <= 0 || box.h <= 0)
        return 0;
    line_span lines[MAX_LINES];
    int max_lines = st->max_lines > 0 && st->max_lines < MAX_LINES ? st->max_lines : MAX_LINES;
    int size = st->size, min = st->size * 55 / 100;
    if (min < 10)
        min = 10;
    size_t n = 0;
    TTF_Font *f = NULL;
    int lh = 0;
    bool fits = false, cut = false;
    char last[LINE_MAX + 4] = "";
    layout_slot *hit = layout_find(d, text, box, st);
    if (hit) {
        size = hit->size;
        n = hit->n;
        memcpy(lines, hit->lines, n * sizeof lines[0]);
        cut = hit->cut;
        if (cut)
            lk_strlcpy(last, hit->last, sizeof last);
        f = font(d, size, st->bold);
        if (!f)
            return 0;
        lh = TTF_FontLineSkip(f);
    }
    /* Wrap first, then shrink step by step, then cut with an ellipsis. */
    while (!hit) {
        f = font(d, size, st->bold);
        if (!f)
            return 0;
        lh = TTF_FontLineSkip(f);
        int fh = TTF_FontHeight(f);
        int room = box.h < fh ? 0 : 1 + (box.h - fh) / (lh > 0 ? lh : 1);
        size_t allowed = (size_t)(room < max_lines ? room : max_lines);
        n = allowed > 0 ? wrap(f, text, box.w, lines, allowed, false) : 1;
        if (allowed > 0 && n <= allowed) {
            fits = true;
            break;
        }
        if (size <= min) {
            if (allowed == 0)
                allowed = 1; /* the box is lower than one line: the check will say so */
            /* wrap() may give up before it filled `allowed` lines (a character wider
             * than the box): lines it did not fill must not be spans of an earlier
             * try or of another text, so they start empty. */
            memset(lines, 0, sizeof lines);
            n = wrap(f, text, box.w, lines, allowed, true);
            if (n > allowed) {
                n = allowed;
                cut = true;
            }
            break;
        }
        size = size * 92 / 100 > min ? size * 92 / 100 : min;
    }
    if (!hit) {
        if (cut) {
            size_t len = lines[n - 1].len < LINE_MAX ? lines[n - 1].len : LINE_MAX;
            memcpy(last, text + lines[n - 1].start, len);
            last[len] = '\0';
            ellipsize(f, last, sizeof last, box.w);
        }
        layout_keep(d, text, box, st, size, lines, n, cut, last);
    }
    (void)fits;
    int fh = TTF_FontHeight(f);
    int total = (int)(n - 1) * lh + fh;
    if (!render)
        return total;
    int y = st->middle ? box.y + (box.h - total) / 2 : box.y;
    SDL_Rect ink = {0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        char buf[LINE_MAX + 4];
        size_t len = lines[i].len < LINE_MAX ? lines[i].len : LINE_MAX;
        memcpy(buf, text + lines[i].start, len);
        buf[len] = '\0';
        if (cut && i == n - 1)
            lk_strlcpy(buf, last, sizeof buf);
        text_slot *t = line_texture(d, buf, size, st->bold, st->color);
        if (!t)
            continue;
        int x = box.x;
        if (st->align == DRAW_CENTER)
            x = box.x + (box.w - t->w) / 2;
        else if (st->align == DRAW_RIGHT)
            x = box.x + box.w - t->w;
        SDL_Rect dst = {x, y + (int)i * lh, t->w, t->h};
        SDL_RenderCopy(d->r, t->tex, NULL, &dst);
        if (ink.w == 0)
            ink = dst;
        else
            SDL_UnionRect(&ink, &dst, &ink);
    }
    if (d->n_rec < MAX_RECORDS) {
        draw_record *r = &d->rec[d->n_rec++];
        lk_strlcpy(r->text, text, sizeof r->text);
        r->box = box;
        r->ink = ink;
        r->size = size;
        r->ellipsized = cut;
        r->bold = st->bold;
    } else {
        d->lost_rec++;
    }
    return total;
}

int draw_text(draw *d, const char *text, SDL_Rect box, const draw_style *st)
{
    return text_impl(d, text, box, st, true);
}

int draw_text_height(draw *d, const char *text, SDL_Rect box, const draw_style *st)
{
    return text_impl(d, text, box, st, false);
}

const draw_record *draw_records(const draw *d, size_t *n)
{
    if (n)
        *n = d ? d->n_rec : 0;
    return d ? d->rec : NULL;
}

/* The first character of the font's face that it has no glyph for (drawn as a
 * box), 0 when it has them all. A sequence cut short at the end of the recorded
 * start of the text is not looked at. */
static Uint32 missing_glyph(TTF_Font *f, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        Uint32 c = *p;
        size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        c = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
        for (size_t k = 1; k < len; k++) {
            if ((p[k] & 0xC0) != 0x80)
                return 0;
            c = (c << 6) | (p[k] & 0x3F);
        }
        if (c >= 0x20 && !TTF_GlyphIsProvided32(f, c))
            return c;
        p += len;
    }
    return 0;
}

size_t draw_check_overflow(draw *d, FILE *report)
{
    if (!d)
        return 0;
    size_t faults = d->lost_rec;
    SDL_Rect screen = {0, 0, d->w, d->h};
    for (size_t i = 0; i < d->n_rec; i++) {
        const draw_record *r = &d->rec[i];
        TTF_Font *f = font(d, r->size, r->bold);
        Uint32 miss = f ? missing_glyph(f, r->text) : 0;
        if (miss) {
            faults++;
            if (report)
                fprintf(report, "missing glyph: U+%04X in \"%s\"\n", (unsigned)miss, r->text);
        }
        SDL_Rect in;
        bool ink_ok = r->ink.w == 0 ||
                      (SDL_IntersectRect(&r->ink, &r->box, &in) && in.w == r->ink.w && in.h == r->ink.h);
        bool box_ok = SDL_IntersectRect(&r->box, &screen, &in) && in.w == r->box.w &&
                      in.h == r->box.h;
        if (!ink_ok || !box_ok) {
            faults++;
            if (report)
                fprintf(report,
                        "overflow: \"%s\" box %dx%d+%d+%d ink %dx%d+%d+%d size %d%s\n", r->text,
                        r->box.w, r->box.h, r->box.x, r->box.y, r->ink.w, r->ink.h, r->ink.x,
                        r->ink.y, r->size, box_ok ? "" : " (box off screen)");
        }
    }
    if (d->lost_rec && report)
        fprintf(report, "overflow: %zu text draws were not recorded\n", d->lost_rec);
    return faults;
}

lk_status draw_screenshot(draw *d, const char *path)
{
    if (!d || !path)
        return LK_ERR_INVALID;
    int w = 0, h = 0;
    if (SDL_GetRendererOutputSize(d->r, &w, &h) != 0)
        return LK_ERR_DEVICE;
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 24, SDL_PIXELFORMAT_RGB24);
    if (!s)
        return LK_ERR_NOMEM;
    lk_status st = LK_OK;
    if (SDL_RenderReadPixels(d->r, NULL, SDL_PIXELFORMAT_RGB24, s->pixels, s->pitch) != 0) {
        fprintf(stderr, "lobkiosk: screenshot: %s\n", SDL_GetError());
        st = LK_ERR_DEVICE;
    } else if (IMG_SavePNG(s, path) != 0) {
        fprintf(stderr, "lobkiosk: screenshot %s: %s\n", path, IMG_GetError());
        st = LK_ERR_IO;
    }
    SDL_FreeSurface(s);
    return st;
}

/* --- shapes ---------------------------------------------------------------- */

static void color(draw *d, SDL_Color c)
{
    SDL_SetRenderDrawColor(d->r, c.r, c.g, c.b, c.a);
    /* Opaque colours need no blending; the software renderer's blended fill is
     * a per-pixel read-modify-write several times slower than a plain fill. */
    SDL_SetRenderDrawBlendMode(d->r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
}

void draw_rect(draw *d, SDL_Rect r, SDL_Color c)
{
    if (!d)
        return;
    color(d, c);
    SDL_RenderFillRect(d->r, &r);
}

/* A filled convex polygon as a triangle fan. */
static void fan(draw *d, const SDL_FPoint *pts, int n, SDL_Color c)
{
    SDL_Vertex v[80];
    int idx[240];
    if (n < 3 || n > 80)
        return;
    for (int i = 0; i < n; i++) {
        v[i].position = pts[i];
        v[i].color = c;
        v[i].tex_coord.x = v[i].tex_coord.y = 0;
    }
    int k = 0;
    for (int i = 1; i + 1 < n; i++) {
        idx[k++] = 0;
        idx[k++] = i;
        idx[k++] = i + 1;
    }
    color(d, c); /* the blend mode for the vertex colour */
    SDL_RenderGeometry(d->r, NULL, v, n, idx, k);
}

void draw_circle(draw *d, int cx, int cy, int radius, SDL_Color c)
{
    if (!d || radius <= 0)
        return;
    SDL_FPoint p[64];
    for (int i = 0; i < 64; i++) {
        double a = 2 * M_PI * i / 64;
        p[i].x = (float)(cx + radius * cos(a));
        p[i].y = (float)(cy + radius * sin(a));
    }
    fan(d, p, 64, c);
}

void draw_line(draw *d, float x1, float y1, float x2, float y2, float t, SDL_Color c)
{
    if (!d)
        return;
    float dx = x2 - x1, dy = y2 - y1, len = sqrtf(dx * dx + dy * dy);
    if (len <= 0)
        return;
    float nx = -dy / len * t / 2, ny = dx / len * t / 2;
    SDL_FPoint p[4] = {{x1 + nx, y1 + ny}, {x2 + nx, y2 + ny}, {x2 - nx, y2 - ny}, {x1 - nx, y1 - ny}};
    fan(d, p, 4, c);
    /* Round caps. */
    draw_circle(d, (int)lroundf(x1), (int)lroundf(y1), (int)(t / 2), c);
    draw_circle(d, (int)lroundf(x2), (int)lroundf(y2), (int)(t / 2), c);
}

void draw_ring(draw *d, int cx, int cy, int radius, int thickness, SDL_Color c)
{
    if (!d || radius <= 0)
        return;
    SDL_Vertex v[130];
    int idx[384];
    float ro = (float)radius, ri = (float)(radius - thickness);
    if (ri < 0)
        ri = 0;
    for (int i = 0; i <= 64; i++) {
        double a = 2 * M_PI * i / 64;
        v[2 * i].position = (SDL_FPoint){(float)(cx + ro * cos(a)), (float)(cy + ro * sin(a))};
        v[2 * i + 1].position = (SDL_FPoint){(float)(cx + ri * cos(a)), (float)(cy + ri * sin(a))};
        v[2 * i].color = v[2 * i + 1].color = c;
        v[2 * i].tex_coord = v[2 * i + 1].tex_coord = (SDL_FPoint){0, 0};
    }
    int k = 0;
    for (int i = 0; i < 64; i++) {
        int a = 2 * i, b = 2 * i + 1, e = 2 * i + 2, f = 2 * i + 3;
        idx[k++] = a, idx[k++] = b, idx[k++] = e;
        idx[k++] = b, idx[k++] = f, idx[k++] = e;
    }
    color(d, c); /* the blend mode for the vertex colour */
    SDL_RenderGeometry(d->r, NULL, v, 130, idx, k);
}

/* Outline of a rounded rectangle inset by `inset`, as points. */
static int round_points(SDL_Rect r, int radius, float inset, SDL_FPoint *p)
{
    int k = 0;
    float rad = (float)radius - inset;
    if (rad < 0)
        rad = 0;
    float cx[4] = {r.x + r.w - radius, (float)(r.x + radius), (float)(r.x + radius), r.x + r.w - radius};
    float cy[4] = {(float)(r.y + radius), (float)(r.y + radius), r.y + r.h - radius, r.y + r.h - radius};
    for (int q = 0; q < 4; q++)
        for (int i = 0; i <= 8; i++) {
            double a = -M_PI / 2 * q - M_PI / 2 * i / 8.0;
            p[k].x = (float)(cx[q] + rad * cos(a));
            p[k].y = (float)(cy[q] + rad * sin(a));
            k++;
        }
    return k;
}

void draw_round_rect(draw *d, SDL_Rect r, int radius, SDL_Color c)
{
    if (!d || r.w <= 0 || r.h <= 0)
        return;
    if (radius * 2 > r.w)
        radius = r.w / 2;
    if (radius * 2 > r.h)
        radius = r.h / 2;
    SDL_FPoint p[36];
    int n = round_points(r, radius, 0, p);
    fan(d, p, n, c);
}

void draw_round_frame(draw *d, SDL_Rect r, int radius, int t, SDL_Color c)
{
    if (!d || r.w <= 0 || r.h <= 0)
        return;
    if (radius * 2 > r.w)
        radius = r.w / 2;
    if (radius * 2 > r.h)
        radius = r.h / 2;
    SDL_FPoint o[36], in[36];
    int n = round_points(r, radius, 0, o);
    SDL_Rect ri = {r.x + t, r.y + t, r.w - 2 * t, r.h - 2 * t};
    int rr = radius - t > 0 ? radius - t : 0;
    round_points(ri, rr, 0, in);
    SDL_Vertex v[72];
    int idx[216], k = 0;
    for (int i = 0; i < n; i++) {
        v[2 * i] = (SDL_Vertex){o[i], c, {0, 0}};
        v[2 * i + 1] = (SDL_Vertex){in[i], c, {0, 0}};
    }
    for (int i = 0; i < n; i++) {
        int a = 2 * i, b = 2 * i + 1, e = (2 * i + 2) % (2 * n), f = (2 * i + 3) % (2 * n);
        idx[k++] = a, idx[k++] = b, idx[k++] = e;
        idx[k++] = b, idx[k++] = f, idx[k++] = e;
    }
    color(d, c); /* the blend mode for the vertex colour */
    SDL_RenderGeometry(d->r, NULL, v, 2 * n, idx, k);
}

void draw_texture(draw *d, SDL_Texture *t, SDL_Rect dst)
{
    if (d && t)
        SDL_RenderCopy(d->r, t, NULL, &dst);
}

/* --- icons ----------------------------------------------------------------- */

void draw_icon_at(draw *d, draw_icon icon, SDL_Rect b, SDL_Color c)
{
    if (!d)
        return;
    float s = (float)(b.w < b.h ? b.w : b.h);
    float x = b.x + (b.w - s) / 2, y = b.y + (b.h - s) / 2, t = s * 0.12f;
    switch (icon) {
    case DRAW_ICON_TICK:
        draw_line(d, x + s * 0.22f, y + s * 0.52f, x + s * 0.42f, y + s * 0.72f, t, c);
        draw_line(d, x + s * 0.42f, y + s * 0.72f, x + s * 0.78f, y + s * 0.30f, t, c);
        break;
    case DRAW_ICON_EXCLAIM:
        draw_line(d, x + s * 0.5f, y + s * 0.2f, x + s * 0.5f, y + s * 0.58f, t * 1.1f, c);
        draw_circle(d, (int)(x + s * 0.5f), (int)(y + s * 0.79f), (int)(t * 0.7f), c);
        break;
    case DRAW_ICON_CROSS:
        draw_line(d, x + s * 0.27f, y + s * 0.27f, x + s * 0.73f, y + s * 0.73f, t, c);
        draw_line(d, x + s * 0.73f, y + s * 0.27f, x + s * 0.27f, y + s * 0.73f, t, c);
        break;
    case DRAW_ICON_CAMERA: {
        SDL_Rect body = {(int)(x + s * 0.08f), (int)(y + s * 0.3f), (int)(s * 0.84f), (int)(s * 0.55f)};
        SDL_Rect top = {(int)(x + s * 0.32f), (int)(y + s * 0.18f), (int)(s * 0.36f), (int)(s * 0.2f)};
        draw_round_rect(d, top, (int)(s * 0.05f), c);
        draw_round_rect(d, body, (int)(s * 0.1f), c);
        SDL_Color hole = {0, 0, 0, 110};
        draw_circle(d, (int)(x + s * 0.5f), (int)(y + s * 0.575f), (int)(s * 0.17f), hole);
        break;
    }
    case DRAW_ICON_CLOUD:
        draw_circle(d, (int)(x + s * 0.35f), (int)(y + s * 0.58f), (int)(s * 0.17f), c);
        draw_circle(d, (int)(x + s * 0.55f), (int)(y + s * 0.48f), (int)(s * 0.22f), c);
        draw_circle(d, (int)(x + s * 0.73f), (int)(y + s * 0.6f), (int)(s * 0.15f), c);
        draw_rect(d, (SDL_Rect){(int)(x + s * 0.35f), (int)(y + s * 0.55f), (int)(s * 0.38f), (int)(s * 0.2f)}, c);
        break;
    case DRAW_ICON_SCANNER: {
        /* A stylised QR code: three finder squares and a few modules. */
        float m = s / 7.0f;
        float fx[3] = {x, x + 4 * m, x}, fy[3] = {y, y, y + 4 * m};
        for (int i = 0; i < 3; i++) {
            draw_round_frame(d, (SDL_Rect){(int)fx[i], (int)fy[i], (int)(3 * m), (int)(3 * m)}, (int)(m * 0.4f),
                             (int)(m * 0.6f), c);
            draw_rect(d, (SDL_Rect){(int)(fx[i] + m), (int)(fy[i] + m), (int)m, (int)m}, c);
        }
        static const int mods[][2] = {{4, 4}, {5, 5}, {6, 4}, {4, 6}, {6, 6}, {5, 3}, {3, 5}};
        for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++)
            draw_rect(d, (SDL_Rect){(int)(x + mods[i][0] * m), (int)(y + mods[i][1] * m), (int)m, (int)m}, c);
        break;
    }
    case DRAW_ICON_GEAR:
        for (int i = 0; i < 8; i++) {
            double a = M_PI / 4 * i;
            draw_line(d, (float)(x + s / 2), (float)(y + s / 2), (float)(x + s / 2 + s * 0.4 * cos(a)),
                      (float)(y + s / 2 + s * 0.4 * sin(a)), t * 1.2f, c);
        }
        draw_ring(d, (int)(x + s / 2), (int)(y + s / 2), (int)(s * 0.3f), (int)(s * 0.14f), c);
        break;
    case DRAW_ICON_BACK:
        draw_line(d, x + s * 0.6f, y + s * 0.25f, x + s * 0.35f, y + s * 0.5f, t, c);
        draw_line(d, x + s * 0.35f, y + s * 0.5f, x + s * 0.6f, y + s * 0.75f, t, c);
        break;
    case DRAW_ICON_LOCK:
        draw_ring(d, (int)(x + s / 2), (int)(y + s * 0.42f), (int)(s * 0.2f), (int)(t * 0.8f), c);
        draw_round_rect(d, (SDL_Rect){(int)(x + s * 0.25f), (int)(y + s * 0.45f), (int)(s * 0.5f), (int)(s * 0.4f)},
                        (int)(s * 0.06f), c);
        break;
    }
}

void draw_face(draw *d, int mood, SDL_Rect b, SDL_Color face, SDL_Color ink)
{
    if (!d)
        return;
    int s = b.w < b.h ? b.w : b.h;
    int cx = b.x + b.w / 2, cy = b.y + b.h / 2, r = s / 2;
    draw_circle(d, cx, cy, r, face);
    float t = s * 0.07f;
    draw_circle(d, cx - r * 0.36, cy - r * 0.22, (int)(s * 0.06f), ink);
    draw_circle(d, cx + r * 0.36, cy - r * 0.22, (int)(s * 0.06f), ink);
    /* The mouth: a parabola whose bend follows the mood. */
    float bend = mood * 0.11f * r, my = cy + r * 0.38f - bend * 0.3f;
    float px = cx - r * 0.42f, py = my - bend;
    for (int i = 1; i <= 8; i++) {
        float u = -1 + 2 * i / 8.0f;
        float nx = cx + u * r * 0.42f, ny = my - bend + bend * (1 - u * u) * 1.0f;
        ny = my + bend * (1 - u * u) - bend;
        draw_line(d, px, py, nx, ny, t, ink);
        px = nx;
        py = ny;
    }
}
