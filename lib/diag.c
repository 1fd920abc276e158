/* SPDX-License-Identifier: Apache-2.0 */
/* diag.c -- collecting, sorting and printing diagnostics (see diag.h). */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

void
diag_list_init(struct diag_list *dl, const char *file)
{
    memset(dl, 0, sizeof *dl);
    dl->file = fc_xstrdup(file);
    dl->max_errors = 1000;
}

void
diag_list_destroy(struct diag_list *dl)
{
    for (size_t i = 0; i < dl->n; i++) {
        free(dl->items[i].pointer);
        free(dl->items[i].msg);
    }
    free(dl->items);
    free(dl->file);
    free(dl->owned_text);
    memset(dl, 0, sizeof *dl);
}

void
diag_list_set_text(struct diag_list *dl, const char *text, size_t len)
{
    dl->text = text;
    dl->text_len = len;
}

void
diag_list_take_text(struct diag_list *dl, char *text, size_t len)
{
    free(dl->owned_text);
    dl->owned_text = text;
    diag_list_set_text(dl, text, len);
}

void
diag_vadd(struct diag_list *dl, enum diag_severity sev,
          int line, int col, int len, const char *pointer,
          const char *fmt, va_list args)
{
    struct strbuf sb = STRBUF_INIT;
    struct diag *d;

    if (sev == DIAG_ERROR && dl->max_errors
        && dl->n_errors >= dl->max_errors) {
        dl->n_suppressed++;
        return;
    }
    dl->items = fc_xgrow(dl->items, &dl->cap, dl->n, sizeof *dl->items);
    d = &dl->items[dl->n];
    d->severity = sev;
    d->line = line;
    d->col = col;
    d->len = len < 1 ? 1 : len;
    d->pointer = fc_xstrdup(pointer ? pointer : "");
    strbuf_vprintf(&sb, fmt, args);
    d->msg = strbuf_steal(&sb);
    d->at_key = false;
    d->seq = dl->n++;
    if (sev == DIAG_ERROR) {
        dl->n_errors++;
    }
}

void
diag_add(struct diag_list *dl, enum diag_severity sev,
         int line, int col, int len, const char *pointer,
         const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    diag_vadd(dl, sev, line, col, len, pointer, fmt, args);
    va_end(args);
}

void
diag_vat(struct diag_list *dl, enum diag_severity sev, const char *pointer,
         bool at_key, const char *fmt, va_list args)
{
    size_t n = dl->n;

    diag_vadd(dl, sev, 0, 0, 1, pointer, fmt, args);
    if (dl->n > n) {
        dl->items[n].at_key = at_key;
    }
}

void
diag_at(struct diag_list *dl, enum diag_severity sev, const char *pointer,
        bool at_key, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    diag_vat(dl, sev, pointer, at_key, fmt, args);
    va_end(args);
}

static int
diag_cmp(const void *a_, const void *b_)
{
    const struct diag *a = a_, *b = b_;

    if (a->line != b->line) {
        return a->line < b->line ? -1 : 1;
    }
    if (a->col != b->col) {
        return a->col < b->col ? -1 : 1;
    }
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void
diag_sort(struct diag_list *dl)
{
    if (dl->n > 1) {
        qsort(dl->items, dl->n, sizeof *dl->items, diag_cmp);
    }
}

static const char *
severity_name(enum diag_severity sev)
{
    return (sev == DIAG_ERROR ? "error"
            : sev == DIAG_WARNING ? "warning"
            : "note");
}

/* Finds line 'line' (1-based) of the source text; returns its start and
 * stores its length (without newline) in '*len', or NULL. */
static const char *
find_line(const struct diag_list *dl, int line, size_t *len)
{
    const char *p = dl->text, *end = dl->text + dl->text_len;

    if (!p || line < 1) {
        return NULL;
    }
    for (int i = 1; i < line; i++) {
        p = memchr(p, '\n', end - p);
        if (!p) {
            return NULL;
        }
        p++;
    }
    const char *nl = memchr(p, '\n', end - p);
    *len = (nl ? nl : end) - p;
    if (*len && p[*len - 1] == '\r') {
        (*len)--;
    }
    return p;
}

static void
print_source(const struct diag_list *dl, const struct diag *d, FILE *stream)
{
    size_t len;
    const char *line = find_line(dl, d->line, &len);

    if (!line || d->col < 1 || len > 500) {
        return;
    }
    fprintf(stream, "%5d | %.*s\n      | ", d->line, (int) len, line);
    for (int i = 1; i < d->col && (size_t) i <= len; i++) {
        fputc(line[i - 1] == '\t' ? '\t' : ' ', stream);
    }
    fputc('^', stream);
    int room = (int) len - d->col;      /* Characters left on the line. */
    for (int i = 1; i < d->len && i <= room; i++) {
        fputc('~', stream);
    }
    fputc('\n', stream);
}

void
diag_print(const struct diag_list *dl, FILE *stream, bool show_source)
{
    for (size_t i = 0; i < dl->n; i++) {
        const struct diag *d = &dl->items[i];

        fputs(dl->file, stream);
        if (d->line > 0) {
            fprintf(stream, ":%d:%d", d->line, d->col);
        }
        fprintf(stream, ": %s: %s%s%s\n", severity_name(d->severity),
                d->pointer, *d->pointer ? ": " : "", d->msg);
        if (show_source) {
            print_source(dl, d, stream);
        }
    }
    if (dl->n_suppressed) {
        fprintf(stream, "%s: note: %zu more errors not shown\n",
                dl->file, dl->n_suppressed);
    }
}

char *
diag_pointer_join(const char *base, const char *token)
{
    struct strbuf sb = STRBUF_INIT;

    strbuf_puts(&sb, base ? base : "");
    strbuf_putc(&sb, '/');
    for (const char *p = token; *p; p++) {
        if (*p == '~') {
            strbuf_puts(&sb, "~0");
        } else if (*p == '/') {
            strbuf_puts(&sb, "~1");
        } else {
            strbuf_putc(&sb, *p);
        }
    }
    return strbuf_steal(&sb);
}

char *
diag_pointer_index(const char *base, size_t index)
{
    return fc_xasprintf("%s/%zu", base ? base : "", index);
}
