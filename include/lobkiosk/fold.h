/* Search keys for names: a first name folded to plain small letters and digits, so
 * the admin's A-Z keyboard finds "Ömer" from "ome", "Çelik" from "cel" and
 * "IJsbrand" (or its ligature "Ĳsbrand") from "ij". Accents go by iconv's
 * transliteration (//TRANSLIT) in the C.UTF-8 locale whatever the process's own
 * locale is, so a key made by the CLI and one made by the kiosk are the same. */
#ifndef LOBKIOSK_FOLD_H
#define LOBKIOSK_FOLD_H

#include <stddef.h>

/* The longest input looked at, in bytes (a first name is far shorter); the rest is
 * left out of the key. */
#define FOLD_INPUT_MAX 512

/* Writes the search key of the UTF-8 text in to out (len bytes, NUL-terminated,
 * cut at len - 1): each character transliterated to ASCII ("Ö" -> "O", "ß" -> "ss",
 * "Ĳ" -> "IJ"), then only the letters (made small) and digits kept; spaces,
 * hyphens, apostrophes and anything without an ASCII form ("李") leave nothing.
 * Bytes that are not UTF-8 are skipped. Returns the key's length. in NULL or out
 * NULL or len 0: writes what it can and returns 0. Any thread; it switches only
 * the calling thread's locale, and back. */
size_t fold_key(const char *in, char *out, size_t len);

#endif
