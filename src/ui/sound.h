/* Short feedback sounds (assets/sounds/ok.wav and refuse.wav) played through SDL
 * audio. Quiet by default; a kiosk without audio simply stays silent. */
#ifndef LOBKIOSK_UI_SOUND_H
#define LOBKIOSK_UI_SOUND_H

#include <stdbool.h>
#include <stdint.h>

typedef enum sound_kind { SOUND_OK = 0, SOUND_REFUSE = 1, SOUND_COUNT } sound_kind;

typedef struct sound sound;

/* Loads the sounds from ASSETS/sounds and opens the audio device. volume 0..100.
 * Returns a handle even when audio or files are missing (then play does nothing);
 * NULL only when out of memory. Free with sound_close(). */
sound *sound_open(const char *assets_dir, bool enabled, int volume);

/* Plays one sound at once, cutting off one still playing. Never blocks. */
void sound_play(sound *s, sound_kind k);

/* Pauses the audio device once the last sound has played out (call it from the
 * main loop; now_ms on the lk_mono_ms clock). */
void sound_tick(sound *s, int64_t now_ms);

/* When sound_tick must run next (lk_mono_ms): every 50 ms while a sound plays,
 * INT64_MAX when the device is paused. */
int64_t sound_deadline(const sound *s, int64_t now_ms);

/* True while the audio device is unpaused (tests). */
bool sound_playing(const sound *s);

/* True when the sound is loaded and audio is open (for tests and logs). */
bool sound_ready(const sound *s, sound_kind k);

/* Accepts NULL. */
void sound_close(sound *s);

#endif
