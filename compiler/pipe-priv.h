/* SPDX-License-Identifier: Apache-2.0 */
/* pipe-priv.h -- what the pipeline stage files share: the build context
 * and the helpers that append flows.  Each pipe-*.c file builds the flows
 * of one group of tables (see pipe.h for the layout). */
#ifndef PIPE_PRIV_H
#define PIPE_PRIV_H 1

#include "pipe.h"
#include "strbuf.h"

/* State of building one bridge's flows. */
struct pctx {
    const struct model *m;              /* Not owned. */
    const struct model_bridge *mb;      /* Not owned. */
    const struct topo_bridge *br;       /* Not owned. */
    const struct pipe_options *opt;     /* Not owned. */
    struct pipe_bridge *out;            /* Being filled; not owned. */
    char **refs;        /* Owned: how each port (by index) is written,
                         * made on first use by px_ref(). */
    /* The ports the stages loop over: every port of the bridge, or in a
     * partial build (opt->only_ports) the wanted ones and the outside
     * border ports, whose flows the bridge-wide unknown-unicast flow of
     * table 50 names (a partial build costs its ports, not the bridge's:
     * the other ports' flows are not built anyway).  In port order. */
    const struct topo_port *const *ports;   /* Not owned. */
    size_t n_ports;
    const struct topo_port **visit;         /* Owned: 'ports' of a partial
                                             * build. */
    bool *chunks;       /* Owned, if opt->only_ports: the flood chunks
                         * wanted.  */
    int flood_chunk;    /* px_flow() makes flood flows of this chunk. */
    uint32_t detail;    /* Low 24 bits of the cookies px_flow() makes
                         * (a policy rule's number), normally 0. */
    bool nd_answer;     /* The switch answers neighbor solicitations
                         * (pipe_options.nd_ext). */
    uint16_t filter_zone;               /* Conntrack zone of the policy. */
    uint16_t nat_zone;                  /* Conntrack zone of NAT. */
    char drop_buf[96];                  /* px_drop()'s result. */
    struct strbuf match;                /* Scratch. */
    struct strbuf act;                  /* Scratch. */
};

/* Appends a flow.  'actions' is copied; the match is printf-formatted. */
void px_flow(struct pctx *, uint8_t table, uint16_t priority,
             enum pipe_kind, const struct topo_port *port,
             const char *actions, const char *match_fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* How port 'p' of this bridge is written in matches and actions. */
const char *px_ref(const struct pctx *c, const struct topo_port *p);

/* Whether port 'p' of this bridge is on the switch (always offline). */
static inline bool
px_present(const struct pctx *c, const struct topo_port *p)
{
    const struct pipe_options *o = c->opt;
    unsigned int n = o->ofport ? o->ofport(p, o->aux) : 0;

    return n != PIPE_OFPORT_ABSENT && (n || !o->only_bound);
}

/* Whether the flows about port 'p' are wanted in this build (see
 * pipe_options.only_ports).  px_flow() checks it for every flow; stage
 * loops check it too, to skip the work for ports left out. */
static inline bool
px_wanted(const struct pctx *c, const struct topo_port *p)
{
    return !p || !c->opt->only_ports || c->opt->only_ports[p->index];
}

/* Whether the flow of flood chunk 'k' is wanted in this build. */
static inline bool
px_wanted_chunk(const struct pctx *c, size_t k)
{
    return !c->chunks || c->chunks[k];
}

/* The actions of a drop flow of 'kind' about 'port'.  Returns a string
 * valid until the next call. */
const char *px_drop(struct pctx *, enum pipe_kind, const struct topo_port *);

/* Formats an address or prefix as ovs-ofctl takes it. */
const char *px_addr(const struct prefix *, char buf[PREFIX_STRLEN]);

/* reg3 bit 1: the frame is an announcement (ovs-flowc(8), ANNOUNCEMENTS),
 * as a match and as the value/mask set_field takes. */
#define PX_ANNOUNCE_MARK "0x2/0x2"
/* If 'a' is an IPv4 host address: a flow of 'table' (10 for port 'p''s
 * own addresses, 31 for those behind patch port 'p') that marks a
 * broadcast ARP from 'p' whose sender and target are both 'a' and
 * resubmits it to 'next_table'. */
void px_announce(struct pctx *, uint8_t table, const struct topo_port *p,
                 const struct prefix *a, int next_table);
/* The server and router roles a guest never has (pipe-guard.c): the
 * kind of the rule that drops it, the host service that grants it, and
 * the match that tells it.  'client_side' roles are told by what reaches
 * a client (its port, the ICMPv6 type), the rest by the server's source
 * port; border ports (pipe-border.c) check the client side only. */
struct px_server_role {
    enum pipe_kind kind;
    unsigned int service;       /* TOPO_SVC_*. */
    const char *match;
    bool client_side;
};
extern const struct px_server_role px_server_roles[];
extern const size_t px_n_server_roles;

/* Table 31: for border port 'p', if an announcement of the outside may
 * come in through it, the flows that send a broadcast ARP whose sender
 * and target are in one of the bridge's IPv4 subnets to the comparison
 * of the two (tables 32-39, pipe-announce.c). */
void px_outside_announce_entry(struct pctx *, const struct topo_port *p);

/* The ovs-ofctl protocol keyword and source-field name of a family. */
static inline const char *
px_l3(const struct prefix *p)
{
    return p->family == 2 /* AF_INET */ ? "ip" : "ipv6";
}
static inline const char *
px_src(const struct prefix *p)
{
    return p->family == 2 ? "nw_src" : "ipv6_src";
}
static inline const char *
px_dst(const struct prefix *p)
{
    return p->family == 2 ? "nw_dst" : "ipv6_dst";
}

/* Stage builders, in table order. */
void pipe_build_classify(struct pctx *);        /* pipe.c: table 0. */
void pipe_build_guards(struct pctx *);          /* pipe-guard.c: 10, 11. */
void pipe_build_responder(struct pctx *);       /* pipe-respond.c: 20, 21. */
void pipe_build_border(struct pctx *);          /* pipe-border.c: 30, 31,
                                                 * border egress in 60. */
void pipe_build_announce(struct pctx *);        /* pipe-announce.c:
                                                 * 32-39. */
void pipe_build_conntrack(struct pctx *);       /* pipe-conntrack.c:
                                                 * 40-47. */
void pipe_build_forward(struct pctx *);         /* pipe-forward.c: 50,
                                                 * 60, 70. */

/* True if 'p' is the uplink of the bridge's NAT: it carries routed,
 * translated traffic only, never bridged frames. */
static inline bool
px_is_nat_uplink(const struct pctx *c, const struct topo_port *p)
{
    return c->br->nat && c->br->nat->uplink == p;
}

/* Actions that copy a frame to the mirrors selecting 'p' in direction
 * 'dir' (TOPO_MIRROR_IN at ingress): appended to 'sb' with a trailing
 * comma when nonempty.  (pipe-forward.c) */
void px_mirror_actions(struct pctx *, const struct topo_port *p,
                       unsigned int dir, struct strbuf *sb);

#endif /* pipe-priv.h */
