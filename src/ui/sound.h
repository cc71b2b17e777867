/* Short feedback sounds (assets/sounds/ok.wav and refuse.wav) played through SDL
 * audio. Quiet by default; a kiosk without audio simply stays silent. */
#ifndef LOBKIOSK_UI_SOUND_H
#define LOBKIOSK_UI_SOUND_H

#include <stdbool.h>

typedef enum sound_kind { SOUND_OK = 0, SOUND_REFUSE = 1, SOUND_COUNT } sound_kind;

typedef struct sound sound;

/* Loads the sounds from ASSETS/sounds and opens the audio device. volume 0..100.
 * Returns a handle even when audio or files are missing (then play does nothing);
 * NULL only when out of memory. Free with sound_close(). */
sound *sound_open(const char *assets_dir, bool enabled, int volume);

/* Plays one sound at once, cutting off one still playing. Never blocks. */
void sound_play(sound *s, sound_kind k);

/* True when the sound is loaded and audio is open (for tests and logs). */
bool sound_ready(const sound *s, sound_kind k);

/* Accepts NULL. */
void sound_close(sound *s);

#endif
