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
} preview;

/* Starts (or restarts, after the window changed) on win's renderer ren: drops the
 * textures made for an earlier renderer. */
void preview_attach(preview *p, SDL_Window *win, SDL_Renderer *ren);

/* Frees the textures. p stays usable (preview_attach again). */
void preview_release(preview *p);

/* Takes the scanner's newest frame when one is due (at most fps a second) into
 * the texture, sized to fit box (NULL or empty: the frame's own size). Returns
 * true when the texture was made anew, so the whole screen must be drawn once. */
bool preview_update(preview *p, scanner *sc, const SDL_Rect *box, int fps, int64_t now_ms);

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
