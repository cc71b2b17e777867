/* Printable output drawn with cairo and pango: A4 PDF sheets of pass cards with cut
 * marks, one PNG card per student at 300 dpi, and the coordinator's report pages.
 * Every name is set by pango, so any script (Arabic, Cyrillic, CJK, Vietnamese)
 * shapes correctly with the system's Noto fonts. Called from the CLI only (one
 * thread); nothing here touches the store. */
#ifndef LOBKIOSK_PRINT_H
#define LOBKIOSK_PRINT_H

#include <stddef.h>

#include "lobkiosk/i18n.h"
#include "lobkiosk/report.h"
#include "lobkiosk/status.h"
#include "lobkiosk/store.h"

#define PRINT_PNG_DPI 300    /* resolution of a card PNG, recorded in its pHYs chunk */
#define PRINT_QR_MM 34.0     /* side of a card's QR code with its 4-module quiet zone */
#define PRINT_CARD_W_MM 85.6 /* ID-1 card, as a wallet or a lanyard sleeve holds it */
#define PRINT_CARD_H_MM 54.0
#define PRINT_COLS 2 /* cards across an A4 page */
#define PRINT_ROWS 5 /* cards down an A4 page */

/* One card: all strings borrowed, UTF-8. */
typedef struct print_card {
    const char *payload;    /* the signed pass, encoded in the QR code */
    const char *first_name; /* large, the name the student goes by */
    const char *group;      /* class or group ("" when none) */
    const char *subject;    /* the pseudonymous subject, printed small */
} print_card;

/* What every card of one print run shares. Strings borrowed. */
typedef struct print_sheet {
    const char *school; /* the school's display name */
    char role;          /* 'S' student pass, 'H' host pass */
    int expires;        /* last valid day, YYYYMMDD */
    i18n *tr;           /* texts of the [print] section */
} print_sheet;

/* Writes cards[0..n) to path as an A4 PDF, PRINT_COLS x PRINT_ROWS cards a page with
 * cut marks in the margins; a new group starts a new page, so a mentor gets one
 * class's pages. err (may be NULL) says why on failure (LK_ERR_INVALID for a payload
 * that no QR code holds, LK_ERR_IO when the file cannot be written). */
lk_status print_pass_pdf(const char *path, const print_sheet *sh, const print_card *cards, size_t n,
                         char *err, size_t err_len) LK_MUST_CHECK;

/* Writes one card as a PNG of PRINT_PNG_DPI with the resolution in its pHYs chunk
 * (for a pass shown on a phone, or printed by someone else). */
lk_status print_pass_png(const char *path, const print_sheet *sh, const print_card *card, char *err,
                         size_t err_len) LK_MUST_CHECK;

/* Writes the coordinator's report for f as A4 pages to path: one page per event of
 * the report (check-ins per hour, competencies reflected on, the rating's spread,
 * internship hours per company, who was expected and did not come) and one per
 * roster group (kinds of activity, competencies, ratings, hours per company, "nog
 * geen ervaring"). The numbers are report_table_get's with that event or group as
 * filter, so they equal `report --csv --event ID` / `--group G`. period (may be NULL)
 * is printed in the footer. Reads st only. */
lk_status print_report_pdf(const char *path, store *st, const config *cfg, const report_filter *f,
                           i18n *tr, const char *period, char *err, size_t err_len) LK_MUST_CHECK;

#endif
