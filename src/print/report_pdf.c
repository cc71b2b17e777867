/* The coordinator's report as A4 pages: one per event and one per group, what a
 * school puts in its quality report. Every number comes from the same report tables
 * as `report --csv` with that event or group as filter, so the PDF and the CSV
 * cannot disagree. Bars are grey with the number printed beside them: readable when
 * printed in black and white. */
#include "lobkiosk/print.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>

#include "lobkiosk/util.h"
#include "print/print_util.h"

#define PAGE_W PRINT_MM(210.0)
#define PAGE_H PRINT_MM(297.0)
#define MARGIN PRINT_MM(16.0)
#define BOTTOM (PAGE_H - PRINT_MM(22.0)) /* content ends here; the footer below */
#define LABEL_W PRINT_MM(52.0)           /* bar labels */
#define BAR_W PRINT_MM(95.0)             /* the longest bar */
#define ROW_H PRINT_MM(5.2)              /* one bar or list line */

typedef struct page {
    cairo_t *cr;
    i18n *tr;
    double y;           /* the next line's top */
    const char *footer; /* printed at the bottom of every page */
} page;

static const char *fmt1(i18n *tr, const char *key, const char *name, const char *value, char *buf,
                        size_t len)
{
    const char *v[] = {name, value, NULL};
    i18n_format(tr, key, v, buf, len);
    return buf;
}

static void heading(page *p, const char *text)
{
    p->y += PRINT_MM(3);
    p->y += print_text(p->cr, text, MARGIN, p->y, PAGE_W - 2 * MARGIN, 11.5, PRINT_BOLD, 0);
    p->y += PRINT_MM(1);
}

static void line(page *p, const char *text, double size)
{
    p->y += print_text(p->cr, text, MARGIN, p->y, PAGE_W - 2 * MARGIN, size, 0, 0);
}

/* Horizontal bars: labels[i] and values[i] (text of integers or "6,25"). */
static void bars(page *p, const char *title, const char *const *labels, const char *const *values,
                 size_t n)
{
    heading(p, title);
    if (n == 0) {
        line(p, i18n_get(p->tr, "print.none"), 9);
        return;
    }
    double max = 0;
    for (size_t i = 0; i < n; i++) {
        double v = strtod(values[i], NULL);
        if (v > max)
            max = v;
    }
    for (size_t i = 0; i < n && p->y + ROW_H < BOTTOM; i++) {
        char num[32];
        lk_strlcpy(num, values[i], sizeof num);
        char *comma = strchr(num, ',');
        if (comma)
            *comma = '.';
        double v = strtod(num, NULL);
        print_text(p->cr, labels[i], MARGIN, p->y, LABEL_W - PRINT_MM(2), 9, 0, 0);
        double w = max > 0 ? BAR_W * v / max : 0;
        cairo_save(p->cr);
        cairo_rectangle(p->cr, MARGIN + LABEL_W, p->y + PRINT_MM(0.6), w, ROW_H - PRINT_MM(1.4));
        cairo_set_source_rgb(p->cr, 0.45, 0.45, 0.45);
        cairo_fill_preserve(p->cr);
        cairo_set_source_rgb(p->cr, 0, 0, 0);
        cairo_set_line_width(p->cr, 0.5);
        cairo_stroke(p->cr);
        cairo_restore(p->cr);
        print_text(p->cr, values[i], MARGIN + LABEL_W + w + PRINT_MM(2), p->y, PRINT_MM(25), 9,
                   PRINT_BOLD, 0);
        p->y += ROW_H;
    }
}

/* Names in three columns; what does not fit ends in "... and N more". */
static void names(page *p, const char *title, const report_table *t, size_t name_col,
                  size_t group_col, size_t subject_col, const char *only_event)
{
    heading(p, title);
    size_t n = 0;
    for (size_t r = 0; r < t->rows; r++)
        if (!only_event || strcmp(report_cell(t, r, 0), only_event) == 0)
            n++;
    if (n == 0) {
        line(p, i18n_get(p->tr, "print.none"), 9);
        return;
    }
    double col_w = (PAGE_W - 2 * MARGIN) / 3;
    size_t rows_fit = (size_t)((BOTTOM - p->y) / PRINT_MM(4.4));
    if (rows_fit < 1)
        rows_fit = 1;
    size_t cap = rows_fit * 3, shown = 0, i = 0;
    bool cut = n > cap;
    if (cut)
        cap--; /* the last cell says how many more */
    for (size_t r = 0; r < t->rows && shown < cap; r++) {
        if (only_event && strcmp(report_cell(t, r, 0), only_event) != 0)
            continue;
        char buf[256];
        const char *first = report_cell(t, r, name_col);
        snprintf(buf, sizeof buf, "%s (%s) %s", *first ? first : "?", report_cell(t, r, group_col),
                 report_cell(t, r, subject_col));
        size_t row = i / 3, col = i % 3;
        print_text(p->cr, buf, MARGIN + (double)col * col_w, p->y + (double)row * PRINT_MM(4.4),
                   col_w - PRINT_MM(2), 8.5, 0, 0);
        i++;
        shown++;
    }
    if (cut) {
        char c[24], buf[128];
        snprintf(c, sizeof c, "%zu", n - shown);
        fmt1(p->tr, "print.more", "n", c, buf, sizeof buf);
        size_t row = i / 3, col = i % 3;
        print_text(p->cr, buf, MARGIN + (double)col * col_w, p->y + (double)row * PRINT_MM(4.4),
                   col_w - PRINT_MM(2), 8.5, PRINT_BOLD, 0);
        i++;
    }
    p->y += (double)((i + 2) / 3) * PRINT_MM(4.4);
}

/* The five competencies: how many students answered a question of each. */
static void competency_bars(page *p, const report_table *c)
{
    const char *labels[5], *values[5];
    size_t n = 0;
    for (size_t r = 0; r < c->rows && n < 5; r++) {
        if (strcmp(report_cell(c, r, 0), "algemeen") == 0)
            continue;
        labels[n] = report_cell(c, r, 0);
        values[n++] = report_cell(c, r, 2);
    }
    bars(p, i18n_get(p->tr, "print.competencies"), labels, values, n);
}

/* The spread of the overall rating ("Hoe vond je het?"): every answer label. */
static void rating_bars(page *p, const report_table *a)
{
    const char *labels[16], *values[16];
    size_t n = 0;
    for (size_t r = 0; r < a->rows && n < 16; r++)
        if (strcmp(report_cell(a, r, 0), "algemeen") == 0) {
            labels[n] = report_cell(a, r, 2);
            values[n++] = report_cell(a, r, 3);
        }
    bars(p, i18n_get(p->tr, "print.rating"), labels, values, n);
}

static void host_hours(page *p, const report_table *h)
{
    const char *labels[32], *values[32];
    size_t n = 0;
    for (size_t r = 0; r < h->rows && n < 32; r++)
        if (strcmp(report_cell(h, r, 4), "0,00") != 0) {
            labels[n] = report_cell(h, r, 0);
            values[n++] = report_cell(h, r, 4);
        }
    bars(p, i18n_get(p->tr, "print.hours_per_host"), labels, values, n);
}

static void footer(page *p)
{
    print_text(p->cr, p->footer, MARGIN, PAGE_H - PRINT_MM(14), PAGE_W - 2 * MARGIN, 7.5, 0, 0.3);
    cairo_show_page(p->cr);
    p->y = MARGIN;
}

enum { T_HOURS, T_COMP, T_ANS, T_MISS, T_HOSTS, T_KINDS, T_WITHOUT, T_GROUPS, T_N };

static lk_status load(store *st, const config *cfg, const report_filter *f, report_table t[T_N])
{
    static const report_table_id ids[T_N] = {
        REPORT_T_HOURS, REPORT_T_COMPETENCIES, REPORT_T_ANSWERS, REPORT_T_MISSING,
        REPORT_T_HOSTS, REPORT_T_KINDS,        REPORT_T_WITHOUT, REPORT_T_GROUPS};
    return report_tables_get(st, cfg, f, ids, T_N, t);
}

static void unload(report_table t[T_N])
{
    for (size_t i = 0; i < T_N; i++)
        report_table_free(&t[i]);
}

static lk_status event_page(page *p, store *st, const config *cfg, const report_filter *base,
                            const report_table *events, size_t r)
{
    const char *id = report_cell(events, r, 0);
    report_filter f = *base;
    f.event_id = id;
    report_table t[T_N];
    lk_status ls = load(st, cfg, &f, t);
    if (ls != LK_OK) {
        unload(t);
        return ls;
    }
    char buf[512], sub[512];
    const char *title = report_cell(events, r, 11);
    snprintf(buf, sizeof buf, "%s: %s", i18n_get(p->tr, "print.event_page"), *title ? title : id);
    p->y += print_text(p->cr, buf, MARGIN, p->y, PAGE_W - 2 * MARGIN, 17, PRINT_BOLD, 0);
    snprintf(sub, sizeof sub, "%s  ·  %s  ·  %s  ·  %s", report_cell(events, r, 1),
             report_cell(events, r, 3), report_cell(events, r, 2), id);
    line(p, sub, 9.5);
    p->y += PRINT_MM(2);
    const char *cv[] = {"n", report_cell(events, r, 4), "manual", report_cell(events, r, 5), NULL};
    i18n_format(p->tr, "print.checked_in", cv, buf, sizeof buf);
    line(p, buf, 11);
    if (*report_cell(events, r, 6)) {
        const char *v[] = {"came", report_cell(events, r, 7), "expected", report_cell(events, r, 6),
                           NULL};
        i18n_format(p->tr, "print.expected", v, buf, sizeof buf);
        line(p, buf, 11);
    }
    const char *labels[24], *values[24];
    size_t n = 0;
    for (size_t i = 0; i < t[T_HOURS].rows && n < 24; i++) {
        labels[n] = report_cell(&t[T_HOURS], i, 1);
        values[n++] = report_cell(&t[T_HOURS], i, 2);
    }
    bars(p, i18n_get(p->tr, "print.per_hour"), labels, values, n);
    competency_bars(p, &t[T_COMP]);
    rating_bars(p, &t[T_ANS]);
    host_hours(p, &t[T_HOSTS]);
    if (*report_cell(events, r, 6))
        names(p, i18n_get(p->tr, "print.missing"), &t[T_MISS], 3, 4, 2, id);
    footer(p);
    unload(t);
    return LK_OK;
}

static lk_status group_page(page *p, store *st, const config *cfg, const report_filter *base,
                            const report_table *groups, size_t r)
{
    const char *g = report_cell(groups, r, 0);
    report_filter f = *base;
    f.group = strcmp(g, "-") == 0 ? NULL : g;
    if (!f.group)
        return LK_OK; /* students without a group have no page of their own */
    report_table t[T_N];
    lk_status ls = load(st, cfg, &f, t);
    if (ls != LK_OK) {
        unload(t);
        return ls;
    }
    char buf[512];
    snprintf(buf, sizeof buf, "%s: %s", i18n_get(p->tr, "print.group_page"), g);
    p->y += print_text(p->cr, buf, MARGIN, p->y, PAGE_W - 2 * MARGIN, 17, PRINT_BOLD, 0);
    const char *v[] = {"n",       report_cell(groups, r, 1), "with", report_cell(groups, r, 2),
                       "without", report_cell(groups, r, 3), NULL};
    i18n_format(p->tr, "print.students", v, buf, sizeof buf);
    p->y += PRINT_MM(2);
    line(p, buf, 11);
    const char *labels[16], *values[16];
    size_t n = 0;
    for (size_t i = 0; i < t[T_KINDS].rows && n < 16; i++) {
        labels[n] = report_cell(&t[T_KINDS], i, 0);
        values[n++] = report_cell(&t[T_KINDS], i, 1);
    }
    bars(p, i18n_get(p->tr, "print.kinds"), labels, values, n);
    competency_bars(p, &t[T_COMP]);
    rating_bars(p, &t[T_ANS]);
    host_hours(p, &t[T_HOSTS]);
    names(p, i18n_get(p->tr, "print.without"), &t[T_WITHOUT], 2, 3, 1, NULL);
    footer(p);
    unload(t);
    return LK_OK;
}

lk_status print_report_pdf(const char *path, store *st, const config *cfg, const report_filter *f,
                           i18n *tr, const char *period, char *err, size_t err_len)
{
    if (!path || !st || !tr) {
        print_err(err, err_len, "nothing to print");
        return LK_ERR_INVALID;
    }
    report_filter none = {0};
    if (!f)
        f = &none;
    report_table events = {0}, groups = {0};
    lk_status ls = report_table_get(st, cfg, f, REPORT_T_EVENTS, &events);
    if (ls == LK_OK)
        ls = report_table_get(st, cfg, f, REPORT_T_GROUPS, &groups);
    if (ls != LK_OK) {
        print_err(err, err_len, lk_strerror(ls));
        report_table_free(&events);
        report_table_free(&groups);
        return ls;
    }
    cairo_surface_t *pdf = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
    if (cairo_surface_status(pdf) != CAIRO_STATUS_SUCCESS) {
        print_err(err, err_len, cairo_status_to_string(cairo_surface_status(pdf)));
        cairo_surface_destroy(pdf);
        report_table_free(&events);
        report_table_free(&groups);
        return LK_ERR_IO;
    }
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE,
                                   i18n_get(tr, "print.report_title"));
    cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR, "lobkiosk");
    char today[16], foot[256];
    int d = lk_local_yyyymmdd(lk_now_ms());
    snprintf(today, sizeof today, "%02d-%02d-%04d", d % 100, d / 100 % 100, d / 10000);
    const char *fv[] = {"date", today, "period",
                        period && *period ? period : i18n_get(tr, "print.all_time"), NULL};
    i18n_format(tr, "print.made", fv, foot, sizeof foot);
    page p = {.cr = cairo_create(pdf), .tr = tr, .y = MARGIN, .footer = foot};
    print_setup(p.cr);
    size_t pages = 0;
    for (size_t r = 0; ls == LK_OK && r < events.rows; r++, pages++)
        ls = event_page(&p, st, cfg, f, &events, r);
    for (size_t r = 0; ls == LK_OK && r < groups.rows; r++) {
        if (strcmp(report_cell(&groups, r, 0), "-") == 0)
            continue;
        ls = group_page(&p, st, cfg, f, &groups, r);
        pages++;
    }
    if (ls == LK_OK && pages == 0) {
        /* Nothing in the period: one page that says so, not an empty file. */
        p.y += print_text(p.cr, i18n_get(tr, "print.report_title"), MARGIN, p.y,
                          PAGE_W - 2 * MARGIN, 17, PRINT_BOLD, 0);
        line(&p, i18n_get(tr, "print.none"), 11);
        footer(&p);
    }
    cairo_destroy(p.cr);
    cairo_surface_finish(pdf);
    if (ls == LK_OK && cairo_surface_status(pdf) != CAIRO_STATUS_SUCCESS) {
        print_err(err, err_len, cairo_status_to_string(cairo_surface_status(pdf)));
        ls = LK_ERR_IO;
    } else if (ls != LK_OK) {
        print_err(err, err_len, lk_strerror(ls));
    }
    cairo_surface_destroy(pdf);
    if (ls != LK_OK)
        remove(path);
    report_table_free(&events);
    report_table_free(&groups);
    return ls;
}
