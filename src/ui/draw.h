/* Drawing for the kiosk screens on an SDL_Renderer: fonts found at run time, text
 * fitted into boxes (wrap, then shrink, then ellipsize) with every draw recorded
 * for the overflow check, shapes and icons made of primitives, screenshots. */
#ifndef LOBKIOSK_UI_DRAW_H
#define LOBKIOSK_UI_DRAW_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lobkiosk/status.h"

typedef struct draw draw;

typedef enum draw_align { DRAW_LEFT = 0, DRAW_CENTER = 1, DRAW_RIGHT = 2 } draw_align;

/* How a text is set in its box. */
typedef struct draw_style {
    int size;          /* font size in pixels (the largest that is tried) */
    bool bold;         /* the bold weight */
    SDL_Color color;   /* text colour */
    draw_align align;  /* horizontal alignment in the box */
    bool middle;       /* centre vertically (else top) */
    int max_lines;     /* wrap into at most this many lines (0 = as many as fit) */
} draw_style;

/* One recorded text draw: the box it was given and where its ink went. */
typedef struct draw_record {
    char text[96];     /* the start of the text, for reports */
    SDL_Rect box;      /* the box the screen gave it */
    SDL_Rect ink;      /* the union of the drawn lines */
    int size;          /* the size it was set in after shrinking */
    bool ellipsized;   /* it had to be cut */
    bool bold;         /* in the bold face */
} draw_record;

typedef enum draw_icon {
    DRAW_ICON_TICK, DRAW_ICON_EXCLAIM, DRAW_ICON_CROSS, DRAW_ICON_CAMERA, DRAW_ICON_CLOUD,
    DRAW_ICON_SCANNER, DRAW_ICON_GEAR, DRAW_ICON_BACK, DRAW_ICON_LOCK,
} draw_icon;

/* Finds the fonts (assets_dir/fonts, then Noto Sans, then DejaVu Sans in the usual
 * system folders) and prepares drawing on r (borrowed). NULL with a message in err
 * when no font is found. Free with draw_destroy(). */
draw *draw_create(SDL_Renderer *r, const char *assets_dir, char *err, size_t err_len);

/* Accepts NULL. */
void draw_destroy(draw *d);

/* Draws on another renderer from now on (the old one's textures are dropped). */
void draw_set_renderer(draw *d, SDL_Renderer *r);

/* The renderer drawn on (borrowed), for clipping. */
SDL_Renderer *draw_renderer(const draw *d);

/* Path of the regular font in use. Borrowed. */
const char *draw_font_path(const draw *d);

/* Starts a frame of size w x h: forgets the records of the last frame. */
void draw_begin(draw *d, int w, int h);

/* Sets text in box; returns the height used. Empty text draws nothing. */
int draw_text(draw *d, const char *text, SDL_Rect box, const draw_style *st);

/* The height draw_text would use for the same arguments, without drawing. */
int draw_text_height(draw *d, const char *text, SDL_Rect box, const draw_style *st);

/* Width and height text would take on one line at size (no record). */
void draw_measure(draw *d, const char *text, int size, bool bold, int *w, int *h);

/* The line height of a size. */
int draw_line_height(draw *d, int size, bool bold);

/* Shapes. */
void draw_rect(draw *d, SDL_Rect r, SDL_Color c);
void draw_round_rect(draw *d, SDL_Rect r, int radius, SDL_Color c);
void draw_round_frame(draw *d, SDL_Rect r, int radius, int thickness, SDL_Color c);
void draw_circle(draw *d, int cx, int cy, int radius, SDL_Color c);
void draw_ring(draw *d, int cx, int cy, int radius, int thickness, SDL_Color c);
void draw_line(draw *d, float x1, float y1, float x2, float y2, float thickness, SDL_Color c);

/* Copies a texture into dst (scaled). */
void draw_texture(draw *d, SDL_Texture *t, SDL_Rect dst);

/* An icon centred in box, drawn in colour c. */
void draw_icon_at(draw *d, draw_icon icon, SDL_Rect box, SDL_Color c);

/* A face in box: mood -2 (sad) .. +2 (happy). */
void draw_face(draw *d, int mood, SDL_Rect box, SDL_Color face, SDL_Color ink);

/* The records of this frame; *n receives their number. Borrowed until the next
 * draw_begin. */
const draw_record *draw_records(const draw *d, size_t *n);

/* Checks every text of this frame: its ink inside its box, the box inside the
 * screen, and a glyph in the font for every character (else it shows as a box).
 * Prints each fault to report (may be NULL); returns how many. */
size_t draw_check_overflow(draw *d, FILE *report);

/* Saves what the renderer holds now as a PNG. */
lk_status draw_screenshot(draw *d, const char *path) LK_MUST_CHECK;

/* Drops cached text textures (after a language switch, to bound memory). */
void draw_flush_cache(draw *d);

#endif
