/* SPDX-License-Identifier: Apache-2.0 */
/* test-check.c -- CUnit tests of stages 1 and 2: parsing with positions
 * and checking into the typed topology of topo.h.  (The golden tests in
 * tests/bad/ pin the exact text of every diagnostic; these check the
 * structures and the rules behind them.) */
#include <CUnit/CUnit.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"
#include "unit.h"

/* Parses and checks 'text'; returns the topology (checked or not) and
 * stores the diagnostics in 'd' (caller destroys both). */
static struct topo *
check(const char *text, struct diag_list *d, bool *ok)
{
    struct topo *t;

    diag_list_init(d, "t.json");
    t = topo_parse_buffer("t.json", text, strlen(text), d);
    *ok = t->root && topo_check(t, d);
    diag_sort(d);
    return t;
}

/* True if some diagnostic's message contains 'needle' and its pointer is
 * 'ptr'. */
static bool
has(const struct diag_list *d, const char *ptr, const char *needle)
{
    for (size_t i = 0; i < d->n; i++) {
        if (!strcmp(d->items[i].pointer, ptr)
            && strstr(d->items[i].msg, needle)) {
            return true;
        }
    }
    return false;
}

static const char good[] =
    "{ \"version\": 1, \"bridges\": {"
    "  \"b2\": { \"subnets\": [\"192.0.2.0/24\", \"2001:db8::/64\"],"
    "    \"ports\": {"
    "      \"g2\": { \"role\": \"guest\", \"mac\": \"52:54:00:00:00:02\","
    "                \"ipv4\": [\"192.0.2.2\"], \"dhcp\": true,"
    "                \"link_local\": [\"fe80::2\"] },"
    "      \"g1\": { \"role\": \"guest\", \"mac\": \"52:54:00:00:00:01\","
    "                \"ipv4\": [\"192.0.2.1\"], \"ipv6\": [\"2001:db8::1\"] },"
    "      \"h\": { \"role\": \"host\", \"mac\": \"52:54:00:00:00:0a\","
    "               \"ipv4\": [\"192.0.2.10\"], \"services\": [\"ra\", \"dns\"] },"
    "      \"p\": { \"role\": \"patch\", \"peer\": \"b1/q\" } } },"
    "  \"b1\": { \"ports\": {"
    "      \"q\": { \"role\": \"patch\", \"peer\": \"b2/p\" },"
    "      \"m\": { \"role\": \"monitor\" } },"
    "    \"mirrors\": { \"x\": { \"to\": \"m\", \"from\": \"all\" } } } } }";

static void
test_typed(void)
{
    struct diag_list d;
    bool ok;
    struct topo *t = check(good, &d, &ok);

    CU_ASSERT_FATAL(ok);
    CU_ASSERT_EQUAL(t->n_bridges, 2);
    CU_ASSERT_STRING_EQUAL(t->bridges[0]->name, "b1");      /* Sorted. */
    struct topo_bridge *b2 = topo_find_bridge(t, "b2");
    CU_ASSERT_FATAL(b2 != NULL);
    CU_ASSERT_STRING_EQUAL(b2->ports[0]->name, "g1");
    struct topo_port *g1 = topo_bridge_find_port(b2, "g1");
    struct topo_port *g2 = topo_bridge_find_port(b2, "g2");
    struct topo_port *h = topo_bridge_find_port(b2, "h");
    struct topo_port *p = topo_bridge_find_port(b2, "p");
    CU_ASSERT_FATAL(g1 && g2 && h && p);
    CU_ASSERT_EQUAL(g1->role, TOPO_GUEST);
    CU_ASSERT_EQUAL(g1->ipv4.n, 1);
    CU_ASSERT_EQUAL(g1->ipv6.n, 1);
    CU_ASSERT_EQUAL(g1->link_local.n, 1);        /* EUI-64 by default. */
    CU_ASSERT(g2->dhcp);
    CU_ASSERT_EQUAL(g2->link_local.n, 1);
    CU_ASSERT_EQUAL(h->services, TOPO_SVC_RA | TOPO_SVC_DNS);
    CU_ASSERT(p->peer == topo_bridge_find_port(topo_find_bridge(t, "b1"),
                                               "q"));
    CU_ASSERT(b2->log_drops);
    CU_ASSERT_EQUAL(b2->log_rate_pps, 100);
    /* Port ids: topology-wide, stable, distinct, 24 bits. */
    CU_ASSERT(g1->id > 0 && g1->id < (1u << 24));
    CU_ASSERT(g1->id != g2->id);
    CU_ASSERT(topo_port_by_id(t, g1->id) == g1);
    CU_ASSERT(topo_port_by_id(t, h->id) == h);
    CU_ASSERT(t->bridges[0]->mirrors[0].from_all);
    topo_destroy(t);
    diag_list_destroy(&d);
}

/* Replaces the first occurrence of 'from' in 'good' with 'to'. */
static char *
mutate(const char *from, const char *to)
{
    const char *at = strstr(good, from);
    size_t n = strlen(good) + strlen(to) + 1;
    char *s = malloc(n);

    CU_ASSERT_FATAL(at != NULL);
    snprintf(s, n, "%.*s%s%s", (int) (at - good), good, to,
             at + strlen(from));
    return s;
}

static void
expect_error(const char *from, const char *to, const char *ptr,
             const char *needle)
{
    struct diag_list d;
    bool ok;
    char *text = mutate(from, to);
    struct topo *t = check(text, &d, &ok);

    CU_ASSERT(!ok);
    if (!has(&d, ptr, needle)) {
        CU_FAIL("expected diagnostic missing");
        fprintf(stderr, "\nwanted %s: ...%s...; got:\n", ptr, needle);
        diag_print(&d, stderr, false);
    }
    topo_destroy(t);
    diag_list_destroy(&d);
    free(text);
}

static void
test_errors(void)
{
    expect_error("\"52:54:00:00:00:01\"", "\"52:54:00:00:01\"",
                 "/bridges/b2/ports/g1/mac", "is not a MAC address");
    expect_error("\"52:54:00:00:00:01\"", "\"01:54:00:00:00:01\"",
                 "/bridges/b2/ports/g1/mac", "multicast");
    expect_error("\"192.0.2.1\"", "\"198.51.100.1\"",
                 "/bridges/b2/ports/g1/ipv4/0", "outside the subnets");
    expect_error("\"192.0.2.2\"", "\"192.0.2.1\"",
                 "/bridges/b2/ports/g2/ipv4/0", "already used by b2/g1");
    expect_error("\"52:54:00:00:00:02\"", "\"52:54:00:00:00:01\"",
                 "/bridges/b2/ports/g2/mac", "already used");
    expect_error("\"peer\": \"b1/q\"", "\"peer\": \"b1/m\"",
                 "/bridges/b2/ports/p/peer", "not a patch port");
    expect_error("\"peer\": \"b2/p\"", "\"peer\": \"b2/g1\"",
                 "/bridges/b1/ports/q/peer", "not a patch port");
    expect_error("\"to\": \"m\"", "\"to\": \"q\"",
                 "/bridges/b1/mirrors/x/to", "not a monitor port");
    expect_error("\"dhcp\": true", "\"dhcp\": true, \"colour\": 1",
                 "/bridges/b2/ports/g2/colour", "unknown key");
    expect_error("\"services\": [\"ra\", \"dns\"]", "\"services\": [\"tftp\"]",
                 "/bridges/b2/ports/h/services/0", "is not a service");
    expect_error("\"dhcp\": true,", "\"dhcp\": true, \"services\": [],",
                 "/bridges/b2/ports/g2/services", "not allowed on a guest");
    expect_error("\"version\": 1", "\"version\": 2", "/version",
                 "out of range");
}

static void
test_syntax(void)
{
    struct diag_list d;
    bool ok;
    struct topo *t = check("{ \"version\": 1,\n  \"bridges\": {, }", &d, &ok);

    CU_ASSERT(!ok);
    CU_ASSERT_EQUAL(d.n, 1);
    CU_ASSERT_EQUAL(d.items[0].line, 2);
    CU_ASSERT(strstr(d.items[0].msg, "JSON syntax") != NULL);
    topo_destroy(t);
    diag_list_destroy(&d);
}

void
test_check_register(void)
{
    CU_pSuite s = CU_add_suite("parse-check", NULL, NULL);

    CU_add_test(s, "typed topology of a valid file", test_typed);
    CU_add_test(s, "each mistake, its message and pointer", test_errors);
    CU_add_test(s, "syntax errors carry jansson's position", test_syntax);
}
