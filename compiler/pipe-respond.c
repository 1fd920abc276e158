/* SPDX-License-Identifier: Apache-2.0 */
/* pipe-respond.c -- tables 20 and 21: the ARP and ND responder.
 *
 * The switch itself answers every ARP request and neighbor solicitation
 * for an address pinned on this bridge, with the owner's MAC, back out of
 * the port the request came from.  A forged answer from another guest
 * therefore never matters (and is dropped by the guards anyway), and
 * requests do not flood the bridge.
 *
 * A NAT uplink is answered for the NAT address only: the outside has no
 * business resolving the guests' addresses behind the NAT.
 *
 * Not answered, passed on instead: requests from the owner itself (its
 * probes and announcements, RFC 5227, must not see a conflict), duplicate
 * address detection (NS from ::, the owner answers that), and NS without a
 * source link-layer address option (there is no option to rewrite into the
 * target link-layer address; such NS are rare and the owner answers).
 *
 * The NA is built in OpenFlow alone (OVN sends NS to its controller): the
 * NS is turned around (Ethernet and IPv6 addresses), icmpv6_type becomes
 * 136, nd_reserved gets the solicited and override flags, the option type
 * becomes 2 (target link-layer address).  OVS checks a set_field's
 * prerequisites against the flow's match, and nd_tll requires
 * icmpv6_type=136, so the flow resubmits to table 21, whose flow matches
 * the rewritten packet and sets nd_tll and outputs it.
 *
 * Setting nd_reserved and the option type needs a datapath with the ND
 * extensions (the userspace one; OVS refuses such flows on the Linux
 * kernel's).  Without them (pipe_options.nd_ext), every NS for a pinned
 * address, but the owner's own, is delivered to the owner alone, who
 * answers, and its NA passes the guards of table 11 (only the owner may
 * advertise the address): no guest sees another's solicitations, and the
 * NAT gateway's IPv6 address, which no port owns, is not answered. */
#include "pipe-priv.h"

#include <inttypes.h>
#include <sys/socket.h>

/* Answers ARP requests for 'a' with 'mac', with a flow of 'prio'.
 * 'owner' (if any) is the port whose own requests pass unanswered; 'only'
 * (a match prefix ending in ',', or "") limits who is answered. */
static void
arp_responder(struct pctx *c, const struct topo_port *owner,
              const struct prefix *a, const struct mac *mac,
              enum pipe_kind kind, const char *only, uint16_t prio)
{
    char ip[PREFIX_STRLEN], m[MAC_STRLEN], next[32];

    px_addr(a, ip);
    mac_format(mac, m);
    snprintf(next, sizeof next, "resubmit(,%d)", PIPE_T_CONNTRACK);
    if (owner) {
        px_flow(c, PIPE_T_RESPOND, 200, kind, owner, next,
                "in_port=%s,arp,arp_op=1,arp_tpa=%s", px_ref(c, owner), ip);
    }
    strbuf_clear(&c->act);
    strbuf_printf(&c->act,
                  "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],"
                  "set_field:%s->eth_src,"
                  "set_field:2->arp_op,"
                  "move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],"
                  "set_field:%s->arp_sha,"
                  "move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],"
                  "set_field:%s->arp_spa,"
                  "IN_PORT", m, m, ip);
    px_flow(c, PIPE_T_RESPOND, prio, kind, owner, strbuf_cstr(&c->act),
            "%sarp,arp_op=1,arp_tpa=%s", only, ip);
}

/* Answers neighbor solicitations for 'a' with 'mac' (as a router if
 * 'router'), or, where the switch cannot build the answer, delivers them
 * to 'owner' alone; 'owner', 'only' and 'kind' as for arp_responder(). */
static void
nd_responder(struct pctx *c, const struct topo_port *owner,
             const struct prefix *a, const struct mac *mac, bool router,
             enum pipe_kind kind, const char *only)
{
    char ip[PREFIX_STRLEN], m[MAC_STRLEN], next[32];

    px_addr(a, ip);
    mac_format(mac, m);
    snprintf(next, sizeof next, "resubmit(,%d)", PIPE_T_CONNTRACK);
    if (owner) {
        px_flow(c, PIPE_T_RESPOND, 200, kind, owner, next,
                "in_port=%s,icmp6,icmp_type=135,nd_target=%s",
                px_ref(c, owner), ip);
    }
    if (!c->nd_answer) {
        if (owner) {
            strbuf_clear(&c->act);
            strbuf_printf(&c->act, "set_field:0x%"PRIx32"->reg1,"
                          "resubmit(,%d)", owner->id, PIPE_T_EGRESS);
            px_flow(c, PIPE_T_RESPOND, 100, kind, owner,
                    strbuf_cstr(&c->act),
                    "%sicmp6,icmp_type=135,nd_target=%s", only, ip);
        }
        return;
    }
    /* nd_reserved is printed back in decimal: 0x60000000 = solicited +
     * override, 0xe0000000 = router + solicited + override. */
    strbuf_clear(&c->act);
    strbuf_printf(&c->act,
                  "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],"
                  "set_field:%s->eth_src,"
                  "move:NXM_NX_IPV6_SRC[]->NXM_NX_IPV6_DST[],"
                  "set_field:%s->ipv6_src,"
                  "set_field:255->nw_ttl,"
                  "set_field:136->icmpv6_type,"
                  "set_field:%s->nd_reserved,"
                  "set_field:2->nd_options_type,"
                  "resubmit(,%d)", m, ip,
                  router ? "3758096384" : "1610612736", PIPE_T_ND_FINISH);
    px_flow(c, PIPE_T_RESPOND, 100, kind, owner, strbuf_cstr(&c->act),
            "%sicmp6,icmp_type=135,nd_target=%s", only, ip);
    strbuf_clear(&c->act);
    strbuf_printf(&c->act, "set_field:%s->nd_tll,IN_PORT", m);
    px_flow(c, PIPE_T_ND_FINISH, 100, kind, owner, strbuf_cstr(&c->act),
            "%sicmp6,icmp_type=136,nd_target=%s", only, ip);
}

/* True if 'a' is pinned to a port of this bridge (then that port's
 * responder answers for it). */
static bool
pinned_here(const struct pctx *c, const struct prefix *a)
{
    for (size_t i = 0; i < c->br->n_ports; i++) {
        const struct topo_port *p = c->br->ports[i];
        if (topo_port_is_pinned(p)
            && (prefix_set_contains_addr(&p->ipv4, a)
                || prefix_set_contains_addr(&p->ipv6, a))) {
            return true;
        }
    }
    return false;
}

/* The NAT gateway, answered to guest and host ports (reg3 bit 0), and the
 * NAT address, answered on the uplink, both with the gateway's MAC. */
static void
gateway_responder(struct pctx *c)
{
    const struct topo_nat *nat = c->br->nat;
    char only[64];

    if (!pinned_here(c, &nat->gateway_ip)) {
        arp_responder(c, NULL, &nat->gateway_ip, &nat->gateway_mac,
                      PIPE_K_GATEWAY_RESPONDER, "reg3=0x1/0x1,", 100);
    }
    if (nat->has_gateway_ipv6 && !pinned_here(c, &nat->gateway_ipv6)) {
        nd_responder(c, NULL, &nat->gateway_ipv6, &nat->gateway_mac, true,
                     PIPE_K_GATEWAY_RESPONDER, "reg3=0x1/0x1,");
    }
    if (px_present(c, nat->uplink)) {
        /* The outside is answered for the NAT address only: not for the
         * guests' addresses, which it has no business resolving (their
         * MACs would leak, and where the outside uses the same prefix,
         * its hosts would be poisoned). */
        char next[32];

        snprintf(only, sizeof only, "in_port=%s,", px_ref(c, nat->uplink));
        snprintf(next, sizeof next, "resubmit(,%d)", PIPE_T_CONNTRACK);
        arp_responder(c, NULL, &nat->address, &nat->gateway_mac,
                      PIPE_K_GATEWAY_RESPONDER, only, 200);
        px_flow(c, PIPE_T_RESPOND, 150, PIPE_K_GATEWAY_RESPONDER, NULL,
                next, "%sarp,arp_op=1", only);
        px_flow(c, PIPE_T_RESPOND, 150, PIPE_K_GATEWAY_RESPONDER, NULL,
                next, "%sicmp6,icmp_type=135", only);
    }
}

void
pipe_build_responder(struct pctx *c)
{
    char next[32];

    snprintf(next, sizeof next, "resubmit(,%d)", PIPE_T_CONNTRACK);
    /* What the responder never answers (delivered to the owner alone
     * where the switch does not answer: see nd_responder()). */
    if (c->nd_answer) {
        px_flow(c, PIPE_T_RESPOND, 150, PIPE_K_ND_RESPONDER, NULL, next,
                "icmp6,icmp_type=135,ipv6_src=::");
        px_flow(c, PIPE_T_RESPOND, 150, PIPE_K_ND_RESPONDER, NULL, next,
                "icmp6,icmp_type=135,nd_sll=00:00:00:00:00:00");
    }

    for (size_t i = 0; i < c->n_ports; i++) {
        const struct topo_port *p = c->ports[i];
        if (!topo_port_is_pinned(p) || !px_present(c, p)
            || !px_wanted(c, p)) {
            continue;
        }
        for (size_t k = 0; k < p->ipv4.n; k++) {
            arp_responder(c, p, &p->ipv4.p[k], &p->mac,
                          PIPE_K_ARP_RESPONDER, "", 100);
        }
        for (size_t k = 0; k < p->ipv6.n; k++) {
            nd_responder(c, p, &p->ipv6.p[k], &p->mac, false,
                         PIPE_K_ND_RESPONDER, "");
        }
        for (size_t k = 0; k < p->link_local.n; k++) {
            nd_responder(c, p, &p->link_local.p[k], &p->mac, false,
                         PIPE_K_ND_RESPONDER, "");
        }
    }
    if (c->br->nat && c->br->nat->uplink) {
        gateway_responder(c);
    }
    px_flow(c, PIPE_T_RESPOND, 0, PIPE_K_PASS, NULL, next, "%s", "");
}
