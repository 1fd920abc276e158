/* SPDX-License-Identifier: Apache-2.0 */
/* pipe-forward.c -- tables 40 (conntrack placeholder), 50 (L2 lookup),
 * the guest/host half of 60 (egress guard) and 70 (output and mirrors).
 *
 * Forwarding never learns: every MAC that may receive unicast is known
 * from the topology (pinned ports here, pinned ports behind patch links),
 * so table 50 is a fixed map.  Unknown unicast goes only towards the
 * outside (uplinks, or patches behind which an uplink lies), never
 * flooded to guests.  Broadcast and multicast are copied to every port but
 * monitors and the ingress port, each copy through its port's egress
 * guard.
 *
 * The egress guard is the anti-sniffing half: a guest or host port
 * receives a frame only if its destination IP is one of the port's
 * addresses, or broadcast or multicast; an ARP only if its target address
 * is the port's, or if it is an announcement (gratuitous ARP) of a pinned
 * address.  So even a neighbour cache poisoned by hand, or a frame
 * sent to a guest's MAC with another guest's IP, never reaches anyone but
 * the address's owner.
 *
 * Mirrors: each mirror of the bridge owns one bit of reg2.  Table 0
 * copies what a selected port sends and sets the bit; table 70 copies what
 * a selected port receives unless the bit is set, so a frame between two
 * mirrored ports reaches the monitor once. */
#include "pipe-priv.h"

#include <inttypes.h>
#include <sys/socket.h>

static bool
mirror_selects(const struct pctx *c, const struct topo_mirror *mir,
               const struct topo_port *p, unsigned int dir)
{
    if (!(mir->dir & dir) || !mir->to || p == mir->to
        || p->role == TOPO_MONITOR || !px_present(c, mir->to)) {
        return false;
    }
    if (mir->from_all) {
        return true;
    }
    for (size_t i = 0; i < mir->n_from; i++) {
        if (mir->from[i] == p) {
            return true;
        }
    }
    return false;
}

void
px_mirror_actions(struct pctx *c, const struct topo_port *p,
                  unsigned int dir, struct strbuf *sb)
{
    for (size_t m = 0; m < c->br->n_mirrors; m++) {
        const struct topo_mirror *mir = &c->br->mirrors[m];
        if (mirror_selects(c, mir, p, dir)) {
            strbuf_printf(sb, "output:%s,set_field:0x%x/0x%x->reg2,",
                          px_ref(c, mir->to), 1u << m, 1u << m);
        }
    }
}

/* The broadcast copies of flood chunk 'k' (see pipe_flood_chunk()): the
 * members of the chunk on the switch, then on to the next chunk through
 * table 52, reg5 numbering the links. */
static void
flood_chunk(struct pctx *c, size_t k, size_t n_chunks)
{
    const struct topo_bridge *br = c->br;
    size_t end = (k + 1) * PIPE_FLOOD_CHUNK;
    struct strbuf *sb = &c->act;

    if (end > br->n_ports) {
        end = br->n_ports;
    }
    strbuf_clear(sb);
    for (size_t i = k * PIPE_FLOOD_CHUNK; i < end; i++) {
        const struct topo_port *p = br->ports[i];
        if (px_present(c, p) && !px_is_nat_uplink(c, p)
            && p->role != TOPO_MONITOR) {
            strbuf_printf(sb, "%sset_field:0x%"PRIx32"->reg1,resubmit(,%d)",
                          sb->len ? "," : "", p->id, PIPE_T_EGRESS);
        }
    }
    if (k + 1 < n_chunks) {
        strbuf_printf(sb, "%sset_field:0x%zx->reg5,resubmit(,%d)",
                      sb->len ? "," : "", k + 1, PIPE_T_FLOOD_CHAIN);
    }
    c->flood_chunk = k;
    if (!k) {
        px_flow(c, PIPE_T_L2_LOOKUP, 50, PIPE_K_FLOOD, NULL,
                sb->len ? strbuf_cstr(sb) : "drop",
                "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00");
    } else {
        px_flow(c, PIPE_T_FLOOD_CHAIN, 100, PIPE_K_FLOOD, NULL,
                sb->len ? strbuf_cstr(sb) : "drop", "reg5=0x%zx", k);
    }
    c->flood_chunk = -1;
}

/* Table 50 (and 52). */
static void
l2_lookup(struct pctx *c)
{
    const struct topo_bridge *br = c->br;
    size_t n_chunks = pipe_n_flood_chunks(br);
    char mac[MAC_STRLEN];
    struct strbuf out = STRBUF_INIT;

    for (size_t i = 0; i < c->n_ports; i++) {
        const struct topo_port *p = c->ports[i];
        const struct model_border *b = model_border(c->m, p);

        if (!px_wanted(c, p) && !(b && b->outside)) {
            continue;
        }
        if (!px_present(c, p)) {
            /* Not on the switch: frames for it go nowhere (not to the
             * outside as unknown unicast). */
            if (topo_port_is_pinned(p)) {
                px_flow(c, PIPE_T_L2_LOOKUP, 100, PIPE_K_L2_LOOKUP, p,
                        "drop", "dl_dst=%s", mac_format(&p->mac, mac));
            }
            continue;
        }
        strbuf_clear(&c->act);
        strbuf_printf(&c->act, "set_field:0x%"PRIx32"->reg1,resubmit(,%d)",
                      p->id, PIPE_T_EGRESS);
        if (topo_port_is_pinned(p)) {
            px_flow(c, PIPE_T_L2_LOOKUP, 100, PIPE_K_L2_LOOKUP, p,
                    strbuf_cstr(&c->act), "dl_dst=%s",
                    mac_format(&p->mac, mac));
        } else if (b && !(c->mb->host_only && p->role == TOPO_UPLINK)) {
            for (size_t k = 0; k < b->behind.n_macs; k++) {
                px_flow(c, PIPE_T_L2_LOOKUP, 100, PIPE_K_L2_LOOKUP, p,
                        strbuf_cstr(&c->act), "dl_dst=%s",
                        mac_format(&b->behind.macs[k], mac));
            }
        }
        if (b && b->outside && !px_is_nat_uplink(c, p)) {
            /* Not the NAT uplink: routed traffic only there
             * (pipe-conntrack.c). */
            strbuf_printf(&out, "%s%s", out.len ? "," : "",
                          strbuf_cstr(&c->act));
        }
    }
    for (size_t k = 0; k < n_chunks; k++) {
        if (px_wanted_chunk(c, k)) {
            flood_chunk(c, k, n_chunks);
        }
    }
    if (out.len) {
        px_flow(c, PIPE_T_L2_LOOKUP, 10, PIPE_K_L2_LOOKUP, NULL,
                strbuf_cstr(&out), "%s", "");
    } else {
        px_flow(c, PIPE_T_L2_LOOKUP, 10, PIPE_K_UNKNOWN_UNICAST, NULL,
                px_drop(c, PIPE_K_UNKNOWN_UNICAST, NULL), "%s", "");
    }
    strbuf_destroy(&out);
}

/* The guest/host half of table 60. */
static void
egress_guard(struct pctx *c, const struct topo_port *p)
{
    char buf[PREFIX_STRLEN], next[32];
    uint32_t id = p->id;

    snprintf(next, sizeof next, "resubmit(,%d)", PIPE_T_OUTPUT);
    for (size_t i = 0; i < p->ipv4.n; i++) {
        px_addr(&p->ipv4.p[i], buf);
        px_flow(c, PIPE_T_EGRESS, 200, PIPE_K_EGRESS_GUARD, p, next,
                "reg1=%"PRIu32",arp,arp_tpa=%s", id, buf);
        px_flow(c, PIPE_T_EGRESS, 200, PIPE_K_EGRESS_GUARD, p, next,
                "reg1=%"PRIu32",ip,nw_dst=%s", id, buf);
    }
    for (size_t i = 0; i < p->extra.n; i++) {
        const struct prefix *a = &p->extra.p[i];
        px_addr(a, buf);
        if (a->family == AF_INET) {
            px_flow(c, PIPE_T_EGRESS, 200, PIPE_K_EGRESS_GUARD, p, next,
                    "reg1=%"PRIu32",arp,arp_tpa=%s", id, buf);
            px_flow(c, PIPE_T_EGRESS, 200, PIPE_K_EGRESS_GUARD, p, next,
                    "reg1=%"PRIu32",ip,nw_dst=%s", id, buf);
        } else {
            px_flow(c, PIPE_T_EGRESS, 200, PIPE_K_EGRESS_GUARD, p, next,
                    "reg1=%"PRIu32",ipv6,ipv6_dst=%s", id, buf);
        }
    }
    for (size_t i = 0; i < p->ipv6.n; i++) {
        px_flow(c, PIPE_T_EGRESS, 200, PIPE_K_EGRESS_GUARD, p, next,
                "reg1=%"PRIu32",ipv6,ipv6_dst=%s", id,
                px_addr(&p->ipv6.p[i], buf));
    }
    for (size_t i = 0; i < p->link_local.n; i++) {
        px_flow(c, PIPE_T_EGRESS, 200, PIPE_K_EGRESS_GUARD, p, next,
                "reg1=%"PRIu32",ipv6,ipv6_dst=%s", id,
                px_addr(&p->link_local.p[i], buf));
    }
    px_flow(c, PIPE_T_EGRESS, 200, PIPE_K_EGRESS_GUARD, p, next,
            "reg1=%"PRIu32",ip,nw_dst=224.0.0.0/4", id);
    px_flow(c, PIPE_T_EGRESS, 200, PIPE_K_EGRESS_GUARD, p, next,
            "reg1=%"PRIu32",ip,nw_dst=255.255.255.255", id);
    for (size_t i = 0; i < c->br->subnets.n; i++) {
        const struct prefix *net = &c->br->subnets.p[i];
        struct prefix bc;
        if (net->family == AF_INET && net->plen < 31) {
            prefix_broadcast(net, &bc);
            px_flow(c, PIPE_T_EGRESS, 200, PIPE_K_EGRESS_GUARD, p, next,
                    "reg1=%"PRIu32",ip,nw_dst=%s", id, px_addr(&bc, buf));
        }
    }
    px_flow(c, PIPE_T_EGRESS, 200, PIPE_K_EGRESS_GUARD, p, next,
            "reg1=%"PRIu32",ipv6,ipv6_dst=ff00::/8", id);
    /* A broadcast copy that does not concern this port is no attack:
     * not delivered, not logged. */
    px_flow(c, PIPE_T_EGRESS, 150, PIPE_K_EGRESS_GUARD, p, "drop",
            "reg1=%"PRIu32",dl_dst=01:00:00:00:00:00/01:00:00:00:00:00", id);
    px_flow(c, PIPE_T_EGRESS, 100, PIPE_K_EGRESS_GUARD, p,
            px_drop(c, PIPE_K_EGRESS_GUARD, p), "reg1=%"PRIu32, id);
}

/* Table 70 for port 'p': output, after the copies owed to the mirrors
 * that select what 'p' receives and have not had this frame yet. */
static void
output(struct pctx *c, const struct topo_port *p)
{
    size_t sel[64], k = 0;
    uint32_t mask = 0;

    for (size_t m = 0; m < c->br->n_mirrors && m < 32; m++) {
        if (mirror_selects(c, &c->br->mirrors[m], p, TOPO_MIRROR_OUT)) {
            sel[k++] = m;
            mask |= 1u << m;
        }
    }
    for (uint32_t v = 0; v < (1u << k); v++) {
        uint32_t value = 0;

        strbuf_clear(&c->act);
        for (size_t i = 0; i < k; i++) {
            if (v & (1u << i)) {
                value |= 1u << sel[i];      /* Already copied. */
            } else {
                strbuf_printf(&c->act, "output:%s,set_field:0x%x/0x%x->reg2,",
                              px_ref(c, c->br->mirrors[sel[i]].to),
                              1u << sel[i], 1u << sel[i]);
            }
        }
        strbuf_printf(&c->act, "output:%s", px_ref(c, p));
        if (k) {
            px_flow(c, PIPE_T_OUTPUT, 100, PIPE_K_OUTPUT, p,
                    strbuf_cstr(&c->act),
                    "reg1=%"PRIu32",reg2=0x%"PRIx32"/0x%"PRIx32, p->id,
                    value, mask);
        } else {
            px_flow(c, PIPE_T_OUTPUT, 100, PIPE_K_OUTPUT, p,
                    strbuf_cstr(&c->act), "reg1=%"PRIu32, p->id);
        }
    }
}

void
pipe_build_forward(struct pctx *c)
{
    char next[32];

    l2_lookup(c);
    /* An announcement (reg3 bit 1, set by tables 10 and 31) reaches every
     * port the flood copies it to: other guests and the outside update
     * their caches.  Only a host-only uplink (priority 260) and the
     * ingress port (hairpin) are spared it. */
    snprintf(next, sizeof next, "resubmit(,%d)", PIPE_T_OUTPUT);
    px_flow(c, PIPE_T_EGRESS, 255, PIPE_K_ANNOUNCE, NULL, next,
            "reg3="PX_ANNOUNCE_MARK);
    for (size_t i = 0; i < c->n_ports; i++) {
        const struct topo_port *p = c->ports[i];

        if (p->role == TOPO_MONITOR || !px_present(c, p)
            || !px_wanted(c, p)) {
            continue;
        }
        px_flow(c, PIPE_T_EGRESS, 300, PIPE_K_HAIRPIN, p, "drop",
                "reg1=%"PRIu32",in_port=%s", p->id, px_ref(c, p));
        if (topo_port_is_pinned(p)) {
            egress_guard(c, p);
        }
        output(c, p);
    }
}
