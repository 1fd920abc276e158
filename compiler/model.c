/* SPDX-License-Identifier: Apache-2.0 */
/* model.c -- stage 3: components, host-only spread and the border
 * reachability of every uplink and patch port (see model.h). */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static int
cmp_mac(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(struct mac));
}

void
model_addrs_add_port(struct model_addrs *a, const struct topo_port *p)
{
    a->macs = fc_xgrow(a->macs, &a->cap_macs, a->n_macs, sizeof *a->macs);
    a->macs[a->n_macs++] = p->mac;
    const struct prefix_set *sets[] = { &p->ipv4, &p->ipv6, &p->link_local,
                                        &p->extra };
    for (size_t s = 0; s < 4; s++) {
        for (size_t i = 0; i < sets[s]->n; i++) {
            prefix_set_add(&a->ips, &sets[s]->p[i]);
        }
    }
}

void
model_addrs_finish(struct model_addrs *a)
{
    size_t n = 0;

    if (a->n_macs > 1) {
        qsort(a->macs, a->n_macs, sizeof *a->macs, cmp_mac);
    }
    for (size_t i = 0; i < a->n_macs; i++) {
        if (!n || !mac_equal(&a->macs[n - 1], &a->macs[i])) {
            a->macs[n++] = a->macs[i];
        }
    }
    a->n_macs = n;
    prefix_set_sort_unique(&a->ips);
}

bool
model_addrs_has_mac(const struct model_addrs *a, const struct mac *m)
{
    return bsearch(m, a->macs, a->n_macs, sizeof *a->macs, cmp_mac)
           != NULL;
}

void
model_addrs_destroy(struct model_addrs *a)
{
    free(a->macs);
    prefix_set_destroy(&a->ips);
    memset(a, 0, sizeof *a);
}

/* Returns true if 'p' is an uplink whose frames are bridged: not the NAT
 * uplink of its bridge (the NAT stage keeps from that only what is
 * addressed to the NAT address). */
static bool
is_bridged_uplink(const struct topo_port *p)
{
    const struct topo_nat *nat = p->bridge->nat;

    return p->role == TOPO_UPLINK && !(nat && nat->uplink == p);
}

/* Adds everything pinned on 'br' and on the bridges reached from it
 * through its patch ports other than 'via' to 'a'; sets '*outside' if an
 * uplink is among them, '*lan' if a bridged one (is_bridged_uplink()) is;
 * adds to '*services' what their host ports and
 * uplinks may serve, to '*lan_services' what the bridged uplinks may
 * ('host_only': 'br' is in a host-only component, whose uplinks let
 * nothing in). */
static void
collect_behind(const struct topo_bridge *br, const struct topo_port *via,
               bool host_only, struct model_addrs *a, bool *outside,
               bool *lan, unsigned int *services, unsigned int *lan_services)
{
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct topo_port *p = br->ports[i];

        if (topo_port_is_pinned(p)) {
            model_addrs_add_port(a, p);
            *services |= p->services;
        } else if (p->role == TOPO_UPLINK) {
            *outside = true;
            *lan |= is_bridged_uplink(p);
            *services |= host_only ? 0 : p->services;
            *lan_services |= (host_only || !is_bridged_uplink(p)
                              ? 0 : p->services);
        } else if (p->role == TOPO_PATCH && p != via && p->peer) {
            collect_behind(p->peer->bridge, p->peer, host_only, a, outside,
                           lan, services, lan_services);
        }
    }
}

/* Marks the component of 'br' with 'comp'. */
static void
mark_component(struct model *m, const struct topo_bridge *br, size_t comp,
               bool *seen)
{
    if (seen[br->index]) {
        return;
    }
    seen[br->index] = true;
    m->bridges[br->index].component = comp;
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct topo_port *p = br->ports[i];
        if (p->role == TOPO_PATCH && p->peer) {
            mark_component(m, p->peer->bridge, comp, seen);
        }
    }
}

struct model *
model_build(const struct topo *t)
{
    struct model *m = fc_xzalloc(sizeof *m);
    bool *seen = fc_xzalloc(t->n_bridges + 1);
    size_t n_comp = 0;

    m->topo = t;
    m->n_bridges = t->n_bridges;
    m->bridges = fc_xzalloc((t->n_bridges + 1) * sizeof *m->bridges);

    for (size_t i = 0; i < t->n_bridges; i++) {
        m->bridges[i].br = t->bridges[i];
    }
    for (size_t i = 0; i < t->n_bridges; i++) {
        if (!seen[i]) {
            mark_component(m, t->bridges[i], n_comp++, seen);
        }
    }
    /* Host-only spreads over the whole component: nothing from a
     * host-only bridge, or a bridge patched to it, may leave through an
     * uplink. */
    for (size_t c = 0; c < n_comp; c++) {
        bool ho = false;
        for (size_t i = 0; i < t->n_bridges; i++) {
            ho |= m->bridges[i].component == c && t->bridges[i]->host_only;
        }
        for (size_t i = 0; i < t->n_bridges; i++) {
            if (m->bridges[i].component == c) {
                m->bridges[i].host_only = ho;
            }
        }
    }

    for (size_t i = 0; i < t->n_bridges; i++) {
        struct model_bridge *mb = &m->bridges[i];
        const struct topo_bridge *br = t->bridges[i];

        for (size_t j = 0; j < br->n_ports; j++) {
            if (topo_port_is_pinned(br->ports[j])) {
                model_addrs_add_port(&mb->local, br->ports[j]);
            }
        }
        model_addrs_finish(&mb->local);

        mb->borders = fc_xzalloc((br->n_ports + 1) * sizeof *mb->borders);
        for (size_t j = 0; j < br->n_ports; j++) {
            const struct topo_port *p = br->ports[j];
            struct model_border *b = &mb->borders[j];
            unsigned int near_services = 0, near_lan_services = 0;
            bool dummy = false;

            if (!topo_port_is_border(p)) {
                continue;
            }
            b->port = p;
            if (p->role == TOPO_UPLINK) {
                b->outside = true;
                b->services = mb->host_only ? 0 : p->services;
                b->lan = !mb->host_only && is_bridged_uplink(p);
                b->lan_services = b->lan ? p->services : 0;
            } else if (p->peer) {
                collect_behind(p->peer->bridge, p->peer, mb->host_only,
                               &b->behind, &b->outside, &b->lan,
                               &b->services, &b->lan_services);
                b->lan &= !mb->host_only;
            }
            /* The near side: this bridge and everything reached from it
             * through its other patch ports. */
            collect_behind(br, p, mb->host_only, &b->near, &dummy, &dummy,
                           &near_services, &near_lan_services);
            model_addrs_finish(&b->behind);
            model_addrs_finish(&b->near);
            if (b->outside) {
                mb->outside = fc_xrealloc(mb->outside, (mb->n_outside + 1)
                                          * sizeof *mb->outside);
                mb->outside[mb->n_outside++] = p;
            }
        }
    }
    free(seen);
    return m;
}

const struct model_border *
model_border(const struct model *m, const struct topo_port *p)
{
    const struct model_border *b
        = &m->bridges[p->bridge->index].borders[p->index];
    return b->port ? b : NULL;
}

void
model_destroy(struct model *m)
{
    if (!m) {
        return;
    }
    for (size_t i = 0; i < m->n_bridges; i++) {
        struct model_bridge *mb = &m->bridges[i];
        const struct topo_bridge *br = mb->br;
        for (size_t j = 0; j < br->n_ports; j++) {
            model_addrs_destroy(&mb->borders[j].behind);
            model_addrs_destroy(&mb->borders[j].near);
        }
        free(mb->borders);
        free(mb->outside);
        model_addrs_destroy(&mb->local);
    }
    free(m->bridges);
    free(m);
}
