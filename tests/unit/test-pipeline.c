/* SPDX-License-Identifier: Apache-2.0 */
/* test-pipeline.c -- CUnit tests of stages 3 and 4: border reachability
 * (model.c), port-range decomposition, the flows the pipeline makes for
 * a small topology, and the text emitters. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "model.h"
#include "pipe.h"
#include "strbuf.h"
#include "topo.h"
#include "unit.h"

/* Two patched bridges: A (guests a1, a2, patch pa) and B (guest b1,
 * host h, patch pb, uplink up); C, host-only with guest c1 and uplink
 * upc. */
static const char topo_text[] =
    "{ \"version\": 1, \"bridges\": {"
    " \"A\": { \"subnets\": [\"192.0.2.0/25\", \"2001:db8::/64\"],"
    "   \"ports\": {"
    "     \"a1\": { \"role\": \"guest\", \"mac\": \"52:54:00:00:00:a1\","
    "               \"ipv4\": [\"192.0.2.11\"], \"ipv6\": [\"2001:db8::11\"] },"
    "     \"a2\": { \"role\": \"guest\", \"mac\": \"52:54:00:00:00:a2\","
    "               \"ipv4\": [\"192.0.2.12\"] },"
    "     \"pa\": { \"role\": \"patch\", \"peer\": \"B/pb\" } } },"
    " \"B\": { \"subnets\": [\"192.0.2.0/25\"],"
    "   \"ports\": {"
    "     \"b1\": { \"role\": \"guest\", \"mac\": \"52:54:00:00:00:b1\","
    "               \"ipv4\": [\"192.0.2.21\"] },"
    "     \"h\": { \"role\": \"host\", \"mac\": \"52:54:00:00:00:01\","
    "              \"ipv4\": [\"192.0.2.1\"], \"services\": [\"dhcp\"] },"
    "     \"pb\": { \"role\": \"patch\", \"peer\": \"A/pa\" },"
    "     \"up\": { \"role\": \"uplink\" } } },"
    " \"C\": { \"subnets\": [\"192.0.2.128/25\"], \"isolation\": \"host-only\","
    "   \"ports\": {"
    "     \"c1\": { \"role\": \"guest\", \"mac\": \"52:54:00:00:00:c1\","
    "               \"ipv4\": [\"192.0.2.131\"] },"
    "     \"upc\": { \"role\": \"uplink\" } } } } }";

static struct topo *
load(const char *text)
{
    struct diag_list d;
    struct topo *t;

    diag_list_init(&d, "test.json");
    t = topo_parse_buffer("test.json", text, strlen(text), &d);
    CU_ASSERT_FATAL(t->root != NULL);
    CU_ASSERT_FATAL(topo_check(t, &d));
    diag_list_destroy(&d);
    return t;
}

static struct topo_port *
port(struct topo *t, const char *br, const char *name)
{
    struct topo_port *p = topo_bridge_find_port(topo_find_bridge(t, br),
                                                name);
    CU_ASSERT_FATAL(p != NULL);
    return p;
}

static bool
has_ip(const struct model_addrs *a, const char *ip)
{
    struct prefix p;
    prefix_parse_addr(ip, 0, &p);
    return prefix_set_contains_addr(&a->ips, &p);
}

static bool
has_mac(const struct model_addrs *a, const char *s)
{
    struct mac m;
    mac_parse(s, &m);
    return model_addrs_has_mac(a, &m);
}

static void
test_border_reachability(void)
{
    struct topo *t = load(topo_text);
    struct model *m = model_build(t);
    const struct model_border *pa = model_border(m, port(t, "A", "pa"));
    const struct model_border *pb = model_border(m, port(t, "B", "pb"));
    const struct model_border *up = model_border(m, port(t, "B", "up"));

    CU_ASSERT_FATAL(pa && pb && up);
    /* Behind A's patch: B's guest and host, and the outside (B's
     * uplink); not A's own guests. */
    CU_ASSERT(pa->outside);
    CU_ASSERT(has_ip(&pa->behind, "192.0.2.21"));
    CU_ASSERT(has_ip(&pa->behind, "192.0.2.1"));
    CU_ASSERT(!has_ip(&pa->behind, "192.0.2.11"));
    CU_ASSERT(has_mac(&pa->behind, "52:54:00:00:00:b1"));
    CU_ASSERT(!has_mac(&pa->behind, "52:54:00:00:00:a1"));
    CU_ASSERT(has_ip(&pa->near, "192.0.2.11"));
    CU_ASSERT(has_ip(&pa->near, "2001:db8::11"));
    /* Behind B's patch: only A's guests, no outside. */
    CU_ASSERT(!pb->outside);
    CU_ASSERT(has_ip(&pb->behind, "192.0.2.11"));
    CU_ASSERT(has_ip(&pb->behind, "192.0.2.12"));
    CU_ASSERT(!has_ip(&pb->behind, "192.0.2.21"));
    /* Behind the uplink: the outside only; its near side is everything
     * pinned in the component. */
    CU_ASSERT(up->outside);
    CU_ASSERT_EQUAL(up->behind.ips.n, 0);
    CU_ASSERT(has_ip(&up->near, "192.0.2.11"));
    CU_ASSERT(has_ip(&up->near, "192.0.2.21"));
    CU_ASSERT(!has_ip(&up->near, "192.0.2.131"));
    /* Host-only spreads to its component only. */
    CU_ASSERT(m->bridges[topo_find_bridge(t, "C")->index].host_only);
    CU_ASSERT(!m->bridges[topo_find_bridge(t, "A")->index].host_only);
    model_destroy(m);
    topo_destroy(t);
}

/* Every port in [lo, hi] is matched by exactly one pair, none outside. */
static void
check_ranges(uint16_t lo, uint16_t hi, size_t max_pairs)
{
    struct pipe_port_mask pm[32];
    size_t n = pipe_port_masks(lo, hi, pm);

    CU_ASSERT(n >= 1 && n <= max_pairs);
    for (uint32_t port = 0; port <= 0xffff; port++) {
        int hits = 0;
        for (size_t i = 0; i < n; i++) {
            hits += (port & pm[i].mask) == pm[i].value;
        }
        if (hits != (port >= lo && port <= hi)) {
            CU_FAIL("port range decomposition is not exact");
            fprintf(stderr, "range %u-%u: port %u matched %d times\n",
                    lo, hi, port, hits);
            return;
        }
    }
}

static void
test_port_masks(void)
{
    struct pipe_port_mask pm[32];

    check_ranges(22, 22, 1);
    check_ranges(1, 1023, 10);
    check_ranges(0, 65535, 1);
    check_ranges(1024, 65535, 6);
    check_ranges(1, 65534, 30);
    check_ranges(8000, 8080, 8);
    check_ranges(65535, 65535, 1);
    CU_ASSERT_EQUAL(pipe_port_masks(0, 65535, pm), 1);
    CU_ASSERT_EQUAL(pm[0].mask, 0);
    CU_ASSERT_EQUAL(pipe_port_masks(1024, 2047, pm), 1);
    CU_ASSERT_EQUAL(pm[0].value, 1024);
    CU_ASSERT_EQUAL(pm[0].mask, 0xfc00);
    /* 1-1023 is 1, 2-3, 4-7, ... 512-1023: ten blocks, the minimum. */
    CU_ASSERT_EQUAL(pipe_port_masks(1, 1023, pm), 10);
}

/* Finds a flow by table and a substring of its match. */
static const struct pipe_flow *
find(const struct pipe_bridge *pb, int table, const char *match,
     const char *actions)
{
    for (size_t i = 0; i < pb->n_flows; i++) {
        const struct pipe_flow *f = &pb->flows[i];
        if (f->table == table && !strcmp(f->match, match)
            && (!actions || strstr(f->actions, actions))) {
            return f;
        }
    }
    return NULL;
}

/* The outside's announcements: border ingress enters the nibble
 * comparison (tables 32-39) at the first nibble the subnet leaves free;
 * 16 flows a nibble and a pass; nothing on a host-only bridge. */
static void
test_outside_announce(void)
{
    struct topo *t = load(topo_text);
    struct model *m = model_build(t);
    struct pipe_bridge *b = pipe_build(m, topo_find_bridge(t, "B"), NULL);
    struct pipe_bridge *c = pipe_build(m, topo_find_bridge(t, "C"), NULL);
    const struct pipe_flow *f;
    size_t n[8] = { 0 };

    f = find(b, PIPE_T_BORDER_L3, "in_port=up,arp,dl_dst=ff:ff:ff:ff:ff:ff,"
             "arp_spa=192.0.2.0/25,arp_tpa=192.0.2.0/25", "resubmit(,38)");
    CU_ASSERT(f && f->kind == PIPE_K_OUTSIDE_ANNOUNCE);
    for (size_t i = 0; i < b->n_flows; i++) {
        int tb = b->flows[i].table;
        if (tb >= PIPE_T_ANNOUNCE_EQ && tb < PIPE_T_ANNOUNCE_EQ + 8) {
            n[tb - PIPE_T_ANNOUNCE_EQ]++;
        }
    }
    CU_ASSERT(n[5] == 0 && n[6] == 17 && n[7] == 17);
    CU_ASSERT(find(b, 38, "arp,arp_spa=0.0.0.112/0.0.0.240,"
                   "arp_tpa=0.0.0.112/0.0.0.240", "resubmit(,39)") != NULL);
    CU_ASSERT(find(b, 39, "arp,arp_spa=0.0.0.14/0.0.0.15,"
                   "arp_tpa=0.0.0.14/0.0.0.15", "->reg3,resubmit(,20)")
              != NULL);
    CU_ASSERT(find(b, 39, "", "resubmit(,20)") != NULL);
    for (size_t i = 0; i < c->n_flows; i++) {
        CU_ASSERT(c->flows[i].kind != PIPE_K_OUTSIDE_ANNOUNCE);
    }
    pipe_bridge_destroy(b);
    pipe_bridge_destroy(c);
    model_destroy(m);
    topo_destroy(t);
}

/* Returns how many entries into the announcement comparison 'pb' has;
 * asserts that they all match in_port 'port'. */
static size_t
announce_entries(const struct pipe_bridge *pb, const char *port)
{
    char want[64];
    size_t n = 0;

    snprintf(want, sizeof want, "in_port=%s,", port);
    for (size_t i = 0; i < pb->n_flows; i++) {
        const struct pipe_flow *f = &pb->flows[i];
        if (f->kind == PIPE_K_OUTSIDE_ANNOUNCE
            && f->table == PIPE_T_BORDER_L3) {
            n++;
            CU_ASSERT(!strncmp(f->match, want, strlen(want)));
        }
    }
    return n;
}

/* No announcement comparison where only a NAT uplink lies behind: the
 * NAT stage bridges no LAN frame, so none can cross the patch. */
static void
test_outside_announce_nat(void)
{
    static const char text[] =
        "{ \"version\": 1, \"bridges\": {"
        " \"N\": { \"subnets\": [\"192.0.2.0/24\"], \"ports\": {"
        "   \"gw\": { \"role\": \"host\", \"mac\": \"52:54:00:00:00:01\","
        "            \"ipv4\": [\"192.0.2.1\"] },"
        "   \"wan\": { \"role\": \"uplink\" },"
        "   \"pn\": { \"role\": \"patch\", \"peer\": \"P/pp\" } },"
        "   \"nat\": { \"uplink\": \"wan\", \"address\": \"198.51.100.10\","
        "     \"next_hop\": { \"ipv4\": \"198.51.100.1\" },"
        "     \"gateway\": { \"ipv4\": \"192.0.2.1\","
        "                    \"mac\": \"52:54:00:00:00:01\" } } },"
        " \"P\": { \"subnets\": [\"192.0.2.0/24\"], \"ports\": {"
        "   \"g\": { \"role\": \"guest\", \"mac\": \"52:54:00:00:00:b1\","
        "            \"ipv4\": [\"192.0.2.21\"] },"
        "   \"lan\": { \"role\": \"uplink\" },"
        "   \"pp\": { \"role\": \"patch\", \"peer\": \"N/pn\" } } } } }";
    struct topo *t = load(text);
    struct model *m = model_build(t);
    struct pipe_bridge *n = pipe_build(m, topo_find_bridge(t, "N"), NULL);
    struct pipe_bridge *p = pipe_build(m, topo_find_bridge(t, "P"), NULL);

    CU_ASSERT(model_border(m, port(t, "N", "wan"))->outside);
    CU_ASSERT(!model_border(m, port(t, "N", "wan"))->lan);
    CU_ASSERT(model_border(m, port(t, "P", "pp"))->outside);
    CU_ASSERT(!model_border(m, port(t, "P", "pp"))->lan);
    /* The other way, P's plain uplink lies behind. */
    CU_ASSERT(model_border(m, port(t, "N", "pn"))->lan);
    CU_ASSERT(model_border(m, port(t, "P", "lan"))->lan);
    CU_ASSERT_EQUAL(announce_entries(p, "lan"), 1);
    CU_ASSERT_EQUAL(announce_entries(n, "pn"), 1);
    pipe_bridge_destroy(n);
    pipe_bridge_destroy(p);
    model_destroy(m);
    topo_destroy(t);
}

/* What may serve guests from behind a border port: the uplink's list
 * (all without one), the host ports behind a patch, nothing behind a
 * host-only uplink; and the drops for what nothing behind may serve. */
static void
test_border_services(void)
{
    static const char text[] =
        "{ \"version\": 1, \"bridges\": {"
        " \"X\": { \"subnets\": [\"192.0.2.0/25\"], \"ports\": {"
        "   \"hx\": { \"role\": \"host\", \"mac\": \"52:54:00:00:00:01\","
        "            \"ipv4\": [\"192.0.2.1\"],"
        "            \"services\": [\"dhcp\", \"ra\"] },"
        "   \"ux\": { \"role\": \"uplink\", \"services\": [\"dhcpv6\"] },"
        "   \"px\": { \"role\": \"patch\", \"peer\": \"Y/py\" } } },"
        " \"Y\": { \"subnets\": [\"192.0.2.0/25\"], \"ports\": {"
        "   \"y1\": { \"role\": \"guest\", \"mac\": \"52:54:00:00:00:b1\","
        "            \"ipv4\": [\"192.0.2.21\"] },"
        "   \"py\": { \"role\": \"patch\", \"peer\": \"X/px\" } } } } }";
    struct topo *t = load(text), *t2 = load(topo_text);
    struct model *m = model_build(t), *m2 = model_build(t2);
    struct pipe_bridge *x = pipe_build(m, topo_find_bridge(t, "X"), NULL);
    const struct pipe_flow *f;

    CU_ASSERT_EQUAL(model_border(m, port(t, "X", "ux"))->services,
                    TOPO_SVC_DHCPV6);
    CU_ASSERT_EQUAL(model_border(m, port(t, "Y", "py"))->services,
                    TOPO_SVC_DHCP | TOPO_SVC_RA | TOPO_SVC_DHCPV6);
    CU_ASSERT_EQUAL(model_border(m, port(t, "X", "px"))->services, 0);
    CU_ASSERT_EQUAL(model_border(m2, port(t2, "B", "up"))->services,
                    TOPO_SVC_ALL);
    CU_ASSERT_EQUAL(model_border(m2, port(t2, "A", "pa"))->services,
                    TOPO_SVC_ALL);
    CU_ASSERT_EQUAL(model_border(m2, port(t2, "C", "upc"))->services, 0);
    /* What the bridged uplinks behind grant, without the host ports'. */
    CU_ASSERT_EQUAL(model_border(m, port(t, "X", "ux"))->lan_services,
                    TOPO_SVC_DHCPV6);
    CU_ASSERT_EQUAL(model_border(m, port(t, "Y", "py"))->lan_services,
                    TOPO_SVC_DHCPV6);
    CU_ASSERT_EQUAL(model_border(m2, port(t2, "A", "pa"))->lan_services,
                    TOPO_SVC_ALL);
    CU_ASSERT_EQUAL(model_border(m2, port(t2, "C", "upc"))->lan_services, 0);

    f = find(x, PIPE_T_BORDER_L3, "in_port=ux,udp,tp_dst=68", "controller(");
    CU_ASSERT(f && f->kind == PIPE_K_DHCP_SERVER_GUARD && f->drop
              && f->priority == 250);
    f = find(x, PIPE_T_BORDER_L3, "in_port=ux,icmp6,icmp_type=134",
             "controller(");
    CU_ASSERT(f && f->kind == PIPE_K_RA_GUARD);
    f = find(x, PIPE_T_BORDER_L3, "in_port=ux,ip,nw_proto=2,"
             "nw_dst=224.0.0.1", "controller(");
    CU_ASSERT(f && f->kind == PIPE_K_QUERIER_GUARD);
    CU_ASSERT(find(x, PIPE_T_BORDER_L3, "in_port=ux,udp6,tp_dst=546", NULL)
              == NULL);
    CU_ASSERT(find(x, PIPE_T_BORDER_L3, "in_port=px,udp6,tp_dst=546",
                   "controller(") != NULL);
    pipe_bridge_destroy(x);
    model_destroy(m);
    model_destroy(m2);
    topo_destroy(t);
    topo_destroy(t2);
}

static void
test_pipeline_flows(void)
{
    struct topo *t = load(topo_text);
    struct model *m = model_build(t);
    struct pipe_bridge *a = pipe_build(m, topo_find_bridge(t, "A"), NULL);
    struct pipe_bridge *c = pipe_build(m, topo_find_bridge(t, "C"), NULL);
    const struct pipe_flow *f;

    /* L2 source guard: own MAC passes, the rest drops (logged). */
    f = find(a, PIPE_T_CLASSIFY, "in_port=a1,dl_src=52:54:00:00:00:a1",
             "resubmit(,10)");
    CU_ASSERT(f && f->kind == PIPE_K_CLASSIFY);
    f = find(a, PIPE_T_CLASSIFY, "in_port=a1", "controller(");
    CU_ASSERT(f && f->kind == PIPE_K_L2_GUARD && f->drop);
    /* ARP and IP source guards. */
    CU_ASSERT(find(a, PIPE_T_SOURCE, "in_port=a1,arp,arp_spa=192.0.2.11",
                   "resubmit(,11)") != NULL);
    CU_ASSERT(find(a, PIPE_T_SOURCE, "in_port=a1,ip,nw_src=192.0.2.11",
                   NULL) != NULL);
    CU_ASSERT(find(a, PIPE_T_SOURCE, "in_port=a2,ip,nw_src=192.0.2.11",
                   NULL) == NULL);
    CU_ASSERT(find(a, PIPE_T_SOURCE, "in_port=a1,ipv6,ipv6_src="
                   "fe80::5054:ff:fe00:a1", NULL) != NULL);
    /* Guests never serve DHCP nor send RAs: bridge-wide drops, and no
     * guest passes before them. */
    f = find(a, PIPE_T_PROTOCOL, "udp,tp_src=67", "controller(");
    CU_ASSERT(f && f->kind == PIPE_K_DHCP_SERVER_GUARD && f->drop
              && f->priority == 300);
    f = find(a, PIPE_T_PROTOCOL, "icmp6,icmp_type=134", "controller(");
    CU_ASSERT(f && f->kind == PIPE_K_RA_GUARD && f->drop);
    CU_ASSERT(find(a, PIPE_T_PROTOCOL, "in_port=a1,udp,tp_src=67", NULL)
              == NULL);
    /* Nor are they the multicast querier. */
    f = find(a, PIPE_T_PROTOCOL, "icmp6,icmp_type=130", "controller(");
    CU_ASSERT(f && f->kind == PIPE_K_QUERIER_GUARD && f->drop);
    f = find(a, PIPE_T_PROTOCOL, "ip,nw_proto=2,nw_dst=224.0.0.1",
             "controller(");
    CU_ASSERT(f && f->kind == PIPE_K_QUERIER_GUARD && f->drop);
    /* The responder answers for a2 from anyone but a2. */
    f = find(a, PIPE_T_RESPOND, "arp,arp_op=1,arp_tpa=192.0.2.12",
             "set_field:52:54:00:00:00:a2->arp_sha");
    CU_ASSERT(f && f->kind == PIPE_K_ARP_RESPONDER);
    CU_ASSERT(find(a, PIPE_T_RESPOND, "in_port=a2,arp,arp_op=1,"
                   "arp_tpa=192.0.2.12", "resubmit(,40)") != NULL);
    /* Border ingress at A's patch: B's side has an uplink, so A's own
     * identities are refused, anything else goes on. */
    CU_ASSERT(find(a, PIPE_T_BORDER_L2, "in_port=pa,dl_src=52:54:00:00:00:a1",
                   "controller(") != NULL);
    CU_ASSERT(find(a, PIPE_T_BORDER_L3, "in_port=pa,ip,nw_src=192.0.2.12",
                   "controller(") != NULL);
    /* L2 lookup: B's guest is behind the patch; unknown unicast only
     * towards the outside (the patch), never flooded. */
    CU_ASSERT(find(a, PIPE_T_L2_LOOKUP, "dl_dst=52:54:00:00:00:b1",
                   "resubmit(,60)") != NULL);
    f = find(a, PIPE_T_L2_LOOKUP, "", NULL);
    char pa[32];
    snprintf(pa, sizeof pa, "0x%x->reg1", port(t, "A", "pa")->id);
    CU_ASSERT(f && f->priority == 10 && strstr(f->actions, pa)
              && !strstr(f->actions, "),set_field"));
    /* Egress guard: a1 receives only its own addresses or broadcast. */
    char mbuf[64];
    uint32_t a1 = port(t, "A", "a1")->id;
    snprintf(mbuf, sizeof mbuf, "reg1=%u", a1);
    f = find(a, PIPE_T_EGRESS, mbuf, NULL);
    CU_ASSERT(f && f->kind == PIPE_K_EGRESS_GUARD && f->drop);
    snprintf(mbuf, sizeof mbuf, "reg1=%u,ip,nw_dst=192.0.2.11", a1);
    CU_ASSERT(find(a, PIPE_T_EGRESS, mbuf, NULL) != NULL);
    /* Host-only: the uplink of C is dropped both ways. */
    f = find(c, PIPE_T_BORDER_L2, "in_port=upc", NULL);
    CU_ASSERT(f && f->kind == PIPE_K_HOST_ONLY);
    /* Cookies name kind and port. */
    f = find(a, PIPE_T_CLASSIFY, "in_port=a1", "controller(");
    CU_ASSERT(f && pipe_cookie_is_ours(f->cookie)
              && pipe_cookie_kind(f->cookie) == PIPE_K_L2_GUARD
              && pipe_cookie_port(f->cookie) == port(t, "A", "a1")->id);

    /* B's host port serves DHCP (not RA): it passes that guard first. */
    struct pipe_bridge *b = pipe_build(m, topo_find_bridge(t, "B"), NULL);
    f = find(b, PIPE_T_PROTOCOL, "in_port=h,udp,tp_src=67", "resubmit(,20)");
    CU_ASSERT(f && f->priority == 310);
    CU_ASSERT(find(b, PIPE_T_PROTOCOL, "in_port=h,udp,tp_dst=68",
                   "resubmit(,20)") != NULL);
    CU_ASSERT(find(b, PIPE_T_PROTOCOL, "in_port=h,icmp6,icmp_type=134",
                   NULL) == NULL);
    CU_ASSERT(find(b, PIPE_T_PROTOCOL, "in_port=h,icmp6,icmp_type=130",
                   NULL) == NULL);
    pipe_bridge_destroy(b);
    pipe_bridge_destroy(a);
    pipe_bridge_destroy(c);
    model_destroy(m);
    topo_destroy(t);
}

/* A's policy lets DHCP requests past its rules only towards a server:
 * broadcast and ff02::1:2, A's host port ha (DHCPv6), B's host port h
 * (DHCPv4) behind the patch, and anywhere when the LAN behind B's uplink
 * may serve ('up_keys': the uplink's keys after its role). */
static void
check_dhcp_policy(const char *up_keys, bool lan)
{
    char text[2048];
    snprintf(text, sizeof text,
             "{ \"version\": 1, \"bridges\": {"
             " \"A\": { \"subnets\": [\"192.0.2.0/25\", \"2001:db8::/64\"],"
             "   \"policy\": { \"default\": \"deny\" },"
             "   \"ports\": {"
             "     \"a1\": { \"role\": \"guest\", \"mac\": \"52:54:00:00:00:a1\","
             "               \"ipv4\": [\"192.0.2.11\"], \"dhcp\": true },"
             "     \"ha\": { \"role\": \"host\", \"mac\": \"52:54:00:00:00:02\","
             "               \"ipv6\": [\"2001:db8::2\"],"
             "               \"services\": [\"dhcpv6\"] },"
             "     \"pa\": { \"role\": \"patch\", \"peer\": \"B/pb\" } } },"
             " \"B\": { \"subnets\": [\"192.0.2.0/25\"],"
             "   \"ports\": {"
             "     \"h\": { \"role\": \"host\", \"mac\": \"52:54:00:00:00:01\","
             "              \"ipv4\": [\"192.0.2.1\"], \"services\": [\"dhcp\"] },"
             "     \"pb\": { \"role\": \"patch\", \"peer\": \"A/pa\" },"
             "     \"up\": { \"role\": \"uplink\"%s } } } } }", up_keys);
    struct topo *t = load(text);
    struct model *m = model_build(t);
    struct pipe_bridge *a = pipe_build(m, topo_find_bridge(t, "A"), NULL);
    const struct topo_port *pa = port(t, "A", "pa");
    const struct topo_port *ha = port(t, "A", "ha");
    const struct pipe_flow *f;

    f = find(a, PIPE_T_POLICY, "ct_state=+trk,udp,nw_dst=255.255.255.255,"
             "tp_src=68,tp_dst=67", "resubmit(,43)");
    CU_ASSERT(f && !f->port && f->priority == 40000);
    f = find(a, PIPE_T_POLICY, "ct_state=+trk,udp,nw_dst=192.0.2.1,"
             "tp_src=68,tp_dst=67", "resubmit(,43)");
    CU_ASSERT(f && f->port == pa);
    /* Their kind is their own, not an established connection's. */
    CU_ASSERT(f && f->kind == PIPE_K_POLICY_INFRA
              && pipe_cookie_kind(f->cookie) == PIPE_K_POLICY_INFRA);
    f = find(a, PIPE_T_POLICY, "ct_state=+trk,icmp6,icmp_type=135",
             "resubmit(,43)");
    CU_ASSERT(f && f->kind == PIPE_K_POLICY_INFRA);
    f = find(a, PIPE_T_POLICY, "ct_state=+est+trk", "resubmit(,43)");
    CU_ASSERT(f && f->kind == PIPE_K_POLICY_ESTABLISHED);
    f = find(a, PIPE_T_POLICY, "ct_state=+trk,udp6,ipv6_dst=ff02::1:2,"
             "tp_src=546,tp_dst=547", "resubmit(,43)");
    CU_ASSERT(f && !f->port);
    f = find(a, PIPE_T_POLICY, "ct_state=+trk,udp6,ipv6_dst=2001:db8::2,"
             "tp_src=546,tp_dst=547", "resubmit(,43)");
    CU_ASSERT(f && f->port == ha);
    f = find(a, PIPE_T_POLICY, "ct_state=+trk,udp6,"
             "ipv6_dst=fe80::5054:ff:fe00:2,tp_src=546,tp_dst=547",
             "resubmit(,43)");
    CU_ASSERT(f && f->port == ha);
    /* Nothing lets a request to any other address past the rules, unless
     * a LAN that may serve lies behind the patch. */
    f = find(a, PIPE_T_POLICY, "ct_state=+trk,udp,tp_src=68,tp_dst=67",
             NULL);
    CU_ASSERT(lan ? f && f->port == pa && f->priority == 39000 : !f);
    f = find(a, PIPE_T_POLICY, "ct_state=+trk,udp6,tp_src=546,tp_dst=547",
             NULL);
    CU_ASSERT(lan ? f && f->port == pa && f->priority == 39000 : !f);
    /* The answers pass (the server guards scope them). */
    CU_ASSERT(find(a, PIPE_T_POLICY, "ct_state=+trk,udp,tp_src=67,tp_dst=68",
                   "resubmit(,43)") != NULL);
    CU_ASSERT(find(a, PIPE_T_POLICY, "ct_state=+trk,udp6,tp_src=547,"
                   "tp_dst=546", "resubmit(,43)") != NULL);
    pipe_bridge_destroy(a);
    model_destroy(m);
    topo_destroy(t);
}

static void
test_dhcp_policy(void)
{
    check_dhcp_policy(", \"services\": []", false);
    check_dhcp_policy("", true);
}

static unsigned int
only_a1(const struct topo_port *p, void *aux)
{
    return !strcmp(p->name, "a1") ? 5 : 0;
}

static void
test_only_bound(void)
{
    struct topo *t = load(topo_text);
    struct model *m = model_build(t);
    /* Only a1 is on the switch. */
    struct pipe_options opt = { .ofport = only_a1, .only_bound = true };
    struct pipe_bridge *a = pipe_build(m, topo_find_bridge(t, "A"), &opt);

    for (size_t i = 0; i < a->n_flows; i++) {
        CU_ASSERT(!strstr(a->flows[i].match, "in_port=a2"));
        CU_ASSERT(!strstr(a->flows[i].match, "in_port=pa"));
        CU_ASSERT(!strstr(a->flows[i].match, "in_port=a1"));
    }
    CU_ASSERT(find(a, PIPE_T_CLASSIFY, "in_port=5,dl_src=52:54:00:00:00:a1",
                   NULL) != NULL);
    /* Frames for an absent guest's MAC go nowhere. */
    const struct pipe_flow *f = find(a, PIPE_T_L2_LOOKUP,
                                     "dl_dst=52:54:00:00:00:a2", NULL);
    CU_ASSERT(f && !strcmp(f->actions, "drop"));
    pipe_bridge_destroy(a);
    model_destroy(m);
    topo_destroy(t);
}

static void
test_deterministic(void)
{
    struct topo *t = load(topo_text);
    struct model *m = model_build(t);
    char *out[2];
    size_t len[2];

    for (int k = 0; k < 2; k++) {
        FILE *s = open_memstream(&out[k], &len[k]);
        struct pipe_bridge *pb = pipe_build(m, topo_find_bridge(t, "B"),
                                            NULL);
        emit_ofctl(pb, s);
        fclose(s);
        pipe_bridge_destroy(pb);
    }
    CU_ASSERT_EQUAL(len[0], len[1]);
    CU_ASSERT(!strcmp(out[0], out[1]));
    CU_ASSERT(strstr(out[0], "# rule: l2-source-guard B/b1: drop: ") != NULL);
    free(out[0]);
    free(out[1]);
    model_destroy(m);
    topo_destroy(t);
}

void
test_pipeline_register(void)
{
    CU_pSuite s = CU_add_suite("pipeline", NULL, NULL);

    CU_add_test(s, "border reachability", test_border_reachability);
    CU_add_test(s, "what may serve from behind a border",
                test_border_services);
    CU_add_test(s, "the outside's announcements", test_outside_announce);
    CU_add_test(s, "no announcements behind a NAT uplink only",
                test_outside_announce_nat);
    CU_add_test(s, "port range decomposition is exact", test_port_masks);
    CU_add_test(s, "pipeline flows", test_pipeline_flows);
    CU_add_test(s, "DHCP requests pass the policy only towards a server",
                test_dhcp_policy);
    CU_add_test(s, "ports not on the switch are left out", test_only_bound);
    CU_add_test(s, "output is deterministic", test_deterministic);
}
