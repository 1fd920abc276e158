/* SPDX-License-Identifier: Apache-2.0 */
/* pipe-announce.c -- tables 32-39: the gratuitous ARPs of the outside.
 *
 * A LAN host announces an address that moved to it (a gateway taken over
 * by keepalived without a virtual MAC, a cluster address, a replaced
 * NIC) with a broadcast ARP whose sender and target address are that
 * address (RFC 5227 section 2.3); the guests' neighbour caches take the
 * new MAC at once (Linux updates an existing entry from it), where they
 * would otherwise keep sending to the old one until the entry goes stale
 * and is probed again, half a minute or more.  The egress guard delivers
 * an ARP to the owner of its target only, and no guest owns a LAN
 * address: such an announcement must be recognised and marked, as the
 * guests' own are (pipe-guard.c, table 10).
 *
 * OpenFlow cannot match one field against another, and the LAN's
 * addresses are not in the topology.  But the two addresses can be
 * compared a nibble at a time: table 32 + k holds the 16 flows for
 * which nibble k (0 the most significant) of arp_spa and arp_tpa are
 * equal, each going on to the next nibble; the last marks the frame
 * (reg3 bit 1) and everything that differs goes on unmarked, as before.
 * Only the bridge's IPv4 subnets matter (a guest caches neighbours on its
 * links only), so border ingress (table 31) enters the chain for a
 * broadcast ARP whose sender and target are both in a subnet, at the
 * first nibble the subnet's prefix leaves free: two tables of 16 flows
 * for a /24.  Addresses of the near side never get here: table 31 drops
 * them as a source first (pipe-border.c). */
#include "pipe-priv.h"

#include <sys/socket.h>

/* The first nibble (0 the most significant) that prefix 'net' does not
 * fix entirely: where the comparison of two of its addresses starts. */
static int
first_nibble(const struct prefix *net)
{
    return net->plen / 4;
}

/* Whether a broadcast ARP entering through border port 'p' may be an
 * announcement of the outside worth comparing: a LAN whose frames are
 * bridged lies behind it (model_border.lan): not only a NAT uplink, whose
 * far side is another network, and not in a host-only component, where
 * nothing comes in at all. */
static bool
outside_announces(const struct pctx *c, const struct topo_port *p)
{
    const struct model_border *b = model_border(c->m, p);
    return b && b->lan;
}

void
px_outside_announce_entry(struct pctx *c, const struct topo_port *p)
{
    const struct prefix_set *nets = &c->br->subnets;
    char buf[PREFIX_STRLEN], next[32];

    if (!outside_announces(c, p)) {
        return;
    }
    for (size_t i = 0; i < nets->n; i++) {
        const struct prefix *net = &nets->p[i];
        if (net->family != AF_INET || first_nibble(net) >= 8) {
            continue;
        }
        snprintf(next, sizeof next, "resubmit(,%d)",
                 PIPE_T_ANNOUNCE_EQ + first_nibble(net));
        px_addr(net, buf);
        px_flow(c, PIPE_T_BORDER_L3, 150, PIPE_K_OUTSIDE_ANNOUNCE, p, next,
                "in_port=%s,arp,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=%s,"
                "arp_tpa=%s", px_ref(c, p), buf, buf);
    }
}

void
pipe_build_announce(struct pctx *c)
{
    const struct topo_bridge *br = c->br;
    char next[64], pass[32];
    int first = 8;

    /* From topology alone (not which ports are on the switch), so that a
     * partial build makes the same flows. */
    for (size_t i = 0; i < br->n_ports; i++) {
        if (outside_announces(c, br->ports[i])) {
            for (size_t j = 0; j < br->subnets.n; j++) {
                const struct prefix *net = &br->subnets.p[j];
                if (net->family == AF_INET && first_nibble(net) < first) {
                    first = first_nibble(net);
                }
            }
            break;
        }
    }

    snprintf(pass, sizeof pass, "resubmit(,%d)", PIPE_T_RESPOND);
    for (int k = first; k < 8; k++) {
        int shift = 28 - 4 * k;
        if (k == 7) {
            snprintf(next, sizeof next, "set_field:"PX_ANNOUNCE_MARK
                     "->reg3,resubmit(,%d)", PIPE_T_RESPOND);
        } else {
            snprintf(next, sizeof next, "resubmit(,%d)",
                     PIPE_T_ANNOUNCE_EQ + k + 1);
        }
        for (uint32_t v = 0; v < 16; v++) {
            uint32_t val = v << shift, mask = 0xfu << shift;
            char vm[40];
            snprintf(vm, sizeof vm, "%u.%u.%u.%u/%u.%u.%u.%u",
                     val >> 24, (val >> 16) & 0xff, (val >> 8) & 0xff,
                     val & 0xff, mask >> 24, (mask >> 16) & 0xff,
                     (mask >> 8) & 0xff, mask & 0xff);
            px_flow(c, PIPE_T_ANNOUNCE_EQ + k, 100, PIPE_K_OUTSIDE_ANNOUNCE, NULL,
                    next, "arp,arp_spa=%s,arp_tpa=%s", vm, vm);
        }
        px_flow(c, PIPE_T_ANNOUNCE_EQ + k, 0, PIPE_K_PASS, NULL, pass,
                "%s", "");
    }
}
