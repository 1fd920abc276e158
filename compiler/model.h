/* SPDX-License-Identifier: Apache-2.0 */
/* model.h -- stage 3: the resolved topology the pipeline is built from.
 *
 * The checked topology says what each port is; the model says what lies
 * where.  Bridges joined by patch links form a component (a tree: check
 * rejects loops).  For every border port the model computes, from the whole
 * bridge graph, which addresses legitimately lie behind it:
 *
 *   - behind a patch port P of bridge X whose peer is on bridge Y: every
 *     pinned MAC and address of Y, and recursively of every bridge reached
 *     from Y without crossing back through P; and "the outside" if any of
 *     those bridges has an uplink;
 *   - behind an uplink: only the outside (everything that is not pinned
 *     anywhere in the topology).
 *
 * The "near side" of a border port is the rest of its component.  Traffic
 * entering through a border port must come from what lies behind it, and
 * traffic leaving through it must be addressed to what lies behind it.
 * This is what stops a guest on one bridge from answering for, or
 * receiving, traffic of another bridge: its MAC is not behind the border
 * port that traffic would have to cross.
 *
 * Everything here is owned by the struct model and freed by
 * model_destroy(); the topology it points to is not owned and must outlive
 * the model. */
#ifndef MODEL_H
#define MODEL_H 1

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "topo.h"

/* A set of MACs and IP prefixes. */
struct model_addrs {
    struct mac *macs;           /* Owned; sorted, unique. */
    size_t n_macs, cap_macs;
    struct prefix_set ips;      /* IPv4, IPv6 and link-local host addresses
                                 * and allowed_extra prefixes; sorted. */
};

/* What lies behind one border port. */
struct model_border {
    const struct topo_port *port;   /* Not owned. */
    bool outside;               /* An uplink (the world) lies behind. */
    bool lan;                   /* A LAN whose frames are bridged here
                                 * lies behind: an uplink, not its
                                 * bridge's NAT uplink, outside a host-only
                                 * component. */
    struct model_addrs behind;  /* Pinned addresses behind the port. */
    unsigned int services;      /* TOPO_SVC_*: the server roles something
                                 * behind may play towards this side: the
                                 * host ports' services, and the uplinks'
                                 * (those of a host-only component let
                                 * nothing in and add none). */
    unsigned int lan_services;  /* The part of 'services' the bridged
                                 * uplinks behind grant ('lan'): servers
                                 * whose addresses are not known. */
    struct model_addrs near;    /* Pinned addresses of the rest of the
                                 * component (this side). */
};

struct model_bridge {
    const struct topo_bridge *br;   /* Not owned. */
    size_t component;           /* Index of its patch-connected component. */
    bool host_only;             /* The bridge or one patched to it (in the
                                 * same component) is host-only. */
    struct model_border *borders;   /* Owned; indexed like br->ports, only
                                     * set for border ports. */
    const struct topo_port **outside;   /* Owned array (of ports not
                                         * owned): the border ports with
                                         * the outside behind them, in
                                         * port order. */
    size_t n_outside;
    struct model_addrs local;   /* Pinned addresses on this bridge. */
};

struct model {
    const struct topo *topo;    /* Not owned. */
    struct model_bridge *bridges;   /* Owned; indexed like topo->bridges. */
    size_t n_bridges;
};

/* Builds the model of a checked topology.  Returns a model the caller
 * must model_destroy(). */
struct model *model_build(const struct topo *);
void model_destroy(struct model *);

/* Returns the border record of border port 'p' (NULL for other roles). */
const struct model_border *model_border(const struct model *,
                                        const struct topo_port *p);

/* Adds the pinned MAC and addresses of guest/host port 'p' to 'a'. */
void model_addrs_add_port(struct model_addrs *a, const struct topo_port *p);
/* Sorts and removes duplicates. */
void model_addrs_finish(struct model_addrs *a);
bool model_addrs_has_mac(const struct model_addrs *, const struct mac *);
void model_addrs_destroy(struct model_addrs *);

#endif /* model.h */
