/* SPDX-License-Identifier: Apache-2.0 */
/* pipe-conntrack.c -- tables 40 to 47: the NAT block list, source and
 * destination NAT through the bridge's virtual router, and the stateful
 * policy.  Only traffic that passed the anti-spoofing and border stages
 * gets here.
 *
 * NAT (IPv4).  The gateway is a virtual router answered by the switch's
 * responder (pipe-respond.c).  A guest's frame to the gateway MAC whose
 * destination is outside the bridge's subnets is routed:
 *
 *   40  block list first (nothing is committed for a blocked
 *       destination), then reg4 bit 0 = "routed" -> 42
 *   42  stateful policy (zone 2i), then 43
 *   43  routed -> ct(nat) lookup in the NAT zone (2i+1) -> 46
 *   46  new: ct(commit, nat(src=address)); established/related: already
 *       translated; both: eth_src = gateway, dec_ttl -> 47
 *   47  eth_dst = next hop, output to the uplink.  Without next_hop.mac
 *       the static flow drops (nat-no-next-hop) and a learn action in 40
 *       installs the next hop's MAC from its ARP reply to the NAT address
 *       (ovs-flowd sends the ARP request).
 *
 * From the uplink only three things enter: ARP for the NAT address
 * (answered in 20), replies to translated connections and port forwards:
 *
 *   40  nw_dst = address -> ct(nat) in the NAT zone -> 41
 *   41  established/related (now un-NATed to the guest) -> 44;
 *       new to a forwarded port -> ct(commit, nat(dst=guest:port)) -> 45
 *   45  -> 44
 *   44  neighbour table: eth_dst = the MAC of the destination guest
 *       (41 and 45 set eth_src = gateway, dec_ttl) -> 42, the policy
 *       (a port forward is a new connection there; replies are
 *       established), then 50 and the egress guard: only the guest whose
 *       connection it is receives it
 *
 * Everything else from a NAT uplink is dropped (nat-in); nothing is ever
 * bridged to it (pipe-forward.c, pipe-border.c).  The block list also
 * applies to frames that would leave by any other way (a patch, another
 * port): reg3 bit 0 marks frames from guest and host ports.
 *
 * Policy.  IP and IPv6 frames are tracked in the bridge's policy zone;
 * established and related pass, invalid ones drop, new connections meet
 * the rules in order (priority 30000 - rule index: first match wins),
 * then the default.  Neighbour discovery, MLD and DHCP (v4 and v6) are
 * infrastructure and bypass the rules (DHCP requests only towards a
 * server that may answer them, dhcp_flows()), as does DNS to a host port
 * that serves it.  Port ranges become the fewest value/mask matches on tp_dst
 * (pipe_port_masks()). */
#include "pipe-priv.h"

#include <inttypes.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

size_t
pipe_port_masks(uint16_t lo, uint16_t hi, struct pipe_port_mask *out)
{
    uint32_t cur = lo;
    size_t n = 0;

    while (cur <= hi) {
        uint32_t size = 1;
        /* Grow the block while it stays aligned and inside the range. */
        while (size < 0x10000 && !(cur & (size * 2 - 1))
               && cur + size * 2 - 1 <= hi) {
            size *= 2;
        }
        out[n].value = cur;
        out[n].mask = (uint16_t) ~(size - 1);
        n++;
        cur += size;
    }
    return n;
}

/* --- Policy ---------------------------------------------------------- */

static void
add_port_addrs(struct prefix_set *set, const struct topo_port *p)
{
    const struct prefix_set *sets[] = { &p->ipv4, &p->ipv6, &p->link_local,
                                        &p->extra };
    for (size_t s = 0; s < 4; s++) {
        for (size_t i = 0; i < sets[s]->n; i++) {
            prefix_set_add(set, &sets[s]->p[i]);
        }
    }
}

/* The prefixes a reference stands for; false for "any". */
static bool
ref_prefixes(const struct topo_ref *r, struct prefix_set *set)
{
    switch (r->kind) {
    case TOPO_REF_ANY:
        return false;
    case TOPO_REF_PORT:
        add_port_addrs(set, r->port);
        break;
    case TOPO_REF_BRIDGE:
        for (size_t i = 0; i < r->bridge->n_ports; i++) {
            if (topo_port_is_pinned(r->bridge->ports[i])) {
                add_port_addrs(set, r->bridge->ports[i]);
            }
        }
        break;
    case TOPO_REF_GROUP:
        for (size_t i = 0; i < r->group->n_ports; i++) {
            if (topo_port_is_pinned(r->group->ports[i])) {
                add_port_addrs(set, r->group->ports[i]);
            }
        }
        for (size_t i = 0; i < r->group->cidrs.n; i++) {
            prefix_set_add(set, &r->group->cidrs.p[i]);
        }
        break;
    case TOPO_REF_CIDR:
        prefix_set_add(set, &r->cidr);
        break;
    }
    prefix_set_sort_unique(set);
    return true;
}

/* Emits the flows of one rule for one address family. */
static void
rule_flows(struct pctx *c, const struct topo_rule *rule, int family,
           const struct prefix_set *from, const struct prefix_set *to,
           const char *actions, enum pipe_kind kind)
{
    const char *proto;
    struct pipe_port_mask *masks;
    size_t n_masks = 0;
    uint16_t prio = 30000 - rule->index;
    bool v4 = family == AF_INET;

    switch (rule->proto) {
    case 0: proto = v4 ? "ip" : "ipv6"; break;
    case IPPROTO_ICMP: if (!v4) { return; } proto = "icmp"; break;
    case IPPROTO_ICMPV6: if (v4) { return; } proto = "icmp6"; break;
    case IPPROTO_TCP: proto = v4 ? "tcp" : "tcp6"; break;
    case IPPROTO_UDP: proto = v4 ? "udp" : "udp6"; break;
    default: return;
    }

    /* A side that names addresses but none of this family cannot match. */
    size_t nf = 0, nt = 0;
    for (size_t i = 0; from && i < from->n; i++) {
        nf += from->p[i].family == family;
    }
    for (size_t i = 0; to && i < to->n; i++) {
        nt += to->p[i].family == family;
    }
    if ((from && !nf) || (to && !nt)) {
        return;
    }

    struct pipe_port_mask all = { 0, 0 };
    masks = fc_xmalloc((32 * rule->n_ports + 1) * sizeof *masks);
    for (size_t r = 0; r < rule->n_ports; r++) {
        n_masks += pipe_port_masks(rule->ports[r].lo, rule->ports[r].hi,
                                   masks + n_masks);
    }
    const struct pipe_port_mask *pm = n_masks ? masks : &all;
    size_t npm = n_masks ? n_masks : 1;

    for (size_t i = 0; i < (from ? from->n : 1); i++) {
        const struct prefix *f = from ? &from->p[i] : NULL;
        if (f && f->family != family) {
            continue;
        }
        for (size_t j = 0; j < (to ? to->n : 1); j++) {
            const struct prefix *t = to ? &to->p[j] : NULL;
            char fb[PREFIX_STRLEN], tb[PREFIX_STRLEN];
            if (t && t->family != family) {
                continue;
            }
            for (size_t k = 0; k < npm; k++) {
                struct strbuf m = STRBUF_INIT;
                strbuf_printf(&m, "ct_state=+new+trk,%s", proto);
                if (f) {
                    strbuf_printf(&m, ",%s=%s", px_src(f), px_addr(f, fb));
                }
                if (t) {
                    strbuf_printf(&m, ",%s=%s", px_dst(t), px_addr(t, tb));
                }
                if (n_masks && pm[k].mask == 0xffff) {
                    strbuf_printf(&m, ",tp_dst=%u", pm[k].value);
                } else if (n_masks) {
                    strbuf_printf(&m, ",tp_dst=0x%x/0x%x", pm[k].value,
                                  pm[k].mask);
                }
                px_flow(c, PIPE_T_POLICY, prio, kind, NULL, actions, "%s",
                        strbuf_cstr(&m));
                strbuf_destroy(&m);
            }
        }
    }
    free(masks);
}

/* --- DHCP clients past the policy ------------------------------------ */

/* A DHCP family as the policy sees it.  A client's request (UDP 'client'
 * to 'server') bypasses the rules only towards a server that may answer
 * it: 'all_servers' (where every client may send), the addresses of the
 * host ports whose "services" grant 'service', or anywhere when a LAN
 * that may serve lies behind a bridged uplink (its servers' addresses are
 * not known).  The answers (server to client port) need no scoping here:
 * only ports granted the service may send them (the server guards,
 * tables 11 and 31). */
struct dhcp_family {
    int family;
    const char *proto;
    int client, server;
    const char *all_servers;
    unsigned int service;
};

static const struct dhcp_family dhcp_families[] = {
    { AF_INET, "udp", 68, 67, "255.255.255.255", TOPO_SVC_DHCP },
    { AF_INET6, "udp6", 546, 547, "ff02::1:2", TOPO_SVC_DHCPV6 },
};

/* If host port 'p' serves family 'f': the flows letting requests reach
 * its addresses, keyed by port 'key'. */
static void
dhcp_server_flows(struct pctx *c, const struct dhcp_family *f,
                  const char *next, const struct topo_port *p,
                  const struct topo_port *key)
{
    const struct prefix_set *sets[] = { &p->ipv4, &p->ipv6, &p->link_local };
    char buf[PREFIX_STRLEN];

    if (p->role != TOPO_HOST || !(p->services & f->service)) {
        return;
    }
    for (size_t s = 0; s < sizeof sets / sizeof *sets; s++) {
        for (size_t i = 0; i < sets[s]->n; i++) {
            const struct prefix *a = &sets[s]->p[i];
            if (a->family == f->family) {
                px_flow(c, PIPE_T_POLICY, 40000, PIPE_K_POLICY_INFRA,
                        key, next,
                        "ct_state=+trk,%s,%s=%s,tp_src=%d,tp_dst=%d",
                        f->proto, px_dst(a), px_addr(a, buf), f->client,
                        f->server);
            }
        }
    }
}

/* dhcp_server_flows() for the host ports of bridge 'br' and of the
 * bridges behind its patch ports other than 'via', keyed by 'key' (the
 * patch port of the policy's bridge they are reached through). */
static void
dhcp_servers_behind(struct pctx *c, const struct dhcp_family *f,
                    const char *next, const struct topo_bridge *br,
                    const struct topo_port *via, const struct topo_port *key)
{
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct topo_port *p = br->ports[i];

        if (p->role == TOPO_HOST) {
            dhcp_server_flows(c, f, next, p, key);
        } else if (p->role == TOPO_PATCH && p != via && p->peer) {
            dhcp_servers_behind(c, f, next, p->peer->bridge, p->peer, key);
        }
    }
}

/* Table 42: DHCP and DHCPv6 bypass the policy's rules: a client's request
 * towards a server that may answer it (struct dhcp_family), and every
 * answer.  The flows about a server are keyed by its host port, or by the
 * uplink or patch port it is behind, and left out while that port is not
 * on the switch. */
static void
dhcp_flows(struct pctx *c, const char *next)
{
    for (size_t i = 0; i < sizeof dhcp_families / sizeof *dhcp_families;
         i++) {
        const struct dhcp_family *f = &dhcp_families[i];

        px_flow(c, PIPE_T_POLICY, 40000, PIPE_K_POLICY_INFRA, NULL,
                next, "ct_state=+trk,%s,%s=%s,tp_src=%d,tp_dst=%d",
                f->proto, f->family == AF_INET ? "nw_dst" : "ipv6_dst",
                f->all_servers, f->client, f->server);
        px_flow(c, PIPE_T_POLICY, 40000, PIPE_K_POLICY_INFRA, NULL,
                next, "ct_state=+trk,%s,tp_src=%d,tp_dst=%d", f->proto,
                f->server, f->client);
        for (size_t j = 0; j < c->n_ports; j++) {
            const struct topo_port *p = c->ports[j];
            const struct model_border *b = model_border(c->m, p);

            if (!px_present(c, p) || !px_wanted(c, p)) {
                continue;
            }
            if (p->role == TOPO_HOST) {
                dhcp_server_flows(c, f, next, p, p);
            } else if (p->role == TOPO_PATCH && p->peer) {
                dhcp_servers_behind(c, f, next, p->peer->bridge, p->peer, p);
            }
            if (b && (b->lan_services & f->service)) {
                /* Below the flows above: they overlap. */
                px_flow(c, PIPE_T_POLICY, 39000, PIPE_K_POLICY_INFRA,
                        p, next, "ct_state=+trk,%s,tp_src=%d,tp_dst=%d",
                        f->proto, f->client, f->server);
            }
        }
    }
}

static void
policy(struct pctx *c)
{
    const struct topo_policy *pol = &c->br->policy;
    char allow[96], next[32];

    snprintf(next, sizeof next, "resubmit(,%d)", PIPE_T_POST_POLICY);
    snprintf(allow, sizeof allow, "ct(commit,zone=%u),resubmit(,%d)",
             c->filter_zone, PIPE_T_POST_POLICY);
    if (!pol->present) {
        px_flow(c, PIPE_T_POLICY, 0, PIPE_K_PASS, NULL, next, "%s", "");
        return;
    }

    /* Track. */
    char track[64];
    snprintf(track, sizeof track, "ct(table=%d,zone=%u)", PIPE_T_POLICY,
             c->filter_zone);
    px_flow(c, PIPE_T_POLICY, 50000, PIPE_K_PASS, NULL, track,
            "ct_state=-trk,ip");
    px_flow(c, PIPE_T_POLICY, 50000, PIPE_K_PASS, NULL, track,
            "ct_state=-trk,ipv6");
    if (c->br->nat) {
        /* Inbound frames come from the NAT zone already tracked there;
         * track them in the policy zone too, so their replies are
         * established there. */
        px_flow(c, PIPE_T_POLICY, 50000, PIPE_K_PASS, NULL, track,
                "ct_state=+trk,ct_zone=%u,ip", c->nat_zone);
    }

    /* Infrastructure: neighbour discovery, MLD, DHCP. */
    static const int icmp6_types[] = { 130, 131, 132, 133, 134, 135, 136,
                                       137, 143 };
    for (size_t i = 0; i < sizeof icmp6_types / sizeof *icmp6_types; i++) {
        px_flow(c, PIPE_T_POLICY, 40000, PIPE_K_POLICY_INFRA, NULL,
                next, "ct_state=+trk,icmp6,icmp_type=%d", icmp6_types[i]);
    }
    dhcp_flows(c, next);
    /* DNS to a host port that serves it. */
    for (size_t i = 0; i < c->n_ports; i++) {
        const struct topo_port *p = c->ports[i];
        char buf[PREFIX_STRLEN];
        if (p->role != TOPO_HOST || !(p->services & TOPO_SVC_DNS)) {
            continue;
        }
        const struct prefix_set *sets[] = { &p->ipv4, &p->ipv6 };
        for (size_t s = 0; s < 2; s++) {
            for (size_t k = 0; k < sets[s]->n; k++) {
                const struct prefix *a = &sets[s]->p[k];
                bool v4 = a->family == AF_INET;
                px_addr(a, buf);
                px_flow(c, PIPE_T_POLICY, 40000, PIPE_K_POLICY_ALLOW, p,
                        allow, "ct_state=+new+trk,%s,%s=%s,tp_dst=53",
                        v4 ? "udp" : "udp6", px_dst(a), buf);
                px_flow(c, PIPE_T_POLICY, 40000, PIPE_K_POLICY_ALLOW, p,
                        allow, "ct_state=+new+trk,%s,%s=%s,tp_dst=53",
                        v4 ? "tcp" : "tcp6", px_dst(a), buf);
            }
        }
    }

    /* Replies and related packets of allowed connections; invalid. */
    px_flow(c, PIPE_T_POLICY, 35000, PIPE_K_POLICY_ESTABLISHED, NULL, next,
            "ct_state=+est+trk");
    px_flow(c, PIPE_T_POLICY, 35000, PIPE_K_POLICY_ESTABLISHED, NULL, next,
            "ct_state=+rel+trk");
    px_flow(c, PIPE_T_POLICY, 34000, PIPE_K_POLICY_INVALID, NULL,
            px_drop(c, PIPE_K_POLICY_INVALID, NULL), "ct_state=+inv+trk");

    /* The rules, first match wins. */
    for (size_t r = 0; r < pol->n_rules; r++) {
        const struct topo_rule *rule = &pol->rules[r];
        struct prefix_set from = { NULL, 0, 0 }, to = { NULL, 0, 0 };
        bool has_from = ref_prefixes(&rule->from, &from);
        bool has_to = ref_prefixes(&rule->to, &to);
        const char *actions;

        c->detail = rule->index + 1;
        if (rule->allow) {
            actions = allow;
        } else {
            actions = rule->log ? px_drop(c, PIPE_K_POLICY_DENY, NULL)
                                : "drop";
        }
        char *acts = fc_xstrdup(actions);
        enum pipe_kind kind = (rule->allow ? PIPE_K_POLICY_ALLOW
                               : PIPE_K_POLICY_DENY);
        rule_flows(c, rule, AF_INET, has_from ? &from : NULL,
                   has_to ? &to : NULL, acts, kind);
        rule_flows(c, rule, AF_INET6, has_from ? &from : NULL,
                   has_to ? &to : NULL, acts, kind);
        free(acts);
        prefix_set_destroy(&from);
        prefix_set_destroy(&to);
        c->detail = 0;
    }

    /* The default. */
    /* (ct(commit) needs an L3 protocol in the match.) */
    const char *dflt = (pol->default_allow ? allow
                        : px_drop(c, PIPE_K_POLICY_DEFAULT, NULL));
    px_flow(c, PIPE_T_POLICY, 1, PIPE_K_POLICY_DEFAULT, NULL, dflt,
            "ct_state=+new+trk,ip");
    px_flow(c, PIPE_T_POLICY, 1, PIPE_K_POLICY_DEFAULT, NULL, dflt,
            "ct_state=+new+trk,ipv6");
    px_flow(c, PIPE_T_POLICY, 0, PIPE_K_PASS, NULL, next, "%s", "");
}

/* --- NAT ------------------------------------------------------------- */

static void
nat(struct pctx *c)
{
    const struct topo_nat *nat = c->br->nat;
    const struct topo_port *up = nat->uplink;
    const char *upref = px_ref(c, up);
    char gw[MAC_STRLEN], nh[MAC_STRLEN], addr[PREFIX_STRLEN];
    char nh_ip[PREFIX_STRLEN], buf[PREFIX_STRLEN];
    char to_policy[32];

    mac_format(&nat->gateway_mac, gw);
    mac_format(&nat->next_hop_mac, nh);
    px_addr(&nat->address, addr);
    px_addr(&nat->next_hop_ip, nh_ip);
    snprintf(to_policy, sizeof to_policy, "resubmit(,%d)", PIPE_T_POLICY);

    /* 40: block list, before anything is committed. */
    for (size_t i = 0; i < nat->block.n; i++) {
        px_flow(c, PIPE_T_CONNTRACK, 400, PIPE_K_NAT_BLOCK, NULL,
                px_drop(c, PIPE_K_NAT_BLOCK, NULL),
                "reg3=0x1/0x1,ip,nw_dst=%s", px_addr(&nat->block.p[i], buf));
    }
    /* 40: from the uplink. */
    if (px_present(c, up)) {
        strbuf_clear(&c->act);
        strbuf_printf(&c->act, "ct(table=%d,zone=%u,nat)", PIPE_T_NAT_REPLY,
                      c->nat_zone);
        px_flow(c, PIPE_T_CONNTRACK, 300, PIPE_K_NAT_IN, up,
                strbuf_cstr(&c->act), "in_port=%s,ip,nw_dst=%s", upref,
                addr);
        if (!nat->has_next_hop_mac) {
            strbuf_clear(&c->act);
            strbuf_printf(&c->act,
                          "learn(table=%d,priority=100,"
                          "load:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],"
                          "output:NXM_OF_IN_PORT[])", PIPE_T_NEXT_HOP);
            px_flow(c, PIPE_T_CONNTRACK, 300, PIPE_K_NAT_NO_NEXT_HOP, up,
                    strbuf_cstr(&c->act),
                    "in_port=%s,arp,arp_op=2,arp_spa=%s,arp_tpa=%s", upref,
                    nh_ip, addr);
        }
        px_flow(c, PIPE_T_CONNTRACK, 250, PIPE_K_NAT_IN, up,
                px_drop(c, PIPE_K_NAT_IN, up), "in_port=%s", upref);
    }
    /* 40: routing from guests.  Frames for the gateway MAC that stay in
     * the subnets are not routed (the gateway may be the host port). */
    for (size_t i = 0; i < c->br->subnets.n; i++) {
        const struct prefix *net = &c->br->subnets.p[i];
        if (net->family == AF_INET) {
            px_flow(c, PIPE_T_CONNTRACK, 200, PIPE_K_PASS, NULL, to_policy,
                    "reg3=0x1/0x1,ip,dl_dst=%s,nw_dst=%s", gw,
                    px_addr(net, buf));
        }
    }
    strbuf_clear(&c->act);
    strbuf_printf(&c->act, "set_field:0x1/0x1->reg4,resubmit(,%d)",
                  PIPE_T_POLICY);
    px_flow(c, PIPE_T_CONNTRACK, 100, PIPE_K_NAT_OUT, NULL,
            strbuf_cstr(&c->act), "reg3=0x1/0x1,ip,dl_dst=%s", gw);

    /* 41: replies and port forwards from the uplink, un-NATed. */
    strbuf_clear(&c->act);
    strbuf_printf(&c->act, "set_field:%s->eth_src,dec_ttl,resubmit(,%d)",
                  gw, PIPE_T_NEIGHBOR);
    px_flow(c, PIPE_T_NAT_REPLY, 100, PIPE_K_NAT_IN, NULL,
            strbuf_cstr(&c->act), "ct_state=+est+trk,ip");
    px_flow(c, PIPE_T_NAT_REPLY, 100, PIPE_K_NAT_IN, NULL,
            strbuf_cstr(&c->act), "ct_state=+rel+trk,ip");
    px_flow(c, PIPE_T_DNAT_DONE, 100, PIPE_K_NAT_FORWARD, NULL,
            strbuf_cstr(&c->act), "ip");
    for (size_t i = 0; i < nat->n_forwards; i++) {
        const struct topo_forward *fw = &nat->forwards[i];
        strbuf_clear(&c->act);
        strbuf_printf(&c->act, "ct(commit,table=%d,zone=%u,nat(dst=%s:%u))",
                      PIPE_T_DNAT_DONE, c->nat_zone,
                      px_addr(&fw->to->ipv4.p[0], buf), fw->to_port);
        px_flow(c, PIPE_T_NAT_REPLY, 200, PIPE_K_NAT_FORWARD, fw->to,
                strbuf_cstr(&c->act), "ct_state=+new+trk,%s,nw_dst=%s,"
                "tp_dst=%u", fw->proto == IPPROTO_TCP ? "tcp" : "udp",
                addr, fw->port);
    }
    px_flow(c, PIPE_T_NAT_REPLY, 0, PIPE_K_NAT_IN, NULL,
            px_drop(c, PIPE_K_NAT_IN, NULL), "%s", "");

    /* 44: the neighbour table of routed frames. */
    for (size_t i = 0; i < c->n_ports; i++) {
        const struct topo_port *p = c->ports[i];
        char mac[MAC_STRLEN];
        if (!topo_port_is_pinned(p) || !px_present(c, p)
            || !px_wanted(c, p)) {
            continue;
        }
        for (size_t k = 0; k < p->ipv4.n; k++) {
            strbuf_clear(&c->act);
            strbuf_printf(&c->act, "set_field:%s->eth_dst,resubmit(,%d)",
                          mac_format(&p->mac, mac), PIPE_T_POLICY);
            px_flow(c, PIPE_T_NEIGHBOR, 100, PIPE_K_NEIGHBOR, p,
                    strbuf_cstr(&c->act), "ip,nw_dst=%s",
                    px_addr(&p->ipv4.p[k], buf));
        }
    }
    px_flow(c, PIPE_T_NEIGHBOR, 0, PIPE_K_NAT_IN, NULL,
            px_drop(c, PIPE_K_NAT_IN, NULL), "%s", "");

    /* 43: routed frames to the NAT zone. */
    strbuf_clear(&c->act);
    strbuf_printf(&c->act, "ct(table=%d,zone=%u,nat)", PIPE_T_NAT_OUT,
                  c->nat_zone);
    px_flow(c, PIPE_T_POST_POLICY, 100, PIPE_K_NAT_OUT, NULL,
            strbuf_cstr(&c->act), "reg4=0x1/0x1,ip");

    /* 46: translate and route. */
    strbuf_clear(&c->act);
    strbuf_printf(&c->act, "ct(commit,zone=%u,nat(src=%s)),"
                  "set_field:%s->eth_src,dec_ttl,resubmit(,%d)",
                  c->nat_zone, addr, gw, PIPE_T_NEXT_HOP);
    px_flow(c, PIPE_T_NAT_OUT, 100, PIPE_K_NAT_OUT, NULL,
            strbuf_cstr(&c->act), "ct_state=+new+trk,ip");
    strbuf_clear(&c->act);
    strbuf_printf(&c->act, "set_field:%s->eth_src,dec_ttl,resubmit(,%d)",
                  gw, PIPE_T_NEXT_HOP);
    px_flow(c, PIPE_T_NAT_OUT, 100, PIPE_K_NAT_OUT, NULL,
            strbuf_cstr(&c->act), "ct_state=+est+trk,ip");
    px_flow(c, PIPE_T_NAT_OUT, 100, PIPE_K_NAT_OUT, NULL,
            strbuf_cstr(&c->act), "ct_state=+rel+trk,ip");
    px_flow(c, PIPE_T_NAT_OUT, 0, PIPE_K_NAT_INVALID, NULL,
            px_drop(c, PIPE_K_NAT_INVALID, NULL), "%s", "");

    /* 47: the next hop. */
    if (nat->has_next_hop_mac && px_present(c, up)) {
        strbuf_clear(&c->act);
        strbuf_printf(&c->act, "set_field:%s->eth_dst,output:%s", nh,
                      upref);
        px_flow(c, PIPE_T_NEXT_HOP, 100, PIPE_K_NAT_OUT, up,
                strbuf_cstr(&c->act), "%s", "");
    }
    px_flow(c, PIPE_T_NEXT_HOP, 0, PIPE_K_NAT_NO_NEXT_HOP, NULL,
            px_drop(c, PIPE_K_NAT_NO_NEXT_HOP, NULL), "%s", "");
}

void
pipe_build_conntrack(struct pctx *c)
{
    char next[32];

    snprintf(next, sizeof next, "resubmit(,%d)", PIPE_T_POLICY);
    if (c->br->nat && c->br->nat->uplink) {
        nat(c);
    }
    px_flow(c, PIPE_T_CONNTRACK, 0, PIPE_K_PASS, NULL, next, "%s", "");
    policy(c);
    snprintf(next, sizeof next, "resubmit(,%d)", PIPE_T_L2_LOOKUP);
    px_flow(c, PIPE_T_POST_POLICY, 0, PIPE_K_PASS, NULL, next, "%s", "");
}
