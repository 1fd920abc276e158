/* SPDX-License-Identifier: Apache-2.0 */
/* pipe.c -- stage 4 driver: rule kinds, cookies, the flow IR, and table 0
 * (port classification).  The other tables are built by pipe-guard.c,
 * pipe-respond.c, pipe-border.c and pipe-forward.c. */
#include "pipe-priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static const struct {
    const char *slug;
    bool drop;
    const char *desc;
} kinds[PIPE_N_KINDS] = {
#define PIPE_KIND(ENUM, SLUG, DROP, DESC) \
    [PIPE_K_##ENUM] = { SLUG, DROP, DESC },
    PIPE_KINDS
#undef PIPE_KIND
};

const char *
pipe_kind_slug(enum pipe_kind k)
{
    return k < PIPE_N_KINDS ? kinds[k].slug : "?";
}

const char *
pipe_kind_description(enum pipe_kind k)
{
    return k < PIPE_N_KINDS ? kinds[k].desc : "?";
}

bool
pipe_kind_is_drop(enum pipe_kind k)
{
    return k < PIPE_N_KINDS && kinds[k].drop;
}

int
pipe_kind_from_slug(const char *slug)
{
    for (int k = 0; k < PIPE_N_KINDS; k++) {
        if (!strcmp(kinds[k].slug, slug)) {
            return k;
        }
    }
    return -1;
}

uint64_t
pipe_cookie(enum pipe_kind kind, uint32_t port_id, uint32_t detail)
{
    return (PIPE_COOKIE_TAG << 56) | ((uint64_t) kind << 48)
           | ((uint64_t) (port_id & 0xffffff) << 24) | (detail & 0xffffff);
}

bool
pipe_cookie_is_ours(uint64_t cookie)
{
    return cookie >> 56 == PIPE_COOKIE_TAG;
}

enum pipe_kind
pipe_cookie_kind(uint64_t cookie)
{
    return (cookie >> 48) & 0xff;
}

uint32_t
pipe_cookie_port(uint64_t cookie)
{
    return (cookie >> 24) & 0xffffff;
}

/* A block of flow text. */
struct pipe_block {
    struct pipe_block *next;
    size_t used, cap;
    char data[];
};

/* Copies 'n' bytes of 's' and a NUL into pb's blocks; returns the copy,
 * freed with the bridge. */
static const char *
block_strdup(struct pipe_bridge *pb, const char *s, size_t n)
{
    struct pipe_block *b = pb->blocks;
    char *copy;

    if (!b || b->cap - b->used < n + 1) {
        size_t cap = n + 1 > 256 * 1024 ? n + 1 : 256 * 1024;

        b = fc_xmalloc(sizeof *b + cap);
        b->next = pb->blocks;
        b->used = 0;
        b->cap = cap;
        pb->blocks = b;
    }
    copy = memcpy(b->data + b->used, s, n);
    copy[n] = '\0';
    b->used += n + 1;
    return copy;
}

void
px_flow(struct pctx *c, uint8_t table, uint16_t priority,
        enum pipe_kind kind, const struct topo_port *port,
        const char *actions, const char *match_fmt, ...)
{
    struct pipe_bridge *pb = c->out;
    struct pipe_flow *f;
    va_list args;

    if (!px_wanted(c, port)) {
        return;
    }
    pb->flows = fc_xgrow(pb->flows, &pb->cap_flows, pb->n_flows,
                      sizeof *pb->flows);
    f = &pb->flows[pb->n_flows++];
    f->table = table;
    f->priority = priority;
    f->kind = kind;
    f->port = port;
    f->flood_chunk = c->flood_chunk;
    f->drop = (pipe_kind_is_drop(kind) && !strstr(actions, "resubmit(")
               && !strstr(actions, "IN_PORT"));
    f->cookie = pipe_cookie(kind, port ? port->id : 0, c->detail);
    strbuf_clear(&c->match);
    va_start(args, match_fmt);
    strbuf_vprintf(&c->match, match_fmt, args);
    va_end(args);
    f->match = block_strdup(pb, strbuf_cstr(&c->match), c->match.len);
    f->actions = block_strdup(pb, actions, strlen(actions));
}

const char *
px_ref(const struct pctx *c, const struct topo_port *p)
{
    char **ref = &c->refs[p->index];

    if (!*ref) {
        unsigned int n = c->opt->ofport ? c->opt->ofport(p, c->opt->aux) : 0;
        *ref = (n && n != PIPE_OFPORT_ABSENT ? fc_xasprintf("%u", n)
                : fc_xstrdup(p->name));
    }
    return *ref;
}

size_t
pipe_n_flood_chunks(const struct topo_bridge *br)
{
    return br->n_ports ? (br->n_ports - 1) / PIPE_FLOOD_CHUNK + 1 : 1;
}

bool *
pipe_wanted_chunks(const struct topo_bridge *br, const bool *only_ports)
{
    bool *chunks = fc_xzalloc(pipe_n_flood_chunks(br) * sizeof *chunks);

    for (size_t i = 0; i < br->n_ports; i++) {
        if (only_ports[i]) {
            chunks[pipe_flood_chunk(br->ports[i])] = true;
        }
    }
    return chunks;
}

const char *
px_drop(struct pctx *c, enum pipe_kind kind, const struct topo_port *port)
{
    uint64_t cookie;

    if (!c->br->log_drops) {
        return "drop";
    }
    /* To the controller through the bridge's meter, the flow's cookie as
     * userdata so the runtime can name the rule even without the
     * packet-in's own cookie field. */
    cookie = pipe_cookie(kind, port ? port->id : 0, c->detail);
    int n = snprintf(c->drop_buf, sizeof c->drop_buf,
                     "meter:%d,controller(userdata=", PIPE_LOG_METER);
    char *p = c->drop_buf + n;

    /* The cookie's 8 bytes as "xx.xx.xx.xx.xx.xx.xx.xx" (one per flow:
     * by hand, not printf). */
    for (int shift = 56; shift >= 0; shift -= 8) {
        *p++ = "0123456789abcdef"[(cookie >> (shift + 4)) & 15];
        *p++ = "0123456789abcdef"[(cookie >> shift) & 15];
        *p++ = shift ? '.' : ')';
    }
    *p = '\0';
    return c->drop_buf;
}

const char *
px_addr(const struct prefix *p, char buf[PREFIX_STRLEN])
{
    return prefix_format(p, buf);
}

void
px_announce(struct pctx *c, uint8_t table, const struct topo_port *p,
            const struct prefix *a, int next_table)
{
    char buf[PREFIX_STRLEN], next[64];

    if (a->family != AF_INET || a->plen != 32) {
        return;
    }
    px_addr(a, buf);
    snprintf(next, sizeof next, "set_field:"PX_ANNOUNCE_MARK"->reg3,"
             "resubmit(,%d)", next_table);
    px_flow(c, table, 210, PIPE_K_ANNOUNCE, p, next,
            "in_port=%s,arp,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=%s,arp_tpa=%s",
            px_ref(c, p), buf, buf);
}

/* Table 0: copies of what mirrored ports send (before any check: the
 * monitor sees attacks too); table 1: what each ingress port is. */
void
pipe_build_classify(struct pctx *c)
{
    const struct topo_bridge *br = c->br;
    struct strbuf sb = STRBUF_INIT;
    char mac[MAC_STRLEN], next[32];

    snprintf(next, sizeof next, "resubmit(,%d)", PIPE_T_CLASSIFY);
    for (size_t i = 0; i < c->n_ports; i++) {
        const struct topo_port *p = c->ports[i];

        if (!px_present(c, p) || !px_wanted(c, p)) {
            continue;
        }
        const char *ref = px_ref(c, p);
        strbuf_clear(&sb);
        if (p->role != TOPO_MONITOR) {
            px_mirror_actions(c, p, TOPO_MIRROR_IN, &sb);
        }
        if (sb.len) {
            strbuf_puts(&sb, next);
            px_flow(c, PIPE_T_MIRROR_IN, 100, PIPE_K_MIRROR, p,
                    strbuf_cstr(&sb), "in_port=%s", ref);
        }

        switch (p->role) {
        case TOPO_GUEST:
        case TOPO_HOST:
            px_flow(c, PIPE_T_CLASSIFY, 300, PIPE_K_VLAN_GUARD, p,
                    px_drop(c, PIPE_K_VLAN_GUARD, p),
                    "in_port=%s,vlan_tci=0x1000/0x1000", ref);
            strbuf_clear(&sb);
            /* reg3 bit 0: the frame came from a guest or host port (the
             * NAT block list and routing act on those only). */
            strbuf_printf(&sb, "%sresubmit(,%d)",
                          br->nat ? "set_field:0x1/0x1->reg3," : "",
                          PIPE_T_SOURCE);
            px_flow(c, PIPE_T_CLASSIFY, 200, PIPE_K_CLASSIFY, p,
                    strbuf_cstr(&sb), "in_port=%s,dl_src=%s", ref,
                    mac_format(&p->mac, mac));
            px_flow(c, PIPE_T_CLASSIFY, 100, PIPE_K_L2_GUARD, p,
                    px_drop(c, PIPE_K_L2_GUARD, p), "in_port=%s", ref);
            break;
        case TOPO_UPLINK:
        case TOPO_PATCH:
            px_flow(c, PIPE_T_CLASSIFY, 300, PIPE_K_VLAN_GUARD, p,
                    px_drop(c, PIPE_K_VLAN_GUARD, p),
                    "in_port=%s,vlan_tci=0x1000/0x1000", ref);
            strbuf_clear(&sb);
            strbuf_printf(&sb, "resubmit(,%d)", PIPE_T_BORDER_L2);
            px_flow(c, PIPE_T_CLASSIFY, 200, PIPE_K_CLASSIFY, p,
                    strbuf_cstr(&sb), "in_port=%s", ref);
            break;
        case TOPO_MONITOR:
            px_flow(c, PIPE_T_CLASSIFY, 200, PIPE_K_MONITOR_TX, p,
                    px_drop(c, PIPE_K_MONITOR_TX, p), "in_port=%s", ref);
            break;
        }
    }
    px_flow(c, PIPE_T_MIRROR_IN, 0, PIPE_K_PASS, NULL, next, "%s", "");
    px_flow(c, PIPE_T_CLASSIFY, 0, PIPE_K_UNKNOWN_PORT, NULL,
            px_drop(c, PIPE_K_UNKNOWN_PORT, NULL), "%s", "");
    strbuf_destroy(&sb);
}

/* Sets the ports a partial build visits (struct pctx): the wanted ones
 * merged, in port order, with the outside border ports. */
static void
visit_wanted(struct pctx *c)
{
    const struct topo_bridge *br = c->br;
    const bool *only = c->opt->only_ports;
    size_t n_wanted = 0, n = 0, k = 0;

    for (size_t i = 0; i < br->n_ports; i++) {
        n_wanted += only[i];
    }
    c->visit = fc_xmalloc((n_wanted + c->mb->n_outside + 1)
                          * sizeof *c->visit);
    for (size_t i = 0; i < br->n_ports; i++) {
        if (!only[i]) {
            continue;
        }
        for (; k < c->mb->n_outside && c->mb->outside[k]->index < i; k++) {
            c->visit[n++] = c->mb->outside[k];
        }
        if (k < c->mb->n_outside && c->mb->outside[k]->index == i) {
            k++;
        }
        c->visit[n++] = br->ports[i];
    }
    while (k < c->mb->n_outside) {
        c->visit[n++] = c->mb->outside[k++];
    }
    c->ports = c->visit;
    c->n_ports = n;
}

struct pipe_bridge *
pipe_build(const struct model *m, const struct topo_bridge *br,
           const struct pipe_options *opt)
{
    static const struct pipe_options no_options;
    struct pipe_bridge *pb = fc_xzalloc(sizeof *pb);
    struct pctx c = {
        .m = m,
        .mb = &m->bridges[br->index],
        .br = br,
        .opt = opt ? opt : &no_options,
        .out = pb,
        .filter_zone = PIPE_ZONE_BASE + 2 * br->index,
        .nat_zone = PIPE_ZONE_BASE + 2 * br->index + 1,
    };

    pb->br = br;
    c.nd_answer = (c.opt->nd_ext == PIPE_ND_EXT_YES
                   || (c.opt->nd_ext == PIPE_ND_EXT_AUTO
                       && !strcmp(br->datapath_type, "netdev")));
    /* Most bridges need some 50-70 flows a port: start there rather than
     * growing (copying) the array a dozen times. */
    pb->cap_flows = 64 * (c.opt->only_ports ? 1 : br->n_ports + 1);
    pb->flows = fc_xmalloc(pb->cap_flows * sizeof *pb->flows);
    c.flood_chunk = -1;
    c.refs = fc_xzalloc((br->n_ports + 1) * sizeof *c.refs);
    if (c.opt->only_ports) {
        c.chunks = pipe_wanted_chunks(br, c.opt->only_ports);
        visit_wanted(&c);
    } else {
        c.ports = (const struct topo_port *const *) br->ports;
        c.n_ports = br->n_ports;
    }

    pipe_build_classify(&c);
    pipe_build_guards(&c);
    pipe_build_responder(&c);
    pipe_build_border(&c);
    pipe_build_announce(&c);
    pipe_build_conntrack(&c);
    pipe_build_forward(&c);

    for (size_t i = 0; i < br->n_ports; i++) {
        free(c.refs[i]);
    }
    free(c.refs);
    free(c.visit);
    free(c.chunks);
    strbuf_destroy(&c.match);
    strbuf_destroy(&c.act);
    return pb;
}

bool
pipe_port_is_shared(const struct topo_bridge *br, const struct topo_port *p)
{
    for (size_t m = 0; m < br->n_mirrors; m++) {
        if (br->mirrors[m].to == p) {
            return true;
        }
    }
    return false;
}

void
pipe_bridge_destroy(struct pipe_bridge *pb)
{
    if (!pb) {
        return;
    }
    while (pb->blocks) {
        struct pipe_block *next = pb->blocks->next;

        free(pb->blocks);
        pb->blocks = next;
    }
    free(pb->flows);
    free(pb);
}

char *
pipe_meters(const struct topo_bridge *br)
{
    if (!br->log_drops) {
        return fc_xstrdup("");
    }
    return fc_xasprintf("meter=%d,pktps,band=type=drop,rate=%u\n",
                        PIPE_LOG_METER, br->log_rate_pps);
}

void
pipe_flow_put_rule_name(const struct pipe_bridge *pb,
                        const struct pipe_flow *f, struct strbuf *sb)
{
    bool is_drop = pipe_kind_is_drop(f->kind);

    strbuf_puts(sb, pipe_kind_slug(f->kind));
    strbuf_putc(sb, ' ');
    strbuf_puts(sb, pb->br->name);
    if (f->port) {
        strbuf_putc(sb, '/');
        strbuf_puts(sb, f->port->name);
    }
    strbuf_puts(sb, ": ");
    if (is_drop) {
        strbuf_puts(sb, f->drop ? "drop: " : "pass");
    }
    if (!is_drop || f->drop) {
        strbuf_puts(sb, pipe_kind_description(f->kind));
    }
}

char *
pipe_flow_rule_name(const struct pipe_bridge *pb, const struct pipe_flow *f)
{
    struct strbuf sb = STRBUF_INIT;

    pipe_flow_put_rule_name(pb, f, &sb);
    return strbuf_steal(&sb);
}
