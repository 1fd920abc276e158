/* SPDX-License-Identifier: Apache-2.0 */
/* pipe.h -- stage 4: the OpenFlow pipeline as a flow IR.
 *
 * The pipeline turns the model into flows: table, priority, match,
 * actions, cookie and the topology rule each flow implements.  Matches and
 * actions are kept as ovs-ofctl text (names of ports, or their numbers when
 * an ofport map is given), which is what `compile --format ofctl` prints,
 * what libopenvswitch parses for the canonical dump and what the runtime
 * turns into flow mods.
 *
 * Tables (each stage drops what it does not explicitly pass):
 *
 *    0  mirror-in   copies of what a mirrored port sends, to its monitors.
 *    1  classify    per ingress port: VLAN-tagged frames dropped; guest and
 *                   host ports must use their own MAC (L2 source guard);
 *                   border ports go to 30; monitor ports' frames and frames
 *                   of ports the topology does not know are dropped.
 *   10  source      guest/host: ARP sender address, IPv4 and IPv6 source
 *                   must be the port's own (0.0.0.0 ARP probes, DHCP
 *                   DISCOVER/REQUEST from 0.0.0.0 when "dhcp", :: for DAD
 *                   allowed); announcements (gratuitous ARP of its own
 *                   address, QEMU's RARP of its own MAC) marked;
 *                   other ethertypes dropped.
 *   11  protocol    guest/host: ARP sender MAC = port MAC; NS/NA need hop
 *                   limit 255, nd_sll/nd_tll of 0 or the port's MAC, NA
 *                   targets among its addresses; DHCPv4 server, RA,
 *                   redirect and DHCPv6 server traffic dropped
 *                   (bridge-wide) unless the host port's "services"
 *                   allow it; first fragments
 *                   that hide their UDP/ICMPv6 header and fragmented
 *                   NS/NA dropped (the bridge's fragment handling must
 *                   be "nx-match", see pipe-guard.c); NS with an option
 *                   twice (OVS shows nd_target ::) dropped.
 *   20  respond     ARP and ND responder: requests for a pinned address of
 *                   this bridge are answered by the switch back to the
 *                   asker (never for the owner's own probes, DAD, or
 *                   NS without a source link-layer option); without ND
 *                   extensions (pipe_nd_ext), an NS goes to the owner
 *                   alone instead.
 *   21  nd-finish   second half of the ND responder (nd_tll can only be
 *                   set once the match says icmpv6_type=136).
 *   30  border-l2   uplink/patch ingress: source MAC must lie behind the
 *                   port; host-only components drop everything from an
 *                   uplink.
 *   31  border-l3   uplink/patch ingress: ARP/IPv4/IPv6 source must lie
 *                   behind the port; announcements of pinned addresses
 *                   from a patch marked again (registers do not cross).
 *   40-47       NAT block list, NAT and stateful policy
 *                   (pipe-conntrack.c).
 *   50  l2-lookup   known destination MAC -> reg1 = its port; broadcast and
 *                   multicast -> every port that may receive them; unknown
 *                   unicast only towards the outside (an uplink), never
 *                   flooded.
 *   52  flood-chain the rest of a broadcast's copies on bridges with more
 *                   than PIPE_FLOOD_CHUNK ports (reg5 numbers the link).
 *   60  egress      per output port (reg1): a guest/host port receives only
 *                   frames for its own addresses, broadcast or multicast
 *                   (anti-sniffing); a border port only what lies behind
 *                   it; no hairpin back to the ingress port; a marked
 *                   announcement reaches every port and the outside.
 *   70  output      mirror copies of what a port receives, then output.
 *
 * Registers: reg1 = topology-wide id of the output port; reg2 = one bit per
 * mirror of the bridge, set once a copy went to that mirror (no duplicate
 * copies when both ends of a frame are mirrored); reg3 bit 0 = the frame
 * came from a guest or host port (NAT bridges), bit 1 = the frame is an
 * announcement of a pinned address (tables 10 and 31 set it, table 60
 * lets it reach every port).
 *
 * Cookies: 0xfc (ours) << 56 | rule kind << 48 | port id << 24 | detail,
 * so one port's flows (cookie/mask 0xff00ffffff000000 with kind masked
 * out) or one rule kind can be selected, replaced or deleted as a set, and
 * a dropped packet's cookie names the rule that dropped it. */
#ifndef PIPE_H
#define PIPE_H 1

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "topo.h"

enum pipe_table {
    PIPE_T_MIRROR_IN = 0,
    PIPE_T_CLASSIFY = 1,
    PIPE_T_SOURCE = 10,
    PIPE_T_PROTOCOL = 11,
    PIPE_T_RESPOND = 20,
    PIPE_T_ND_FINISH = 21,
    PIPE_T_BORDER_L2 = 30,
    PIPE_T_BORDER_L3 = 31,
    PIPE_T_ANNOUNCE_EQ = 32,    /* 32-39: one table a nibble. */
    PIPE_T_CONNTRACK = 40,
    PIPE_T_NAT_REPLY = 41,
    PIPE_T_POLICY = 42,
    PIPE_T_POST_POLICY = 43,
    PIPE_T_NEIGHBOR = 44,
    PIPE_T_DNAT_DONE = 45,
    PIPE_T_NAT_OUT = 46,
    PIPE_T_NEXT_HOP = 47,
    PIPE_T_L2_LOOKUP = 50,
    PIPE_T_FLOOD_CHAIN = 52,
    PIPE_T_EGRESS = 60,
    PIPE_T_OUTPUT = 70,
};

/* Rule kinds: slug (stable, used in logs and JSON), whether a flow of this
 * kind drops, and the human description.  A kind's number is part of its
 * flows' cookies: new kinds go at the end, so the cookies of a running
 * switch's flows stay the same across an upgrade. */
#define PIPE_KINDS                                                          \
    PIPE_KIND(PASS, "pipeline", false, "pass to the next stage")           \
    PIPE_KIND(CLASSIFY, "classify", false, "port classification")          \
    PIPE_KIND(UNKNOWN_PORT, "unknown-port", true,                          \
              "frame from a port the topology does not know")              \
    PIPE_KIND(VLAN_GUARD, "vlan-guard", true, "VLAN-tagged frame")         \
    PIPE_KIND(L2_GUARD, "l2-source-guard", true,                           \
              "source MAC is not the port's own")                          \
    PIPE_KIND(MONITOR_TX, "monitor-transmit", true,                        \
              "monitor ports only receive mirror copies")                  \
    PIPE_KIND(ARP_GUARD, "arp-guard", true,                                \
              "ARP sender address is not the port's own")                  \
    PIPE_KIND(ARP_SHA_GUARD, "arp-sha-guard", true,                        \
              "ARP sender MAC is not the port's own")                      \
    PIPE_KIND(IPV4_GUARD, "ipv4-source-guard", true,                       \
              "IPv4 source is not the port's own")                         \
    PIPE_KIND(IPV6_GUARD, "ipv6-source-guard", true,                       \
              "IPv6 source is not the port's own")                         \
    PIPE_KIND(ETHERTYPE_GUARD, "ethertype-guard", true,                    \
              "ethertype other than ARP, IPv4, IPv6")                      \
    PIPE_KIND(DHCP_SERVER_GUARD, "dhcp-server-guard", true,                \
              "DHCPv4 server traffic from a port not allowed to serve")    \
    PIPE_KIND(ND_GUARD, "nd-guard", true,                                  \
              "neighbor solicitation/advertisement with a forged field")   \
    PIPE_KIND(RA_GUARD, "ra-guard", true,                                  \
              "router advertisement from a port not allowed to send it")   \
    PIPE_KIND(REDIRECT_GUARD, "redirect-guard", true,                      \
              "ICMPv6 redirect from a port not allowed to send it")        \
    PIPE_KIND(DHCPV6_SERVER_GUARD, "dhcpv6-server-guard", true,            \
              "DHCPv6 server traffic from a port not allowed to serve")    \
    PIPE_KIND(ARP_RESPONDER, "arp-responder", false,                       \
              "the switch answers ARP for a pinned address")               \
    PIPE_KIND(ND_RESPONDER, "nd-responder", false,                         \
              "the switch answers neighbor solicitation for a pinned "     \
              "address")                                                   \
    PIPE_KIND(BORDER_INGRESS, "border-ingress", true,                      \
              "source does not lie behind the border port")                \
    PIPE_KIND(HOST_ONLY, "host-only", true,                                \
              "host-only network: nothing crosses an uplink")              \
    PIPE_KIND(L2_LOOKUP, "l2-lookup", false, "known destination MAC")      \
    PIPE_KIND(FLOOD, "flood", false,                                       \
              "broadcast/multicast to the ports that may receive it")      \
    PIPE_KIND(UNKNOWN_UNICAST, "unknown-unicast", true,                    \
              "unknown destination MAC and no way out")                    \
    PIPE_KIND(EGRESS_GUARD, "egress-guard", true,                          \
              "frame not addressed to the receiving port (anti-sniffing)") \
    PIPE_KIND(BORDER_EGRESS, "border-egress", true,                        \
              "destination does not lie behind the border port")           \
    PIPE_KIND(HAIRPIN, "hairpin", false,                                   \
              "no copy back to the ingress port")                          \
    PIPE_KIND(OUTPUT, "output", false, "deliver to the port")             \
    PIPE_KIND(MIRROR, "mirror", false,                                     \
              "copy of what a mirrored port sends, to its monitors")       \
    PIPE_KIND(GATEWAY_RESPONDER, "gateway-responder", false,               \
              "the switch answers ARP/ND for the NAT gateway and address") \
    PIPE_KIND(NAT_BLOCK, "nat-block", true,                                \
              "destination is on the NAT block list")                      \
    PIPE_KIND(NAT_OUT, "nat-out", false,                                   \
              "route to the outside, source NAT to the NAT address")       \
    PIPE_KIND(NAT_IN, "nat-in", true,                                      \
              "uplink traffic that is neither a reply nor a port forward") \
    PIPE_KIND(NAT_FORWARD, "nat-forward", false,                           \
              "port forward from the NAT address to a guest")              \
    PIPE_KIND(NAT_INVALID, "nat-invalid", true,                            \
              "invalid connection state in the NAT zone")                  \
    PIPE_KIND(NAT_NO_NEXT_HOP, "nat-no-next-hop", true,                    \
              "the NAT next hop's MAC is not resolved yet")                \
    PIPE_KIND(NEIGHBOR, "neighbor", false,                                 \
              "routed frame to a guest: its MAC from its address")         \
    PIPE_KIND(POLICY_ALLOW, "policy-allow", false,                         \
              "policy rule allows the new connection")                     \
    PIPE_KIND(POLICY_DENY, "policy-deny", true,                            \
              "policy rule denies the new connection")                     \
    PIPE_KIND(POLICY_DEFAULT, "policy-default", true,                      \
              "no policy rule matched: the default applies")               \
    PIPE_KIND(POLICY_INVALID, "policy-invalid", true,                      \
              "invalid connection state")                                  \
    PIPE_KIND(POLICY_ESTABLISHED, "policy-established", false,             \
              "reply or related packet of an allowed connection")          \
    PIPE_KIND(FRAGMENT_GUARD, "fragment-guard", true,                      \
              "first fragment without a UDP/ICMPv6 header the switch "     \
              "sees, or fragmented neighbor discovery")                 \
    PIPE_KIND(ANNOUNCE, "announce", false,                                 \
              "gratuitous ARP or RARP of a port's own address: reaches "  \
              "every port and the outside")                               \
    PIPE_KIND(QUERIER_GUARD, "querier-guard", true,                        \
              "multicast listener query (MLD, IGMP general query) from a " \
              "port that is not a querier")                               \
    PIPE_KIND(OUTSIDE_ANNOUNCE, "outside-announce", false,                 \
              "gratuitous ARP from the outside for an address of the "    \
              "bridge's subnets (sender and target compared a nibble at " \
              "a time): reaches every port")                               \
    PIPE_KIND(POLICY_INFRA, "policy-infrastructure", false,                \
              "neighbor discovery, MLD, or DHCP between a client and a "   \
              "server that may answer it: not subject to the policy's "    \
              "rules")

enum pipe_kind {
#define PIPE_KIND(ENUM, SLUG, DROP, DESC) PIPE_K_##ENUM,
    PIPE_KINDS
#undef PIPE_KIND
    PIPE_N_KINDS
};

const char *pipe_kind_slug(enum pipe_kind);
const char *pipe_kind_description(enum pipe_kind);
bool pipe_kind_is_drop(enum pipe_kind);
/* Finds a kind by slug; returns -1 if none. */
int pipe_kind_from_slug(const char *);

/* Drop logging: every bridge with log.drops has OpenFlow meter 1 at
 * log.rate_pps packets per second; logged drops go through it to the
 * controller (see pipe_meters()). */
#define PIPE_LOG_METER 1

/* Conntrack zones: bridge number i (in name order) uses zone
 * PIPE_ZONE_BASE + 2i for its stateful policy and PIPE_ZONE_BASE + 2i + 1
 * for its NAT, so no two bridges ever share a zone. */
#define PIPE_ZONE_BASE 0x4000

/* Broadcast copies: a bridge's ports are split by topology index into
 * flood chunks of PIPE_FLOOD_CHUNK (an OpenFlow message holds 64 kB).
 * Chunk 0's flow is in table 50, the others follow in a chain in table
 * 52 (reg5 numbering the links); the flow of a chunk lists its members
 * that are on the switch, so a port coming or going changes one flow
 * only.  Note that OVS translates at most 4096 resubmits per packet,
 * which bounds a broadcast domain to some 4000 ports. */
#define PIPE_FLOOD_CHUNK 1000

static inline size_t
pipe_flood_chunk(const struct topo_port *p)
{
    return p->index / PIPE_FLOOD_CHUNK;
}

/* The number of flood chunks of bridge 'br' (at least 1). */
size_t pipe_n_flood_chunks(const struct topo_bridge *br);

/* Returns a malloc'd array of pipe_n_flood_chunks(br) flags: the chunks
 * holding a port marked in 'only_ports' (indexed like br->ports), whose
 * flood flows a partial build rebuilds.  The caller frees it. */
bool *pipe_wanted_chunks(const struct topo_bridge *br,
                         const bool *only_ports);

#define PIPE_COOKIE_TAG 0xfcULL
/* Cookie and mask that select every flow of ours (dumps, deletes). */
#define PIPE_COOKIE_OURS (PIPE_COOKIE_TAG << 56)
#define PIPE_COOKIE_OURS_MASK (0xffULL << 56)
/* Builds and splits cookies (see the essay above). */
uint64_t pipe_cookie(enum pipe_kind, uint32_t port_id, uint32_t detail);
bool pipe_cookie_is_ours(uint64_t cookie);
enum pipe_kind pipe_cookie_kind(uint64_t cookie);
uint32_t pipe_cookie_port(uint64_t cookie);

/* One flow. */
struct pipe_flow {
    uint8_t table;
    uint16_t priority;
    uint64_t cookie;
    enum pipe_kind kind;
    bool drop;                  /* The flow ends the packet's way (a drop
                                 * rule's drop, not its pass flows). */
    const struct topo_port *port;   /* The port the rule is about, or NULL
                                     * for bridge-wide flows; not owned. */
    int flood_chunk;            /* A flood flow's chunk, else -1. */
    const char *match;          /* ovs-ofctl match text ("" = all). */
    const char *actions;        /* ovs-ofctl action text.  Both live in
                                 * the bridge's string blocks. */
};

/* Memory for the text of a bridge's flows, freed with the bridge (one
 * malloc per block of many strings instead of two per flow). */
struct pipe_block;

/* The flows of one bridge. */
struct pipe_bridge {
    const struct topo_bridge *br;   /* Not owned. */
    struct pipe_flow *flows;    /* Owned. */
    size_t n_flows, cap_flows;
    struct pipe_block *blocks;  /* Owned: the flows' text. */
};

/* What pipe_options.ofport returns for a port not on the switch. */
#define PIPE_OFPORT_ABSENT UINT_MAX

/* How ports are written in matches and actions. */
/* Whether the switch can set the IPv6 neighbor discovery extension fields
 * (nd_reserved, nd_options_type) that the ND responder's answers need:
 * Open vSwitch refuses such flows on a datapath without them, as the
 * Linux kernel's is.  Without them, a neighbor solicitation for a pinned
 * address is delivered to its owner alone, who answers (see
 * pipe-respond.c). */
enum pipe_nd_ext {
    PIPE_ND_EXT_AUTO,   /* As the bridge's datapath_type says: "netdev"
                         * (userspace) has them, "system" has not. */
    PIPE_ND_EXT_YES,
    PIPE_ND_EXT_NO,
};

struct pipe_options {
    /* Returns the OpenFlow port number of interface 'name' on its bridge,
     * 0 to write the name, or PIPE_OFPORT_ABSENT if the port is not on
     * the switch (its flows are left out, as with 'only_bound').  NULL:
     * always names. */
    unsigned int (*ofport)(const struct topo_port *, void *aux);
    void *aux;
    /* If true, a port for which 'ofport' returns 0 is not on the switch
     * (yet): the flows of that port are left out, and frames for its MAC
     * are dropped rather than sent anywhere (the runtime's view). */
    bool only_bound;
    /* If nonnull (indexed like br->ports): only the flows about the
     * marked ports, the flood flows of their chunks and the other
     * bridge-wide flows (port NULL, flood_chunk -1) are built.  The flows
     * about a port depend on its own ofport and on those of the shared
     * ports (pipe_port_is_shared()) only, a flood flow on those of its
     * chunk's members, so a runtime that sees the ofports of unshared
     * ports S change rebuilds those flows and keeps all others (see
     * rt-flows.c).  Such a build visits the marked ports and the
     * bridge's outside border ports only, not every port of the bridge
     * (0.2 ms for one port of 33k, against 1.0 ms when it walked them
     * all). */
    const bool *only_ports;
    /* What the switch's datapath can do (the runtime asks it). */
    enum pipe_nd_ext nd_ext;
};

/* Returns true if the flows about ports other than 'p' depend on whether
 * and as which number 'p' is on the switch (a mirror's monitor port):
 * when its ofport changes, the whole bridge must be rebuilt. */
bool pipe_port_is_shared(const struct topo_bridge *,
                         const struct topo_port *p);

/* Builds the flows of bridge 'br' of model 'm'.  The caller owns the
 * result and frees it with pipe_bridge_destroy(). */
struct pipe_bridge *pipe_build(const struct model *m,
                               const struct topo_bridge *br,
                               const struct pipe_options *);
void pipe_bridge_destroy(struct pipe_bridge *);

/* A value/mask match on a 16-bit transport port. */
struct pipe_port_mask {
    uint16_t value, mask;
};

/* Decomposes the range [lo, hi] into the fewest value/mask pairs that
 * together match exactly its ports; 'out' must have room for 32.  Returns
 * how many. */
size_t pipe_port_masks(uint16_t lo, uint16_t hi, struct pipe_port_mask *out);

/* Returns the ovs-ofctl meter specification lines (for `ovs-ofctl -O
 * OpenFlow15 add-meters BR FILE`) bridge 'br' needs, as a malloc'd
 * string, "" if none. */
char *pipe_meters(const struct topo_bridge *br);

/* Returns a malloc'd human rule name for 'f': "<slug> <bridge>/<port>:
 * drop: <description>" for the drop of a guard, "...: pass" for what the
 * guard lets through, "...: <description>" for other rules; without the
 * port for bridge-wide flows. */
char *pipe_flow_rule_name(const struct pipe_bridge *,
                          const struct pipe_flow *);
/* Appends the same name to 'sb'. */
struct strbuf;
void pipe_flow_put_rule_name(const struct pipe_bridge *,
                             const struct pipe_flow *, struct strbuf *sb);

#endif /* pipe.h */
