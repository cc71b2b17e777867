/* The camera preview on the idle screen: the scanner's latest frame copied into a
 * streaming texture at the size it is shown, and the bookkeeping that lets a frame
 * in which only the preview changed redraw the preview alone (on the software
 * renderer's kept frame, or on a copy of the last full idle frame on renderers
 * that swap buffers). UI thread only; the renderer is borrowed. */
#ifndef LOBKIOSK_UI_PREVIEW_H
#define LOBKIOSK_UI_PREVIEW_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "lobkiosk/scanner.h"

typedef struct preview {
    SDL_Renderer *ren;  /* borrowed */
    SDL_Texture *tex;   /* streaming texture in the window's 32-bit format, NULL = none */
    Uint32 fmt;         /* that format */
    int w, h;           /* its size */
    uint64_t seq;       /* frame shown */
    int64_t next_ms;    /* when to look for a new frame (mono) */
    bool dirty;         /* only the preview changed since the last full frame */
    unsigned frames;    /* preview-only frames since the last full one */
    bool retained;      /* the renderer keeps the last frame (software) */
    SDL_Texture *base;  /* else: the last full idle frame, to redraw the preview on */
    int base_w, base_h; /* its size */
    uint8_t *samples;   /* brightness of the picture as uploaded, one per 4x4 pixels */
    int cells_w, cells_h; /* the samples' grid */
    size_t *cell_x, *cell_y; /* the frame's column / row offset of each cell (one block) */
    int src_w, src_h;        /* the frame size those were made for */
    int64_t refresh_ms;   /* when the whole picture is uploaded again (mono) */
    uint64_t uploads;     /* counters for tests and benches: uploads to the texture */
    uint64_t uploaded_px; /* and the pixels they carried */
} preview;

/* Starts (or restarts, after the window changed) on win's renderer ren: drops the
 * textures made for an earlier renderer. */
void preview_attach(preview *p, SDL_Window *win, SDL_Renderer *ren);

/* Frees the textures. p stays usable (preview_attach again). */
void preview_release(preview *p);

/* Takes the scanner's newest frame when one is due (at most fps a second) into
 * the texture, sized to fit box (NULL or empty: the frame's own size). Only the
 * tiles whose picture changed beyond sensor noise are converted and uploaded, and
 * p->dirty is set only when something was; the whole picture goes up when the
 * texture is new and every 10 seconds. Returns true when the texture was made
 * anew, so the whole screen must be drawn once. */
bool preview_update(preview *p, scanner *sc, const SDL_Rect *box, int fps, int64_t now_ms);

/* Tests: takes the newest frame as preview_update does (whatever the time, and
 * only the tiles that changed, never the whole picture), then
 * counts the texture's pixels that differ from the whole frame converted afresh
 * (-1: no frame or texture). Reads the texture back through SDL_LockTexture, which
 * SDL's software, OpenGL and GLES2 renderers serve from the pixels they keep. So a
 * camera whose frames differ only where something moved must give 0: the tiles
 * left alone still hold the same picture. */
long preview_verify(preview *p, scanner *sc, const SDL_Rect *box);

/* A full frame of w x h is about to be drawn. With base (an idle screen with a
 * camera) on a renderer that swaps buffers, the frame is drawn into the base
 * texture first: returns true, and preview_end_full() shows it. */
bool preview_begin_full(preview *p, bool base, int w, int h);
void preview_end_full(preview *p);

/* A preview-only frame of w x h is about to be drawn: puts back the last full frame
 * where the renderer does not keep it. False when that is not possible (draw a full
 * frame instead). After drawing the preview: preview_end_partial(). */
bool preview_begin_partial(preview *p, int w, int h);
void preview_end_partial(preview *p);

#endif
