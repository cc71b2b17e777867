/* Feedback sounds: WAV files read with SDL_LoadWAV, converted once to the device's
 * format and pre-scaled to the volume, then queued on play (SDL_QueueAudio), so
 * playing costs a memcpy on the UI thread and nothing else. The device is paused
 * between sounds, so SDL's audio thread does not wake the CPU all day to feed
 * silence. */
#include "ui/sound.h"

#include <SDL.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sound {
    SDL_AudioDeviceID dev;        /* 0 = no audio */
    SDL_AudioSpec spec;           /* device format */
    Uint8 *buf[SOUND_COUNT];      /* converted, scaled samples (SDL_malloc'd) */
    Uint32 len[SOUND_COUNT];      /* bytes */
    bool playing;                 /* the device is unpaused */
    int64_t empty_since;          /* when its queue was first seen empty, 0 = not yet */
};

/* A drained queue plays on for the device's buffer (1024 samples, 23 ms at
 * 44.1 kHz): pause only this long after the queue ran empty. */
#define SOUND_PAUSE_AFTER_MS 250

static const char *const names[SOUND_COUNT] = {"ok.wav", "refuse.wav"};

sound *sound_open(const char *assets_dir, bool enabled, int volume)
{
    sound *s = calloc(1, sizeof *s);
    if (!s || !enabled || !assets_dir || volume <= 0)
        return s;
    if (!SDL_WasInit(SDL_INIT_AUDIO) && SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
        fprintf(stderr, "lobkiosk: no audio (%s); the kiosk stays silent\n", SDL_GetError());
        return s;
    }
    SDL_AudioSpec want = {0};
    want.freq = 44100;
    want.format = AUDIO_S16SYS;
    want.channels = 1;
    want.samples = 1024;
    s->dev = SDL_OpenAudioDevice(NULL, 0, &want, &s->spec, 0);
    if (s->dev == 0) {
        fprintf(stderr, "lobkiosk: no audio device (%s); the kiosk stays silent\n", SDL_GetError());
        return s;
    }
    int vol = volume > 100 ? SDL_MIX_MAXVOLUME : volume * SDL_MIX_MAXVOLUME / 100;
    for (int i = 0; i < SOUND_COUNT; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/sounds/%s", assets_dir, names[i]);
        SDL_AudioSpec ws;
        Uint8 *wav = NULL;
        Uint32 wlen = 0;
        if (!SDL_LoadWAV(path, &ws, &wav, &wlen)) {
            fprintf(stderr, "lobkiosk: %s: %s\n", path, SDL_GetError());
            continue;
        }
        SDL_AudioCVT cvt;
        if (SDL_BuildAudioCVT(&cvt, ws.format, ws.channels, ws.freq, s->spec.format, s->spec.channels,
                              s->spec.freq) < 0) {
            SDL_FreeWAV(wav);
            continue;
        }
        cvt.len = (int)wlen;
        cvt.buf = SDL_malloc((size_t)wlen * (size_t)(cvt.len_mult > 0 ? cvt.len_mult : 1));
        if (!cvt.buf) {
            SDL_FreeWAV(wav);
            continue;
        }
        memcpy(cvt.buf, wav, wlen);
        SDL_FreeWAV(wav);
        if (cvt.needed && SDL_ConvertAudio(&cvt) != 0) {
            SDL_free(cvt.buf);
            continue;
        }
        Uint32 out_len = cvt.needed ? (Uint32)cvt.len_cvt : wlen;
        /* Scale to the volume once: silence mixed with the sound at vol. */
        Uint8 *scaled = SDL_calloc(1, out_len);
        if (!scaled) {
            SDL_free(cvt.buf);
            continue;
        }
        SDL_MixAudioFormat(scaled, cvt.buf, s->spec.format, out_len, vol);
        SDL_free(cvt.buf);
        s->buf[i] = scaled;
        s->len[i] = out_len;
    }
    SDL_PauseAudioDevice(s->dev, 1); /* until a sound plays */
    return s;
}

void sound_play(sound *s, sound_kind k)
{
    if (!s || s->dev == 0 || (unsigned)k >= SOUND_COUNT || !s->buf[k])
        return;
    SDL_ClearQueuedAudio(s->dev);
    SDL_QueueAudio(s->dev, s->buf[k], s->len[k]);
    if (!s->playing)
        SDL_PauseAudioDevice(s->dev, 0);
    s->playing = true;
    s->empty_since = 0;
}

void sound_tick(sound *s, int64_t now_ms)
{
    if (!s || !s->playing)
        return;
    if (SDL_GetQueuedAudioSize(s->dev) > 0) {
        s->empty_since = 0;
        return;
    }
    if (s->empty_since == 0) {
        s->empty_since = now_ms;
        return;
    }
    if (now_ms - s->empty_since >= SOUND_PAUSE_AFTER_MS) {
        SDL_PauseAudioDevice(s->dev, 1);
        s->playing = false;
        s->empty_since = 0;
    }
}

int64_t sound_deadline(const sound *s, int64_t now_ms)
{
    if (!s || !s->playing)
        return INT64_MAX;
    return s->empty_since ? s->empty_since + SOUND_PAUSE_AFTER_MS : now_ms + 50;
}

bool sound_playing(const sound *s)
{
    return s && s->dev != 0 && SDL_GetAudioDeviceStatus(s->dev) == SDL_AUDIO_PLAYING;
}

bool sound_ready(const sound *s, sound_kind k)
{
    return s && s->dev != 0 && (unsigned)k < SOUND_COUNT && s->buf[k] != NULL;
}

void sound_close(sound *s)
{
    if (!s)
        return;
    if (s->dev)
        SDL_CloseAudioDevice(s->dev);
    for (int i = 0; i < SOUND_COUNT; i++)
        SDL_free(s->buf[i]);
    free(s);
}
