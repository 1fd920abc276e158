/* SPDX-License-Identifier: Apache-2.0 */
/* strbuf.h -- a growable, always NUL-terminated string buffer.
 *
 * The compiler builds every match and action as text; this is the one
 * buffer type it uses for that (the OVS `struct ds` is not available in the
 * OVS-free parts of the compiler).  A zero-initialized strbuf is valid and
 * empty. */
#ifndef STRBUF_H
#define STRBUF_H 1

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
    char *s;            /* Owned; NULL until something is written. */
    size_t len;         /* Bytes used, excluding the terminating NUL. */
    size_t cap;         /* Bytes allocated. */
};

#define STRBUF_INIT { NULL, 0, 0 }

/* Appends 'n' bytes of 'p'. */
void strbuf_put(struct strbuf *, const char *p, size_t n);
/* Appends the NUL-terminated string 's'. */
void strbuf_puts(struct strbuf *, const char *s);
/* Appends one character. */
void strbuf_putc(struct strbuf *, char c);
/* Appends 'v' in decimal. */
void strbuf_put_uint(struct strbuf *, unsigned long long v);
/* Appends 'v' in lowercase hex, zero-padded to 'width' digits (<= 16),
 * without "0x". */
void strbuf_put_hex(struct strbuf *, unsigned long long v,
                    unsigned int width);
/* Makes room for 'extra' more bytes plus the NUL. */
void strbuf_reserve(struct strbuf *, size_t extra);
/* Appends printf-style formatted text (strbuf-format.c: common
 * conversions without vsnprintf, the output always printf's). */
void strbuf_printf(struct strbuf *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *, const char *fmt, va_list);
/* Returns the contents as a C string; never NULL; owned by the strbuf. */
const char *strbuf_cstr(struct strbuf *);
/* Empties the buffer, keeping its memory. */
void strbuf_clear(struct strbuf *);
/* Returns the contents as a malloc'd string the caller owns and resets
 * the buffer to empty. */
char *strbuf_steal(struct strbuf *);
/* Frees the memory. */
void strbuf_destroy(struct strbuf *);

/* Allocation helpers that abort on out-of-memory. */
void *fc_xmalloc(size_t);
void *fc_xzalloc(size_t);
void *fc_xrealloc(void *, size_t);
char *fc_xstrdup(const char *);
char *fc_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Grows '*items' (of 'elem' bytes each) so it holds at least 'n' + 1
 * elements, doubling '*cap'. */
void *fc_xgrow(void *items, size_t *cap, size_t n, size_t elem);

#endif /* strbuf.h */
