/* SPDX-License-Identifier: Apache-2.0 */
/* strbuf-format.c -- printf-style formatting into a strbuf, with a fast
 * path for the handful of conversions the compiler uses.
 *
 * The compiler formats every match and action of every flow; glibc's
 * vsnprintf costs about a fifth of a compile.  Formats made only of
 * %s, %c, %d, %i, %u, %x, %X and %% (with an optional '0' flag, a width
 * and an l, ll, z or h length) are formatted here in one pass; any other
 * format goes to vsnprintf unchanged, so the output is always what
 * printf would write. */
#include "strbuf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One conversion specification, parsed. */
struct spec {
    bool zero;          /* '0' flag. */
    unsigned int width;
    char length;        /* 0, 'h', 'l', 'L' (ll) or 'z'. */
    char conv;          /* 's', 'c', 'd', 'i', 'u', 'x', 'X' or '%'. */
};

/* Parses the specification after a '%' at '*p'; advances '*p' past it.
 * Returns false if it is not one the fast path handles. */
static bool
parse_spec(const char **p, struct spec *s)
{
    const char *q = *p;

    memset(s, 0, sizeof *s);
    if (*q == '0') {
        s->zero = true;
        q++;
    }
    while (*q >= '0' && *q <= '9') {
        s->width = s->width * 10 + (*q++ - '0');
        if (s->width > 64) {
            return false;
        }
    }
    if (*q == 'l') {
        q++;
        s->length = 'l';
        if (*q == 'l') {
            q++;
            s->length = 'L';
        }
    } else if (*q == 'z' || *q == 'h') {
        s->length = *q++;
    }
    if (!*q || !strchr("scdiuxX%", *q)
        || ((*q == 's' || *q == 'c' || *q == '%') && s->length)) {
        return false;
    }
    s->conv = *q++;
    *p = q;
    return true;
}

static bool
fast_format_ok(const char *fmt)
{
    struct spec s;

    for (const char *p = strchr(fmt, '%'); p; p = strchr(p, '%')) {
        p++;
        if (!parse_spec(&p, &s)) {
            return false;
        }
    }
    return true;
}

static void
put_padded(struct strbuf *sb, const char *p, size_t n, const struct spec *s,
           bool numeric)
{
    for (size_t i = n; i < s->width; i++) {
        strbuf_putc(sb, s->zero && numeric ? '0' : ' ');
    }
    strbuf_put(sb, p, n);
}

/* Formats an integer of spec 's' taken from 'args'. */
static void
put_integer(struct strbuf *sb, const struct spec *s, va_list *args)
{
    bool is_signed = s->conv == 'd' || s->conv == 'i';
    unsigned long long v;
    bool neg = false;

    if (is_signed) {
        long long x = (s->length == 'L' ? va_arg(*args, long long)
                       : s->length == 'l' ? va_arg(*args, long)
                       : s->length == 'z' ? (long long) va_arg(*args, size_t)
                       : s->length == 'h' ? (short) va_arg(*args, int)
                       : va_arg(*args, int));
        neg = x < 0;
        v = neg ? -(unsigned long long) x : (unsigned long long) x;
    } else {
        v = (s->length == 'L' ? va_arg(*args, unsigned long long)
             : s->length == 'l' ? va_arg(*args, unsigned long)
             : s->length == 'z' ? va_arg(*args, size_t)
             : s->length == 'h' ? (unsigned short) va_arg(*args, unsigned int)
             : va_arg(*args, unsigned int));
    }

    char tmp[24];
    char *end = tmp + sizeof tmp, *p = end;
    const char *digits = s->conv == 'X' ? "0123456789ABCDEF"
                                        : "0123456789abcdef";
    unsigned int base = s->conv == 'x' || s->conv == 'X' ? 16 : 10;

    do {
        *--p = digits[v % base];
        v /= base;
    } while (v);
    if (neg) {
        if (s->zero) {
            /* printf puts the sign before the zero padding. */
            struct spec t = *s;

            strbuf_putc(sb, '-');
            t.width = t.width ? t.width - 1 : 0;
            put_padded(sb, p, end - p, &t, true);
            return;
        }
        *--p = '-';
    }
    put_padded(sb, p, end - p, s, true);
}

static void
fast_format(struct strbuf *sb, const char *fmt, va_list *args)
{
    const char *p = fmt;

    for (;;) {
        const char *pct = strchr(p, '%');
        struct spec s;

        if (!pct) {
            strbuf_puts(sb, p);
            return;
        }
        strbuf_put(sb, p, pct - p);
        p = pct + 1;
        parse_spec(&p, &s);
        if (s.conv == '%') {
            strbuf_putc(sb, '%');
        } else if (s.conv == 's') {
            const char *str = va_arg(*args, const char *);

            put_padded(sb, str, strlen(str), &s, false);
        } else if (s.conv == 'c') {
            char c = va_arg(*args, int);

            put_padded(sb, &c, 1, &s, false);
        } else {
            put_integer(sb, &s, args);
        }
    }
}

void
strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list args)
{
    va_list copy;
    int n;

    va_copy(copy, args);
    if (fast_format_ok(fmt)) {
        fast_format(sb, fmt, &copy);
        va_end(copy);
        if (!sb->s) {
            strbuf_put(sb, "", 0);
        }
        return;
    }
    strbuf_reserve(sb, 64);
    n = vsnprintf(sb->s + sb->len, sb->cap - sb->len, fmt, copy);
    va_end(copy);
    if (n < 0) {
        abort();
    }
    if ((size_t) n >= sb->cap - sb->len) {
        strbuf_reserve(sb, n);
        vsnprintf(sb->s + sb->len, sb->cap - sb->len, fmt, args);
    }
    sb->len += n;
}

void
strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    strbuf_vprintf(sb, fmt, args);
    va_end(args);
}

void
strbuf_put_uint(struct strbuf *sb, unsigned long long v)
{
    char tmp[24];
    char *end = tmp + sizeof tmp, *p = end;

    do {
        *--p = '0' + v % 10;
        v /= 10;
    } while (v);
    strbuf_put(sb, p, end - p);
}

void
strbuf_put_hex(struct strbuf *sb, unsigned long long v, unsigned int width)
{
    char tmp[24];
    char *end = tmp + sizeof tmp, *p = end;

    if (width > 16) {
        width = 16;
    }
    do {
        *--p = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v);
    while ((unsigned int) (end - p) < width) {
        *--p = '0';
    }
    strbuf_put(sb, p, end - p);
}
