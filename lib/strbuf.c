/* SPDX-License-Identifier: Apache-2.0 */
/* strbuf.c -- growable string buffer and abort-on-OOM allocation helpers. */
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
oom(void)
{
    fputs("ovs-flowc: out of memory\n", stderr);
    abort();
}

void *
fc_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        oom();
    }
    return p;
}

void *
fc_xzalloc(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p) {
        oom();
    }
    return p;
}

void *
fc_xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        oom();
    }
    return p;
}

char *
fc_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(fc_xmalloc(n), s, n);
}

char *
fc_xasprintf(const char *fmt, ...)
{
    struct strbuf sb = STRBUF_INIT;
    va_list args;

    va_start(args, fmt);
    strbuf_vprintf(&sb, fmt, args);
    va_end(args);
    return strbuf_steal(&sb);
}

void *
fc_xgrow(void *items, size_t *cap, size_t n, size_t elem)
{
    if (n >= *cap) {
        *cap = *cap ? *cap * 2 : 8;
        if (*cap <= n) {
            *cap = n + 1;
        }
        items = fc_xrealloc(items, *cap * elem);
    }
    return items;
}

void
strbuf_reserve(struct strbuf *sb, size_t extra)
{
    if (sb->len + extra + 1 > sb->cap) {
        size_t cap = sb->cap ? sb->cap * 2 : 64;
        while (cap < sb->len + extra + 1) {
            cap *= 2;
        }
        sb->s = fc_xrealloc(sb->s, cap);
        sb->cap = cap;
    }
}

void
strbuf_put(struct strbuf *sb, const char *p, size_t n)
{
    strbuf_reserve(sb, n);
    memcpy(sb->s + sb->len, p, n);
    sb->len += n;
    sb->s[sb->len] = '\0';
}

void
strbuf_puts(struct strbuf *sb, const char *s)
{
    strbuf_put(sb, s, strlen(s));
}

void
strbuf_putc(struct strbuf *sb, char c)
{
    strbuf_reserve(sb, 1);
    sb->s[sb->len++] = c;
    sb->s[sb->len] = '\0';
}



const char *
strbuf_cstr(struct strbuf *sb)
{
    return sb->s ? sb->s : "";
}

void
strbuf_clear(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->s) {
        sb->s[0] = '\0';
    }
}

char *
strbuf_steal(struct strbuf *sb)
{
    char *s = sb->s ? sb->s : fc_xstrdup("");
    sb->s = NULL;
    sb->len = sb->cap = 0;
    return s;
}

void
strbuf_destroy(struct strbuf *sb)
{
    free(sb->s);
    sb->s = NULL;
    sb->len = sb->cap = 0;
}
