/* SPDX-License-Identifier: Apache-2.0 */
/* pipe-guard.c -- tables 10 (source guard) and 11 (protocol guard) for
 * guest and host ports: the anti-spoofing core.
 *
 * Table 10 pins the network-layer source: ARP sender address, IPv4 and
 * IPv6 source must be one of the port's addresses (its allowed_extra
 * prefixes included), with three exceptions a booting host needs: ARP
 * probes from 0.0.0.0 (RFC 5227), DHCPv4 DISCOVER/REQUEST from 0.0.0.0
 * when the port has "dhcp", and :: for duplicate address detection (NS for
 * one of its own addresses) and the MLD report that goes with it.
 * Announcements of its own addresses are marked to reach everyone
 * (announcements()).  Everything else that is not ARP, IPv4 or IPv6 is
 * dropped.
 *
 * Table 11 checks what the source does not cover: the MAC inside ARP
 * (arp_sha) and inside NS/NA options (nd_sll, nd_tll), the NA target (a
 * port may only advertise its own addresses, which stops ND spoofing even
 * with the override flag), hop limit 255 on ND (RFC 4861), and the server
 * roles a guest never has: DHCPv4 server (from udp 67 or to 68), router
 * advertisement and redirect, DHCPv6 server (from udp 547 or to 546),
 * multicast querier (MLD query, IGMP general query), unless the host
 * port's "services" grant them (server_guards()); and,
 * for every port, the fragments that would hide one of these from it
 * (fragment_guard()) and NS whose options OVS could not show
 * (nd_unparsed_guard()). */
#include "pipe-priv.h"

#include <sys/socket.h>

/* What every guest and host port may send alike, in bridge-wide flows
 * (table 10 is reached from their table 1 flows only; a port's update
 * then carries fewer flow mods, see rt-bundle.c): ARP probes from 0.0.0.0
 * (RFC 5227) and the MLDv2 report a host sends from :: while it joins the
 * solicited-node group of an address under duplicate address
 * detection. */
static void
source_guard_common(struct pctx *c)
{
    char next[32];

    snprintf(next, sizeof next, "resubmit(,%d)", PIPE_T_PROTOCOL);
    px_flow(c, PIPE_T_SOURCE, 200, PIPE_K_ARP_GUARD, NULL, next,
            "arp,arp_spa=0.0.0.0,arp_op=1");
    px_flow(c, PIPE_T_SOURCE, 200, PIPE_K_IPV6_GUARD, NULL, next,
            "icmp6,ipv6_src=::,icmp_type=143");
}

/* Announcements: a gratuitous ARP (RFC 5227 section 2.3: request or
 * reply, broadcast, sender and target address the same) of one of the
 * port's own IPv4 addresses, a VIP of allowed_extra included, is marked
 * (reg3 bit 1) so that it reaches every port and the outside (table 60),
 * where an ARP otherwise reaches its target's owner only: a VIP that moves
 * to another guest (keepalived) or a guest that moves to another host is
 * found at once.  And QEMU's announcement after a live migration, a RARP
 * of the port's own MAC (what libvirt's "qemu-announce-self-rarp" filter
 * lets through), passes to the outside, whose switches learn the new
 * location from it. */
static void
announcements(struct pctx *c, const struct topo_port *p)
{
    const struct prefix_set *sets[] = { &p->ipv4, &p->extra };
    const char *ref = px_ref(c, p);
    char mac[MAC_STRLEN], next[32];

    for (size_t s = 0; s < 2; s++) {
        for (size_t i = 0; i < sets[s]->n; i++) {
            px_announce(c, PIPE_T_SOURCE, p, &sets[s]->p[i],
                        PIPE_T_PROTOCOL);
        }
    }
    mac_format(&p->mac, mac);
    snprintf(next, sizeof next, "resubmit(,%d)", PIPE_T_PROTOCOL);
    px_flow(c, PIPE_T_SOURCE, 200, PIPE_K_ANNOUNCE, p, next,
            "in_port=%s,rarp,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=3,"
            "arp_spa=0.0.0.0,arp_tpa=0.0.0.0,arp_sha=%s,arp_tha=%s",
            ref, mac, mac);
}

static void
source_guard(struct pctx *c, const struct topo_port *p)
{
    const char *ref = px_ref(c, p);
    char buf[PREFIX_STRLEN];
    char next[32];

    snprintf(next, sizeof next, "resubmit(,%d)", PIPE_T_PROTOCOL);

    /* ARP. */
    for (size_t i = 0; i < p->ipv4.n; i++) {
        px_flow(c, PIPE_T_SOURCE, 200, PIPE_K_ARP_GUARD, p, next,
                "in_port=%s,arp,arp_spa=%s", ref,
                px_addr(&p->ipv4.p[i], buf));
    }
    for (size_t i = 0; i < p->extra.n; i++) {
        if (p->extra.p[i].family == AF_INET) {
            px_flow(c, PIPE_T_SOURCE, 200, PIPE_K_ARP_GUARD, p, next,
                    "in_port=%s,arp,arp_spa=%s", ref,
                    px_addr(&p->extra.p[i], buf));
        }
    }
    px_flow(c, PIPE_T_SOURCE, 100, PIPE_K_ARP_GUARD, p,
            px_drop(c, PIPE_K_ARP_GUARD, p), "in_port=%s,arp", ref);
    announcements(c, p);

    /* IPv4. */
    for (size_t i = 0; i < p->ipv4.n; i++) {
        px_flow(c, PIPE_T_SOURCE, 200, PIPE_K_IPV4_GUARD, p, next,
                "in_port=%s,ip,nw_src=%s", ref,
                px_addr(&p->ipv4.p[i], buf));
    }
    for (size_t i = 0; i < p->extra.n; i++) {
        if (p->extra.p[i].family == AF_INET) {
            px_flow(c, PIPE_T_SOURCE, 200, PIPE_K_IPV4_GUARD, p, next,
                    "in_port=%s,ip,nw_src=%s", ref,
                    px_addr(&p->extra.p[i], buf));
        }
    }
    if (p->dhcp) {
        px_flow(c, PIPE_T_SOURCE, 200, PIPE_K_IPV4_GUARD, p, next,
                "in_port=%s,udp,nw_src=0.0.0.0,nw_dst=255.255.255.255,"
                "tp_src=68,tp_dst=67", ref);
    }
    px_flow(c, PIPE_T_SOURCE, 100, PIPE_K_IPV4_GUARD, p,
            px_drop(c, PIPE_K_IPV4_GUARD, p), "in_port=%s,ip", ref);

    /* IPv6. */
    const struct prefix_set *sets[] = { &p->ipv6, &p->link_local,
                                        &p->extra };
    for (size_t s = 0; s < 3; s++) {
        for (size_t i = 0; i < sets[s]->n; i++) {
            if (sets[s]->p[i].family == AF_INET6) {
                px_flow(c, PIPE_T_SOURCE, 200, PIPE_K_IPV6_GUARD, p, next,
                        "in_port=%s,ipv6,ipv6_src=%s", ref,
                        px_addr(&sets[s]->p[i], buf));
            }
        }
    }
    /* Duplicate address detection: NS from :: for one of its own
     * addresses (for another's, it would make that one's DAD fail: a
     * denial of service at every boot); the MLDv2 report that goes with
     * it, source_guard_common(). */
    for (size_t s = 0; s < 3; s++) {
        for (size_t i = 0; i < sets[s]->n; i++) {
            if (sets[s]->p[i].family == AF_INET6) {
                px_flow(c, PIPE_T_SOURCE, 200, PIPE_K_IPV6_GUARD, p, next,
                        "in_port=%s,icmp6,ipv6_src=::,icmp_type=135,"
                        "nd_target=%s", ref, px_addr(&sets[s]->p[i], buf));
            }
        }
    }
    px_flow(c, PIPE_T_SOURCE, 100, PIPE_K_IPV6_GUARD, p,
            px_drop(c, PIPE_K_IPV6_GUARD, p), "in_port=%s,ipv6", ref);

    px_flow(c, PIPE_T_SOURCE, 50, PIPE_K_ETHERTYPE_GUARD, p,
            px_drop(c, PIPE_K_ETHERTYPE_GUARD, p), "in_port=%s", ref);
}

static void
protocol_guard(struct pctx *c, const struct topo_port *p)
{
    const char *ref = px_ref(c, p);
    char mac[MAC_STRLEN], buf[PREFIX_STRLEN];
    char next[32];

    snprintf(next, sizeof next, "resubmit(,%d)", PIPE_T_RESPOND);
    mac_format(&p->mac, mac);

    /* The MAC inside ARP. */
    px_flow(c, PIPE_T_PROTOCOL, 200, PIPE_K_ARP_SHA_GUARD, p, next,
            "in_port=%s,arp,arp_sha=%s", ref, mac);
    px_flow(c, PIPE_T_PROTOCOL, 100, PIPE_K_ARP_SHA_GUARD, p,
            px_drop(c, PIPE_K_ARP_SHA_GUARD, p), "in_port=%s,arp", ref);

    /* Neighbor solicitation: hop limit 255, source link-layer option
     * absent or the port's own MAC. */
    px_flow(c, PIPE_T_PROTOCOL, 200, PIPE_K_ND_GUARD, p, next,
            "in_port=%s,icmp6,icmp_type=135,nw_ttl=255,nd_sll=%s", ref,
            mac);
    px_flow(c, PIPE_T_PROTOCOL, 200, PIPE_K_ND_GUARD, p, next,
            "in_port=%s,icmp6,icmp_type=135,nw_ttl=255,"
            "nd_sll=00:00:00:00:00:00", ref);
    px_flow(c, PIPE_T_PROTOCOL, 150, PIPE_K_ND_GUARD, p,
            px_drop(c, PIPE_K_ND_GUARD, p),
            "in_port=%s,icmp6,icmp_type=135", ref);

    /* Neighbor advertisement: only for its own addresses, target
     * link-layer option absent or its own MAC. */
    const struct prefix_set *sets[] = { &p->ipv6, &p->link_local,
                                        &p->extra };
    for (size_t s = 0; s < 3; s++) {
        for (size_t i = 0; i < sets[s]->n; i++) {
            const struct prefix *a = &sets[s]->p[i];
            if (a->family != AF_INET6) {
                continue;
            }
            px_addr(a, buf);
            px_flow(c, PIPE_T_PROTOCOL, 200, PIPE_K_ND_GUARD, p, next,
                    "in_port=%s,icmp6,icmp_type=136,nw_ttl=255,"
                    "nd_target=%s,nd_tll=%s", ref, buf, mac);
            px_flow(c, PIPE_T_PROTOCOL, 200, PIPE_K_ND_GUARD, p, next,
                    "in_port=%s,icmp6,icmp_type=136,nw_ttl=255,"
                    "nd_target=%s,nd_tll=00:00:00:00:00:00", ref, buf);
        }
    }
    px_flow(c, PIPE_T_PROTOCOL, 150, PIPE_K_ND_GUARD, p,
            px_drop(c, PIPE_K_ND_GUARD, p),
            "in_port=%s,icmp6,icmp_type=136", ref);
}

/* Fragments that hide what the guards above look at, from any guest or
 * host port (table 11 is reached from their table 10 flows only, so these
 * flows name no port).  A guard sees one fragment at a time and the
 * receiver the reassembled packet: a first fragment whose header chain is
 * cut short (RFC 7112 forbids it; RFC 7113 is the RA guard's answer) or
 * that ends before the UDP/ICMPv6 header would carry a DHCPv6 advertise
 * or an RA past the guards, and an NS or NA whose options are in a later
 * fragment a forged link-layer address (RFC 6980: ND is never
 * fragmented).  OVS's userspace parser leaves nw_proto 0 when the chain is
 * cut short; the kernel datapath's names the upper-layer protocol with
 * zero ports/type instead, as both do for a header cut short, or 59 (no
 * next header) when the chain ends at the fragment's end.  Later
 * fragments pass: without their first one they are never reassembled.
 *
 * This needs the bridge's fragment handling to be "nx-match" (ovs-flowd
 * sets it; `ovs-ofctl set-frags BRIDGE nx-match` when loading by hand): in
 * OpenFlow's "normal" mode the switch shows every fragment, first ones
 * included, with zero ports and ICMP type, and the guards matching them
 * would miss a fragmented RA, DHCP offer or NS.  In that mode these flows
 * fail closed: every first fragment of UDP (IPv4 too) and of ICMPv6 looks
 * cut short and is dropped. */
static void
fragment_guard(struct pctx *c)
{
    static const char *const matches[] = {
        "ipv6,nw_proto=0",
        "ipv6,ip_frag=first,nw_proto=59",
        "udp,ip_frag=first,tp_src=0,tp_dst=0",
        "udp6,ip_frag=first,tp_src=0,tp_dst=0",
        "icmp6,ip_frag=first,icmp_type=0",
        "icmp6,ip_frag=first,icmp_type=135",
        "icmp6,ip_frag=first,icmp_type=136",
    };

    for (size_t i = 0; i < sizeof matches / sizeof *matches; i++) {
        px_flow(c, PIPE_T_PROTOCOL, 300, PIPE_K_FRAGMENT_GUARD, NULL,
                px_drop(c, PIPE_K_FRAGMENT_GUARD, NULL), "%s", matches[i]);
    }
}

/* Server and router roles, which a guest never has: DHCPv4 server,
 * router advertisement and redirect, DHCPv6 server, multicast querier.  A
 * DHCP server is told by its source port and by the client port it sends
 * to: clients filter on their own port only, so a rogue's offer from any
 * other source port would be taken as well.  A querier sends MLD queries
 * (ICMPv6 type 130, general or specific) and IGMP general queries (to
 * 224.0.0.1, where no report goes); the lowest address among them
 * becomes the segment's querier (RFC 2236, 3810), and snooping switches
 * (Linux bridges, the LAN's) forward every group to the port it sent
 * from.  OpenFlow does not match the IGMP type, and an IGMP
 * group-specific query goes to its group as a report does: those pass.
 * Bridge-wide drops (table 11 is reached from guest and host ports only;
 * ovs-flowd's drop log names the sender), before which the host ports
 * whose "services" grant a role pass: eight flows a bridge instead of
 * eight a port, so that a port's update stays small (rt-bundle.c). */
const struct px_server_role px_server_roles[] = {
    { PIPE_K_DHCP_SERVER_GUARD, TOPO_SVC_DHCP, "udp,tp_src=67", false },
    { PIPE_K_DHCP_SERVER_GUARD, TOPO_SVC_DHCP, "udp,tp_dst=68", true },
    { PIPE_K_RA_GUARD, TOPO_SVC_RA, "icmp6,icmp_type=134", true },
    { PIPE_K_REDIRECT_GUARD, TOPO_SVC_RA, "icmp6,icmp_type=137", true },
    { PIPE_K_DHCPV6_SERVER_GUARD, TOPO_SVC_DHCPV6, "udp6,tp_src=547",
      false },
    { PIPE_K_DHCPV6_SERVER_GUARD, TOPO_SVC_DHCPV6, "udp6,tp_dst=546",
      true },
    { PIPE_K_QUERIER_GUARD, TOPO_SVC_QUERIER, "icmp6,icmp_type=130", true },
    { PIPE_K_QUERIER_GUARD, TOPO_SVC_QUERIER,
      "ip,nw_proto=2,nw_dst=224.0.0.1", true },
};
const size_t px_n_server_roles
    = sizeof px_server_roles / sizeof *px_server_roles;

static void
server_guards(struct pctx *c)
{
    char next[32];

    snprintf(next, sizeof next, "resubmit(,%d)", PIPE_T_RESPOND);
    for (size_t r = 0; r < px_n_server_roles; r++) {
        const struct px_server_role *role = &px_server_roles[r];
        px_flow(c, PIPE_T_PROTOCOL, 300, role->kind, NULL,
                px_drop(c, role->kind, NULL), "%s", role->match);
        for (size_t i = 0; i < c->n_ports; i++) {
            const struct topo_port *p = c->ports[i];
            if ((p->services & role->service) && topo_port_is_pinned(p)
                && px_present(c, p) && px_wanted(c, p)) {
                px_flow(c, PIPE_T_PROTOCOL, 310, role->kind, p, next,
                        "in_port=%s,%s", px_ref(c, p), role->match);
            }
        }
    }
}

/* An NS whose target OVS does not show: OVS's parser zeroes nd_target and
 * both link-layer options when one of them appears twice, and a receiver
 * takes the first of the two (Linux does), so "nd_sll=0" (no option) would
 * let a forged first option through.  An NS cut short before its target
 * shows :: too; no NS is for ::. */
static void
nd_unparsed_guard(struct pctx *c)
{
    px_flow(c, PIPE_T_PROTOCOL, 300, PIPE_K_ND_GUARD, NULL,
            px_drop(c, PIPE_K_ND_GUARD, NULL),
            "icmp6,icmp_type=135,nd_target=::");
}

void
pipe_build_guards(struct pctx *c)
{
    char next[32];

    for (size_t i = 0; i < c->n_ports; i++) {
        const struct topo_port *p = c->ports[i];
        if (topo_port_is_pinned(p) && px_present(c, p) && px_wanted(c, p)) {
            source_guard(c, p);
            protocol_guard(c, p);
        }
    }
    source_guard_common(c);
    server_guards(c);
    fragment_guard(c);
    nd_unparsed_guard(c);
    snprintf(next, sizeof next, "resubmit(,%d)", PIPE_T_RESPOND);
    px_flow(c, PIPE_T_PROTOCOL, 0, PIPE_K_PASS, NULL, next, "%s", "");
}
