/* lobkiosk decode: prints the text of every QR code in each image, one per line,
 * like `zbarimg --raw`, through exactly the decoder the kiosk runs (as a still
 * image: every pass may run). Exit 0 found, 1 nothing found, 2 an error. */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lobkiosk/decode.h"
#include "lobkiosk/framesrc.h"

enum { DECODE_EXIT_FOUND = 0, DECODE_EXIT_NONE = 1, DECODE_EXIT_ERROR = 2 };

int cmd_decode(const cli_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    int i = 0; /* main hands over the arguments after "decode" */
    int raw = 0, verbose = 0;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
        if (strcmp(argv[i], "--raw") == 0) {
            raw = 1; /* the bytes as stored, no character-set conversion */
        } else if (strcmp(argv[i], "--verbose") == 0) {
            verbose = 1; /* which pass found it, and where, on stderr */
        } else if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else {
            fprintf(stderr, "lobkiosk decode: unknown option '%s'\n", argv[i]);
            return DECODE_EXIT_ERROR;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "usage: lobkiosk decode [--raw] [--verbose] IMAGE...\n");
        return DECODE_EXIT_ERROR;
    }
    decoder *dec = decoder_create(DECODE_STILL);
    decode_result *res = malloc(sizeof *res);
    if (!dec || !res) {
        fprintf(stderr, "lobkiosk decode: out of memory\n");
        decoder_destroy(dec);
        free(res);
        return DECODE_EXIT_ERROR;
    }
    int found = 0, errors = 0;
    for (; i < argc; i++) {
        lk_frame frame;
        char err[512];
        lk_status st = framesrc_load_image(argv[i], &frame, err, sizeof err);
        if (st != LK_OK) {
            fprintf(stderr, "lobkiosk decode: %s\n", err[0] ? err : lk_strerror(st));
            errors++;
            continue;
        }
        st = decoder_scan(dec, &frame, res);
        framesrc_frame_free(&frame);
        if (st != LK_OK) {
            fprintf(stderr, "lobkiosk decode: %s: %s\n", argv[i], lk_strerror(st));
            errors++;
            continue;
        }
        for (size_t k = 0; k < res->n; k++) {
            const decode_symbol *s = &res->sym[k];
            if (raw)
                fwrite(s->raw, 1, s->raw_len, stdout);
            else
                fwrite(s->text, 1, s->text_len, stdout);
            fputc('\n', stdout);
            if (verbose)
                fprintf(stderr, "%s: pass %s, corners (%d,%d) (%d,%d) (%d,%d) (%d,%d)\n", argv[i],
                        res->pass, s->corners[0].x, s->corners[0].y, s->corners[1].x,
                        s->corners[1].y, s->corners[2].x, s->corners[2].y, s->corners[3].x,
                        s->corners[3].y);
            found++;
        }
        if (verbose && res->n == 0)
            fprintf(stderr, "%s: no QR code (%d passes)\n", argv[i], res->passes_run);
    }
    fflush(stdout);
    decoder_destroy(dec);
    free(res);
    SDL_TLSCleanup(); /* SDL_image's error text of a failed load lives in SDL's TLS */
    if (errors)
        return DECODE_EXIT_ERROR;
    return found ? DECODE_EXIT_FOUND : DECODE_EXIT_NONE;
}
