/* SPDX-License-Identifier: Apache-2.0 */
/* pipe-border.c -- the border checks: tables 30 and 31 (what may enter
 * through an uplink or patch port) and the border half of table 60 (what
 * may leave through one).
 *
 * The model (model.h) knows, for every border port, the pinned MACs and
 * addresses that lie behind it and whether the outside (an uplink) does.
 * Two cases:
 *
 *   - Only pinned addresses lie behind (a patch to bridges without an
 *     uplink): ingress must come from one of them, egress must go to one
 *     of them (or be broadcast/multicast); everything else is dropped.
 *   - The outside lies behind: anything may come in except what claims to
 *     be a pinned address of the near side (as its source, ARP sender,
 *     neighbor advertisement target or duplicate address detection
 *     target), and nothing addressed to a near-side address may leave.  That is what stops a LAN host, or a
 *     guest of another bridge, from posing as a guest of this one.
 *
 * Host-only components drop everything that crosses an uplink, both ways,
 * whatever else the topology says. */
#include "pipe-priv.h"

#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>

/* Emits the per-address L3 flows of table 31 (ingress, sources) or 60
 * (egress, destinations) for 'addrs'. */
static void
l3_flows(struct pctx *c, const struct topo_port *p, bool ingress,
         const struct model_addrs *addrs, uint16_t prio,
         enum pipe_kind kind, const char *actions)
{
    const char *ref = px_ref(c, p);
    char buf[PREFIX_STRLEN];
    /* ARP leaving for an address that is not behind (a probe of a
     * near-side address; its announcements pass, table 60's bridge-wide
     * flow) is no attack: not logged. */
    const char *arp_egress = (strstr(actions, "controller(") ? "drop"
                              : actions);

    for (size_t i = 0; i < addrs->ips.n; i++) {
        const struct prefix *a = &addrs->ips.p[i];
        px_addr(a, buf);
        if (a->family == AF_INET) {
            if (ingress) {
                px_flow(c, PIPE_T_BORDER_L3, prio, kind, p, actions,
                        "in_port=%s,arp,arp_spa=%s", ref, buf);
                px_flow(c, PIPE_T_BORDER_L3, prio, kind, p, actions,
                        "in_port=%s,ip,nw_src=%s", ref, buf);
            } else {
                px_flow(c, PIPE_T_EGRESS, prio, kind, p, arp_egress,
                        "reg1=%"PRIu32",arp,arp_tpa=%s", p->id, buf);
                px_flow(c, PIPE_T_EGRESS, prio, kind, p, actions,
                        "reg1=%"PRIu32",ip,nw_dst=%s", p->id, buf);
            }
        } else if (ingress) {
            px_flow(c, PIPE_T_BORDER_L3, prio, kind, p, actions,
                    "in_port=%s,ipv6,ipv6_src=%s", ref, buf);
        } else {
            px_flow(c, PIPE_T_EGRESS, prio, kind, p, actions,
                    "reg1=%"PRIu32",ipv6,ipv6_dst=%s", p->id, buf);
        }
    }
}

/* Table 31: the announcements of the pinned IPv4 addresses behind patch
 * port 'p' (marked where they were sent, pipe-guard.c; registers do not
 * cross a patch link) are marked again, to reach every port here and the
 * outside. */
static void
announce_flows(struct pctx *c, const struct topo_port *p,
               const struct model_addrs *behind)
{
    for (size_t i = 0; i < behind->ips.n; i++) {
        px_announce(c, PIPE_T_BORDER_L3, p, &behind->ips.p[i],
                    PIPE_T_RESPOND);
    }
}

/* Table 31: the server roles nothing behind border port 'p' may play
 * (b->services: the host ports behind and the uplinks' "services") are
 * dropped as they come in, before the source checks: a rogue DHCP
 * server, router or multicast querier on the LAN, where a host port
 * serves the guests or the uplink says the LAN serves nothing, or behind
 * a patch to bridges that have none.  The guests' own ports drop these
 * already (table 11); the patch's flows keep each bridge safe on its own,
 * whatever another bridge has installed.  What reaches a client is told
 * by its destination port (clients listen on 68 and 546 whatever the
 * source port); a relay's traffic to a server (67 to 67) passes. */
static void
server_guards(struct pctx *c, const struct topo_port *p,
              const struct model_border *b)
{
    for (size_t r = 0; r < px_n_server_roles; r++) {
        const struct px_server_role *role = &px_server_roles[r];
        if (role->client_side && !(b->services & role->service)) {
            px_flow(c, PIPE_T_BORDER_L3, 250, role->kind, p,
                    px_drop(c, role->kind, p), "in_port=%s,%s",
                    px_ref(c, p), role->match);
        }
    }
}

static void
border_port(struct pctx *c, const struct topo_port *p,
            const struct model_border *b)
{
    const char *ref = px_ref(c, p);
    char to_l3[32], to_respond[32], to_output[32];
    char mac[MAC_STRLEN];

    snprintf(to_l3, sizeof to_l3, "resubmit(,%d)", PIPE_T_BORDER_L3);
    snprintf(to_respond, sizeof to_respond, "resubmit(,%d)",
             PIPE_T_RESPOND);
    snprintf(to_output, sizeof to_output, "resubmit(,%d)", PIPE_T_OUTPUT);

    if (c->mb->host_only && p->role == TOPO_UPLINK) {
        px_flow(c, PIPE_T_BORDER_L2, 300, PIPE_K_HOST_ONLY, p,
                px_drop(c, PIPE_K_HOST_ONLY, p), "in_port=%s", ref);
        /* Broadcasts of the host-only network (ARP, DHCP) that would
         * also go out of the uplink are dropped silently; unicast
         * towards the uplink is logged. */
        px_flow(c, PIPE_T_EGRESS, 260, PIPE_K_HOST_ONLY, p, "drop",
                "reg1=%"PRIu32",dl_dst=01:00:00:00:00:00/01:00:00:00:00:00",
                p->id);
        px_flow(c, PIPE_T_EGRESS, 250, PIPE_K_HOST_ONLY, p,
                px_drop(c, PIPE_K_HOST_ONLY, p), "reg1=%"PRIu32, p->id);
        return;
    }

    server_guards(c, p, b);
    if (px_is_nat_uplink(c, p)) {
        /* Nothing is bridged to a NAT uplink: the NAT stage outputs
         * there directly.  (Ingress is checked as for any uplink below;
         * the NAT stage then keeps only what is addressed to the NAT
         * address.) */
        px_flow(c, PIPE_T_EGRESS, 100, PIPE_K_BORDER_EGRESS, p,
                px_drop(c, PIPE_K_BORDER_EGRESS, p), "reg1=%"PRIu32, p->id);
    }
    if (b->outside) {
        /* Ingress: anything but the near side's identities. */
        for (size_t i = 0; i < b->near.n_macs; i++) {
            px_flow(c, PIPE_T_BORDER_L2, 200, PIPE_K_BORDER_INGRESS, p,
                    px_drop(c, PIPE_K_BORDER_INGRESS, p),
                    "in_port=%s,dl_src=%s", ref,
                    mac_format(&b->near.macs[i], mac));
        }
        px_flow(c, PIPE_T_BORDER_L2, 100, PIPE_K_BORDER_INGRESS, p, to_l3,
                "in_port=%s", ref);
        l3_flows(c, p, true, &b->near, 200, PIPE_K_BORDER_INGRESS,
                 px_drop(c, PIPE_K_BORDER_INGRESS, p));
        /* The IPv6 twin of arp_spa: a neighbor advertisement from outside
         * for a near address, whatever its source (a LAN host's own
         * link-local one), would take over that address in the guests'
         * neighbour caches, a router's included (override flag); and a
         * duplicate address detection NS (from ::) for one would make
         * its owner's DAD fail, at every boot. */
        for (size_t i = 0; i < b->near.ips.n; i++) {
            const struct prefix *a = &b->near.ips.p[i];
            char buf[PREFIX_STRLEN];
            if (a->family == AF_INET6) {
                px_addr(a, buf);
                px_flow(c, PIPE_T_BORDER_L3, 200, PIPE_K_BORDER_INGRESS, p,
                        px_drop(c, PIPE_K_BORDER_INGRESS, p),
                        "in_port=%s,icmp6,icmp_type=136,nd_target=%s", ref,
                        buf);
                px_flow(c, PIPE_T_BORDER_L3, 200, PIPE_K_BORDER_INGRESS, p,
                        px_drop(c, PIPE_K_BORDER_INGRESS, p),
                        "in_port=%s,icmp6,ipv6_src=::,icmp_type=135,"
                        "nd_target=%s", ref, buf);
            }
        }
        announce_flows(c, p, &b->behind);
        px_outside_announce_entry(c, p);
        px_flow(c, PIPE_T_BORDER_L3, 100, PIPE_K_BORDER_INGRESS, p,
                to_respond, "in_port=%s", ref);

        /* Egress: nothing addressed to the near side (but announcements,
         * table 60's bridge-wide flow). */
        if (!px_is_nat_uplink(c, p)) {
            l3_flows(c, p, false, &b->near, 200, PIPE_K_BORDER_EGRESS,
                     px_drop(c, PIPE_K_BORDER_EGRESS, p));
            px_flow(c, PIPE_T_EGRESS, 100, PIPE_K_BORDER_EGRESS, p,
                    to_output, "reg1=%"PRIu32, p->id);
        }
        return;
    }

    /* Only pinned addresses behind: allow exactly those. */
    for (size_t i = 0; i < b->behind.n_macs; i++) {
        px_flow(c, PIPE_T_BORDER_L2, 200, PIPE_K_BORDER_INGRESS, p, to_l3,
                "in_port=%s,dl_src=%s", ref,
                mac_format(&b->behind.macs[i], mac));
    }
    px_flow(c, PIPE_T_BORDER_L2, 100, PIPE_K_BORDER_INGRESS, p,
            px_drop(c, PIPE_K_BORDER_INGRESS, p), "in_port=%s", ref);

    l3_flows(c, p, true, &b->behind, 200, PIPE_K_BORDER_INGRESS,
             to_respond);
    /* What a host behind does before it has an address. */
    px_flow(c, PIPE_T_BORDER_L3, 200, PIPE_K_BORDER_INGRESS, p, to_respond,
            "in_port=%s,arp,arp_spa=0.0.0.0,arp_op=1", ref);
    px_flow(c, PIPE_T_BORDER_L3, 200, PIPE_K_BORDER_INGRESS, p, to_respond,
            "in_port=%s,udp,nw_src=0.0.0.0,nw_dst=255.255.255.255,"
            "tp_src=68,tp_dst=67", ref);
    px_flow(c, PIPE_T_BORDER_L3, 200, PIPE_K_BORDER_INGRESS, p, to_respond,
            "in_port=%s,icmp6,ipv6_src=::,icmp_type=135", ref);
    px_flow(c, PIPE_T_BORDER_L3, 200, PIPE_K_BORDER_INGRESS, p, to_respond,
            "in_port=%s,icmp6,ipv6_src=::,icmp_type=143", ref);
    /* Announcements: gratuitous ARP, and a migrated guest's RARP (its
     * MACs were checked where it was sent and by table 30), on their way
     * to an uplink. */
    announce_flows(c, p, &b->behind);
    px_flow(c, PIPE_T_BORDER_L3, 200, PIPE_K_ANNOUNCE, p, to_respond,
            "in_port=%s,rarp,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=3,"
            "arp_spa=0.0.0.0,arp_tpa=0.0.0.0", ref);
    px_flow(c, PIPE_T_BORDER_L3, 100, PIPE_K_BORDER_INGRESS, p,
            px_drop(c, PIPE_K_BORDER_INGRESS, p), "in_port=%s", ref);

    l3_flows(c, p, false, &b->behind, 200, PIPE_K_BORDER_EGRESS, to_output);
    /* Broadcast and multicast may cross to pinned hosts. */
    px_flow(c, PIPE_T_EGRESS, 200, PIPE_K_BORDER_EGRESS, p, to_output,
            "reg1=%"PRIu32",ip,nw_dst=224.0.0.0/4", p->id);
    px_flow(c, PIPE_T_EGRESS, 200, PIPE_K_BORDER_EGRESS, p, to_output,
            "reg1=%"PRIu32",ip,nw_dst=255.255.255.255", p->id);
    px_flow(c, PIPE_T_EGRESS, 200, PIPE_K_BORDER_EGRESS, p, to_output,
            "reg1=%"PRIu32",ipv6,ipv6_dst=ff00::/8", p->id);
    for (size_t i = 0; i < c->br->subnets.n; i++) {
        const struct prefix *net = &c->br->subnets.p[i];
        struct prefix bc;
        char buf[PREFIX_STRLEN];
        if (net->family == AF_INET && net->plen < 31) {
            prefix_broadcast(net, &bc);
            px_flow(c, PIPE_T_EGRESS, 200, PIPE_K_BORDER_EGRESS, p,
                    to_output, "reg1=%"PRIu32",ip,nw_dst=%s", p->id,
                    px_addr(&bc, buf));
        }
    }
    /* ARP requests for an address behind were answered by the far side's
     * responder; a broadcast ARP for one that is not behind cannot be
     * answered there either: dropped without a log line. */
    px_flow(c, PIPE_T_EGRESS, 150, PIPE_K_BORDER_EGRESS, p, "drop",
            "reg1=%"PRIu32",dl_dst=01:00:00:00:00:00/01:00:00:00:00:00",
            p->id);
    px_flow(c, PIPE_T_EGRESS, 100, PIPE_K_BORDER_EGRESS, p,
            px_drop(c, PIPE_K_BORDER_EGRESS, p), "reg1=%"PRIu32, p->id);
}

void
pipe_build_border(struct pctx *c)
{
    for (size_t i = 0; i < c->n_ports; i++) {
        const struct topo_port *p = c->ports[i];
        const struct model_border *b = model_border(c->m, p);
        if (b && px_present(c, p) && px_wanted(c, p)) {
            border_port(c, p, b);
        }
    }
}
