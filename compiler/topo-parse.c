/* SPDX-License-Identifier: Apache-2.0 */
/* topo-parse.c -- stage 1: read the topology file and parse it with
 * jansson (duplicate keys rejected), keeping the raw text for positions.
 * Also owns topo_destroy() and the small lookup helpers of topo.h. */
#include "topo.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "topo-pos.h"

/* Largest topology accepted: far beyond any real host (a 100k-guest
 * topology is ~20 MB), small enough to bound memory on hostile input. */
#define TOPO_MAX_BYTES (256u << 20)

static struct topo *
topo_create(const char *name)
{
    struct topo *t = fc_xzalloc(sizeof *t);
    t->file = fc_xstrdup(name);
    return t;
}

static void
parse_text(struct topo *t, struct diag_list *diags)
{
    json_error_t err;

    diag_list_set_text(diags, t->text, t->text_len);
    if (memchr(t->text, '\0', t->text_len)) {
        const char *nul = memchr(t->text, '\0', t->text_len);
        int line = 1, col = 1;
        for (const char *p = t->text; p < nul; p++) {
            if (*p == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        diag_add(diags, DIAG_ERROR, line, col, 1, NULL,
                 "NUL byte in topology text");
        return;
    }
    t->root = json_loadb(t->text, t->text_len,
                         JSON_REJECT_DUPLICATES,
                         &err);
    if (!t->root) {
        diag_add(diags, DIAG_ERROR, err.line > 0 ? err.line : 1,
                 err.column > 0 ? err.column : 1, 1, NULL,
                 "JSON syntax: %s%s",
                 strstr(err.text, "unable to decode byte")
                 ? "invalid UTF-8: " : "", err.text);
    }
}

struct topo *
topo_parse_buffer(const char *name, const char *text, size_t len,
                  struct diag_list *diags)
{
    struct topo *t = topo_create(name);

    t->text = fc_xmalloc(len + 1);
    memcpy(t->text, text, len);
    t->text[len] = '\0';
    t->text_len = len;
    parse_text(t, diags);
    return t;
}

struct topo *
topo_parse_file(const char *file, struct diag_list *diags)
{
    struct topo *t = topo_create(file);
    struct strbuf sb = STRBUF_INIT;
    FILE *stream = !strcmp(file, "-") ? stdin : fopen(file, "rb");
    char buf[65536];
    size_t n;

    if (!stream) {
        diag_add(diags, DIAG_ERROR, 0, 0, 1, NULL, "cannot open: %s",
                 strerror(errno));
        t->text = fc_xstrdup("");
        return t;
    }
    while ((n = fread(buf, 1, sizeof buf, stream)) > 0) {
        if (sb.len + n > TOPO_MAX_BYTES) {
            diag_add(diags, DIAG_ERROR, 0, 0, 1, NULL,
                     "file larger than %u MiB", TOPO_MAX_BYTES >> 20);
            break;
        }
        strbuf_put(&sb, buf, n);
    }
    if (ferror(stream)) {
        diag_add(diags, DIAG_ERROR, 0, 0, 1, NULL, "read error: %s",
                 strerror(errno));
    }
    if (stream != stdin) {
        fclose(stream);
    }
    t->text_len = sb.len;
    t->text = strbuf_steal(&sb);
    if (!diag_has_errors(diags)) {
        parse_text(t, diags);
    }
    return t;
}

struct topo *
topo_load(const char *file, struct diag_list *diags)
{
    struct topo *t = topo_parse_file(file, diags);

    if (!diag_has_errors(diags)) {
        topo_check(t, diags);
    }
    diag_sort(diags);
    if (diag_has_errors(diags)) {
        /* The diagnostics echo source lines: keep the text alive. */
        diag_list_take_text(diags, t->text, t->text_len);
        t->text = NULL;
        topo_destroy(t);
        return NULL;
    }
    return t;
}

static void
port_destroy(struct topo_port *p)
{
    free(p->name);
    free(p->pointer);
    prefix_set_destroy(&p->ipv4);
    prefix_set_destroy(&p->ipv6);
    prefix_set_destroy(&p->link_local);
    prefix_set_destroy(&p->extra);
    free(p->iface_id);
    free(p->peer_bridge_name);
    free(p->peer_port_name);
    free(p);
}

static void
ref_destroy(struct topo_ref *r)
{
    free(r->text);
}

static void
bridge_destroy(struct topo_bridge *b)
{
    for (size_t i = 0; i < b->n_ports; i++) {
        port_destroy(b->ports[i]);
    }
    free(b->ports);
    for (size_t i = 0; i < b->n_mirrors; i++) {
        free(b->mirrors[i].name);
        free(b->mirrors[i].from);
    }
    free(b->mirrors);
    if (b->nat) {
        prefix_set_destroy(&b->nat->block);
        free(b->nat->forwards);
        free(b->nat);
    }
    for (size_t i = 0; i < b->policy.n_rules; i++) {
        ref_destroy(&b->policy.rules[i].from);
        ref_destroy(&b->policy.rules[i].to);
        free(b->policy.rules[i].ports);
    }
    free(b->policy.rules);
    prefix_set_destroy(&b->subnets);
    free(b->datapath_type);
    free(b->name);
    free(b->pointer);
    free(b);
}

void
topo_destroy(struct topo *t)
{
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n_bridges; i++) {
        bridge_destroy(t->bridges[i]);
    }
    free(t->bridges);
    for (size_t i = 0; i < t->n_groups; i++) {
        free(t->groups[i]->name);
        free(t->groups[i]->ports);
        prefix_set_destroy(&t->groups[i]->cidrs);
        free(t->groups[i]);
    }
    free(t->groups);
    free(t->ports_by_id);
    json_decref(t->root);
    free(t->text);
    free(t->file);
    free(t);
}

struct topo_bridge *
topo_find_bridge(const struct topo *t, const char *name)
{
    for (size_t i = 0; i < t->n_bridges; i++) {
        if (!strcmp(t->bridges[i]->name, name)) {
            return t->bridges[i];
        }
    }
    return NULL;
}

struct topo_port *
topo_bridge_find_port(const struct topo_bridge *b, const char *name)
{
    size_t lo = 0, hi = b->n_ports;

    while (lo < hi) {           /* Ports are sorted by name. */
        size_t mid = (lo + hi) / 2;
        int c = strcmp(b->ports[mid]->name, name);
        if (!c) {
            return b->ports[mid];
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

struct topo_group *
topo_find_group(const struct topo *t, const char *name)
{
    for (size_t i = 0; i < t->n_groups; i++) {
        if (!strcmp(t->groups[i]->name, name)) {
            return t->groups[i];
        }
    }
    return NULL;
}

const char *
topo_role_name(enum topo_role role)
{
    switch (role) {
    case TOPO_GUEST: return "guest";
    case TOPO_HOST: return "host";
    case TOPO_UPLINK: return "uplink";
    case TOPO_PATCH: return "patch";
    case TOPO_MONITOR: return "monitor";
    }
    return "?";
}

void
prefix_set_add(struct prefix_set *set, const struct prefix *p)
{
    set->p = fc_xgrow(set->p, &set->cap, set->n, sizeof *set->p);
    set->p[set->n++] = *p;
}

bool
prefix_set_contains_addr(const struct prefix_set *set,
                         const struct prefix *addr)
{
    for (size_t i = 0; i < set->n; i++) {
        if (prefix_contains(&set->p[i], addr)) {
            return true;
        }
    }
    return false;
}

static int
cmp_prefix(const void *a, const void *b)
{
    return prefix_cmp(a, b);
}

void
prefix_set_sort_unique(struct prefix_set *set)
{
    size_t n = 0;

    if (set->n < 2) {
        return;
    }
    qsort(set->p, set->n, sizeof *set->p, cmp_prefix);
    for (size_t i = 0; i < set->n; i++) {
        if (!n || !prefix_equal(&set->p[n - 1], &set->p[i])) {
            set->p[n++] = set->p[i];
        }
    }
    set->n = n;
}

void
prefix_set_destroy(struct prefix_set *set)
{
    free(set->p);
    memset(set, 0, sizeof *set);
}
