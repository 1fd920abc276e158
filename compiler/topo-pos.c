/* SPDX-License-Identifier: Apache-2.0 */
/* topo-pos.c -- one scan of valid JSON text that resolves the positions
 * of the diagnostics' JSON pointers (see topo-pos.h). */
#include "topo-pos.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "strbuf.h"

/* Scanner state over the whole text. */
struct scan {
    const char *p, *start, *end;
    int line;
    const char *line_start;

    struct strbuf ptr;          /* Pointer of the value being scanned. */
    struct diag **wanted;       /* Unresolved diagnostics, sorted by
                                 * pointer. */
    size_t n_wanted;
    size_t n_left;              /* How many are still unresolved. */
};

static int
cmp_wanted(const void *a_, const void *b_)
{
    const struct diag *const *a = a_, *const *b = b_;
    return strcmp((*a)->pointer, (*b)->pointer);
}

static void
skip_ws(struct scan *s)
{
    while (s->p < s->end) {
        char c = *s->p;
        if (c == '\n') {
            s->line++;
            s->line_start = s->p + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            break;
        }
        s->p++;
    }
}

/* Records a position for every wanted diagnostic whose pointer equals the
 * current one and whose at_key matches. */
static void
mark(struct scan *s, bool at_key, const char *tok, size_t toklen, int line,
     const char *line_start)
{
    const char *ptr = strbuf_cstr(&s->ptr);
    size_t lo = 0, hi = s->n_wanted;

    if (!s->n_left) {
        return;
    }
    while (lo < hi) {           /* Lower bound. */
        size_t mid = (lo + hi) / 2;
        if (strcmp(s->wanted[mid]->pointer, ptr) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    for (; lo < s->n_wanted && !strcmp(s->wanted[lo]->pointer, ptr); lo++) {
        struct diag *d = s->wanted[lo];
        if (d->line == 0 && d->at_key == at_key) {
            d->line = line;
            d->col = (int) (tok - line_start) + 1;
            d->len = toklen > 0 && toklen < 10000 ? (int) toklen : 1;
            s->n_left--;
        }
    }
}

/* Appends the UTF-8 encoding of 'cp' to 'sb'. */
static void
put_utf8(struct strbuf *sb, unsigned long cp)
{
    if (cp < 0x80) {
        strbuf_putc(sb, cp);
    } else if (cp < 0x800) {
        strbuf_putc(sb, 0xc0 | (cp >> 6));
        strbuf_putc(sb, 0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        strbuf_putc(sb, 0xe0 | (cp >> 12));
        strbuf_putc(sb, 0x80 | ((cp >> 6) & 0x3f));
        strbuf_putc(sb, 0x80 | (cp & 0x3f));
    } else {
        strbuf_putc(sb, 0xf0 | (cp >> 18));
        strbuf_putc(sb, 0x80 | ((cp >> 12) & 0x3f));
        strbuf_putc(sb, 0x80 | ((cp >> 6) & 0x3f));
        strbuf_putc(sb, 0x80 | (cp & 0x3f));
    }
}

static unsigned long
hex4(const char *p)
{
    return strtoul((char[5]) { p[0], p[1], p[2], p[3], 0 }, NULL, 16);
}

/* Scans a string starting at '"'; if 'out' is nonnull, appends its decoded
 * contents there, escaped as a JSON-pointer token. */
static void
scan_string(struct scan *s, struct strbuf *out)
{
    struct strbuf raw = STRBUF_INIT;

    s->p++;                     /* Opening quote. */
    while (s->p < s->end && *s->p != '"') {
        if (*s->p == '\\' && s->p + 1 < s->end) {
            char c = s->p[1];
            s->p += 2;
            if (!out) {
                if (c == 'u') {
                    s->p += 4;
                }
                continue;
            }
            switch (c) {
            case 'n': strbuf_putc(&raw, '\n'); break;
            case 't': strbuf_putc(&raw, '\t'); break;
            case 'r': strbuf_putc(&raw, '\r'); break;
            case 'b': strbuf_putc(&raw, '\b'); break;
            case 'f': strbuf_putc(&raw, '\f'); break;
            case 'u':
                if (s->end - s->p >= 4) {
                    unsigned long cp = hex4(s->p);
                    s->p += 4;
                    if (cp >= 0xd800 && cp < 0xdc00 && s->end - s->p >= 6
                        && s->p[0] == '\\' && s->p[1] == 'u') {
                        unsigned long lo = hex4(s->p + 2);
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                        s->p += 6;
                    }
                    put_utf8(&raw, cp);
                }
                break;
            default: strbuf_putc(&raw, c); break;
            }
        } else {
            if (out) {
                strbuf_putc(&raw, *s->p);
            }
            s->p++;
        }
    }
    s->p++;                     /* Closing quote. */
    if (out) {
        for (const char *q = strbuf_cstr(&raw); *q; q++) {
            if (*q == '~') {
                strbuf_puts(out, "~0");
            } else if (*q == '/') {
                strbuf_puts(out, "~1");
            } else {
                strbuf_putc(out, *q);
            }
        }
    }
    strbuf_destroy(&raw);
}

static void scan_value(struct scan *s, int depth);

static void
scan_members(struct scan *s, int depth)
{
    size_t base = s->ptr.len;

    s->p++;                     /* '{' */
    for (;;) {
        skip_ws(s);
        if (s->p >= s->end || *s->p == '}') {
            break;
        }
        if (*s->p == ',') {
            s->p++;
            continue;
        }
        const char *key = s->p;
        int key_line = s->line;
        const char *key_ls = s->line_start;
        strbuf_putc(&s->ptr, '/');
        scan_string(s, &s->ptr);
        mark(s, true, key, s->p - key, key_line, key_ls);
        skip_ws(s);
        s->p++;                 /* ':' */
        skip_ws(s);
        scan_value(s, depth + 1);
        s->ptr.len = base;
        s->ptr.s[base] = '\0';
    }
    s->p++;
}

static void
scan_elements(struct scan *s, int depth)
{
    size_t base = s->ptr.len;
    size_t index = 0;

    s->p++;                     /* '[' */
    for (;;) {
        skip_ws(s);
        if (s->p >= s->end || *s->p == ']') {
            break;
        }
        if (*s->p == ',') {
            s->p++;
            continue;
        }
        strbuf_printf(&s->ptr, "/%zu", index++);
        scan_value(s, depth + 1);
        s->ptr.len = base;
        s->ptr.s[base] = '\0';
    }
    s->p++;
}

static void
scan_value(struct scan *s, int depth)
{
    const char *tok = s->p;
    int line = s->line;
    const char *ls = s->line_start;

    if (s->p >= s->end) {
        return;
    }
    switch (*s->p) {
    case '{':
        mark(s, false, tok, 1, line, ls);
        scan_members(s, depth);
        return;
    case '[':
        mark(s, false, tok, 1, line, ls);
        scan_elements(s, depth);
        return;
    case '"':
        scan_string(s, NULL);
        break;
    default:
        while (s->p < s->end && !strchr(",]} \t\r\n", *s->p)) {
            s->p++;
        }
        break;
    }
    mark(s, false, tok, s->p - tok, line, ls);
}

void
topo_pos_resolve(const char *text, size_t len, struct diag_list *diags)
{
    struct scan s;

    memset(&s, 0, sizeof s);
    s.wanted = fc_xmalloc((diags->n + 1) * sizeof *s.wanted);
    for (size_t i = 0; i < diags->n; i++) {
        if (diags->items[i].line == 0) {
            s.wanted[s.n_wanted++] = &diags->items[i];
        }
    }
    if (s.n_wanted && text) {
        qsort(s.wanted, s.n_wanted, sizeof *s.wanted, cmp_wanted);
        s.p = s.start = s.line_start = text;
        s.end = text + len;
        s.line = 1;
        s.n_left = s.n_wanted;
        strbuf_puts(&s.ptr, "");
        skip_ws(&s);
        scan_value(&s, 0);
    }
    for (size_t i = 0; i < s.n_wanted; i++) {
        if (s.wanted[i]->line == 0) {
            s.wanted[i]->line = 1;
            s.wanted[i]->col = 1;
        }
    }
    strbuf_destroy(&s.ptr);
    free(s.wanted);
}
