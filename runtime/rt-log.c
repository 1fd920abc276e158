/* SPDX-License-Identifier: Apache-2.0 */
/* rt-log.c -- drop logging: each packet-in of a logged drop becomes one
 * log line (vlog, so syslog works), in the spirit of an iptables LOG line
 * but naming the topology rule that dropped it, and counts per rule. */
#include <config.h>

#include "rt.h"

#include <stdlib.h>

#include "byte-order.h"
#include "dp-packet.h"
#include "flow.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-packet.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "pipe.h"
#include "topo.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rt_log);

/* Name of port number 'id' (topology-wide) or "-". */
static const char *
port_name(const struct topo *t, uint32_t id)
{
    const struct topo_port *p = topo_port_by_id(t, id);
    return p ? p->name : "-";
}

/* The topology port at OpenFlow port 'ofport' on bridge 'b', or NULL. */
static const struct topo_port *
ofport_port(const struct rt_bridge *b, unsigned int ofport)
{
    for (size_t i = 0; b->br && i < b->br->n_ports; i++) {
        if (b->ofports[i] == ofport) {
            return b->br->ports[i];
        }
    }
    return NULL;
}

/* A one-line summary of the packet: MACs, ethertype, addresses, protocol
 * and ports, ARP fields, ND target. */
static void
summarize(const struct flow *f, struct ds *s)
{
    ds_put_format(s, "src="ETH_ADDR_FMT" dst="ETH_ADDR_FMT,
                  ETH_ADDR_ARGS(f->dl_src), ETH_ADDR_ARGS(f->dl_dst));
    if (f->vlans[0].tci & htons(VLAN_CFI)) {
        ds_put_format(s, " vlan=%u", vlan_tci_to_vid(f->vlans[0].tci));
    }
    if (f->dl_type == htons(ETH_TYPE_ARP)) {
        ds_put_format(s, " arp op=%u sha="ETH_ADDR_FMT" spa="IP_FMT
                      " tpa="IP_FMT, f->nw_proto, ETH_ADDR_ARGS(f->arp_sha),
                      IP_ARGS(f->nw_src), IP_ARGS(f->nw_dst));
        return;
    } else if (f->dl_type == htons(ETH_TYPE_IP)) {
        ds_put_format(s, " ip src="IP_FMT" dst="IP_FMT" proto=%u",
                      IP_ARGS(f->nw_src), IP_ARGS(f->nw_dst), f->nw_proto);
    } else if (f->dl_type == htons(ETH_TYPE_IPV6)) {
        ds_put_cstr(s, " ipv6 src=");
        ipv6_format_addr(&f->ipv6_src, s);
        ds_put_cstr(s, " dst=");
        ipv6_format_addr(&f->ipv6_dst, s);
        ds_put_format(s, " proto=%u", f->nw_proto);
    } else {
        ds_put_format(s, " type=0x%04x", ntohs(f->dl_type));
        return;
    }
    if (f->nw_proto == IPPROTO_TCP || f->nw_proto == IPPROTO_UDP) {
        ds_put_format(s, " sport=%u dport=%u", ntohs(f->tp_src),
                      ntohs(f->tp_dst));
    } else if (f->nw_proto == IPPROTO_ICMP
               || f->nw_proto == IPPROTO_ICMPV6) {
        ds_put_format(s, " type=%u code=%u", ntohs(f->tp_src),
                      ntohs(f->tp_dst));
        if (f->nw_proto == IPPROTO_ICMPV6
            && (ntohs(f->tp_src) == 135 || ntohs(f->tp_src) == 136)) {
            ds_put_cstr(s, " target=");
            ipv6_format_addr(&f->nd_target, s);
        }
    }
}

void
rt_log_packet_in(struct rt_bridge *b, const struct topo *t,
                 const struct ofp_header *msg)
{
    struct ofputil_packet_in pin;
    struct dp_packet packet;
    struct flow flow;
    size_t total_len;
    uint32_t buffer_id;
    struct ds s = DS_EMPTY_INITIALIZER;
    uint64_t cookie;

    if (ofputil_decode_packet_in(msg, true, NULL, NULL, &pin, &total_len,
                                 &buffer_id, NULL)) {
        return;
    }
    cookie = ntohll(pin.cookie);
    if (!pipe_cookie_is_ours(cookie)) {
        return;
    }
    const struct topo_port *in = ofport_port(
        b, ofp_to_u16(pin.flow_metadata.flow.in_port.ofp_port));
    uint32_t port_id = pipe_cookie_port(cookie);
    if (!port_id && in
        && (pin.table_id == PIPE_T_SOURCE || pin.table_id == PIPE_T_PROTOCOL)) {
        /* A bridge-wide guard of tables 10 and 11, which only guest and
         * host ports reach: the rule is about its sender. */
        port_id = in->id;
    }

    /* Count. */
    uint64_t key = (cookie >> 24 & ~(uint64_t) 0xffffff) | port_id;
    struct rt_counter *c;
    bool found = false;
    HMAP_FOR_EACH_WITH_HASH (c, node, hash_uint64(key), &b->counters) {
        if (c->key == key) {
            c->n++;
            found = true;
            break;
        }
    }
    if (!found) {
        c = xzalloc(sizeof *c);
        c->key = key;
        c->n = 1;
        hmap_insert(&b->counters, &c->node, hash_uint64(key));
    }

    /* Log. */
    dp_packet_use_const(&packet, pin.packet, pin.packet_len);
    flow_extract(&packet, &flow);
    summarize(&flow, &s);
    enum pipe_kind kind = pipe_cookie_kind(cookie);
    VLOG_INFO("drop: bridge=%s rule=%s port=%s in_port=%s table=%u: %s (%s)",
              b->name, pipe_kind_slug(kind), port_name(t, port_id),
              in ? in->name : "?", pin.table_id, ds_cstr(&s),
              pipe_kind_description(kind));
    ds_destroy(&s);
    dp_packet_uninit(&packet);
}

void
rt_log_format_counters(const struct rt_bridge *b, const struct topo *t,
                       struct ds *s)
{
    const struct rt_counter *c;

    HMAP_FOR_EACH (c, node, &b->counters) {
        uint64_t cookie = c->key << 24;
        ds_put_format(s, "%s %s %s %"PRIu64"\n", b->name,
                      pipe_kind_slug(pipe_cookie_kind(cookie)),
                      port_name(t, pipe_cookie_port(cookie)), c->n);
    }
}
