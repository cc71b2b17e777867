/* Where lobkiosk's shipped files (assets: texts, fonts, question sets, sounds, the
 * demo) are when kiosk.ini does not say. Any thread. */
#ifndef LOBKIOSK_PATHS_H
#define LOBKIOSK_PATHS_H

#include <stdbool.h>
#include <stddef.h>

/* The assets folder, looked up in this order (the first that holds i18n/nl.ini):
 *  1. next to the running executable: its folder's ../share/lobkiosk (an install
 *     under any prefix, also one moved elsewhere after `make install`);
 *  2. the source tree it was built in: ../assets up to three folders up
 *     (build/lobkiosk, build/test/lobkiosk, build/test/tests/test_x);
 *  3. PREFIX/share/lobkiosk of the build (the data path `make` was given).
 * Writes the absolute path to out. False when none holds the assets. */
bool paths_assets_dir(char *out, size_t len);

/* The data path the build was made for: PREFIX/share/lobkiosk. */
const char *paths_datadir(void);

#endif
