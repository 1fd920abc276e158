/* SPDX-License-Identifier: Apache-2.0 */
/* test-addr.c -- CUnit tests of lib/addr.c (strict parsing, canonical
 * formatting, containment, EUI-64), lib/diag.c (sorting, JSON pointer
 * escaping) and compiler/topo-pos.c (positions of values and keys). */
#include <CUnit/CUnit.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "addr.h"
#include "diag.h"
#include "topo-pos.h"
#include "unit.h"

static void
test_mac(void)
{
    struct mac m;
    char buf[MAC_STRLEN];

    CU_ASSERT(mac_parse("52:54:00:F2:a4:8d", &m));
    CU_ASSERT_STRING_EQUAL(mac_format(&m, buf), "52:54:00:f2:a4:8d");
    CU_ASSERT(!mac_parse("52:54:00:f2:a4", &m));
    CU_ASSERT(!mac_parse("52:54:0:f2:a4:8d", &m));
    CU_ASSERT(!mac_parse("52:54:00:f2:a4:8d:00", &m));
    CU_ASSERT(!mac_parse("52-54-00-f2-a4-8d", &m));
    CU_ASSERT(!mac_parse("", &m));
    CU_ASSERT(mac_parse("01:00:5e:00:00:01", &m) && mac_is_multicast(&m));
    CU_ASSERT(mac_parse("ff:ff:ff:ff:ff:ff", &m) && mac_is_multicast(&m));
    CU_ASSERT(mac_parse("00:00:00:00:00:00", &m) && mac_is_zero(&m));
}

static void
test_eui64(void)
{
    struct mac m;
    struct prefix ll;
    char buf[PREFIX_STRLEN];

    mac_parse("52:54:00:f2:a4:8d", &m);
    mac_to_eui64_ll(&m, &ll);
    CU_ASSERT_STRING_EQUAL(prefix_format(&ll, buf),
                           "fe80::5054:ff:fef2:a48d");
    CU_ASSERT(prefix_is_link_local(&ll));
}

static void
test_prefix(void)
{
    struct prefix p, q;
    char buf[PREFIX_STRLEN];

    CU_ASSERT(prefix_parse_addr("192.0.2.13", AF_INET, &p));
    CU_ASSERT(!prefix_parse_addr("192.0.2.13", AF_INET6, &p));
    CU_ASSERT(!prefix_parse_addr("192.0.2.300", 0, &p));
    CU_ASSERT(!prefix_parse_addr("192.0.2", 0, &p));
    CU_ASSERT(!prefix_parse_addr("192.0.2.013", 0, &p));
    CU_ASSERT(!prefix_parse_addr("fe80::1%eth0", 0, &p));
    CU_ASSERT(prefix_parse_addr("2001:DB8::0:13", 0, &p));
    CU_ASSERT_STRING_EQUAL(prefix_format(&p, buf), "2001:db8::13");

    CU_ASSERT_PTR_NULL(prefix_parse_cidr("192.0.2.0/24", 0, true, &p));
    CU_ASSERT_STRING_EQUAL(prefix_format(&p, buf), "192.0.2.0/24");
    CU_ASSERT_PTR_NOT_NULL(prefix_parse_cidr("192.0.2.1/24", 0, true, &p));
    CU_ASSERT_PTR_NULL(prefix_parse_cidr("192.0.2.1/24", 0, false, &p));
    CU_ASSERT_PTR_NOT_NULL(prefix_parse_cidr("192.0.2.0/33", 0, true, &p));
    CU_ASSERT_PTR_NOT_NULL(prefix_parse_cidr("192.0.2.0/024", 0, true, &p));
    CU_ASSERT_PTR_NOT_NULL(prefix_parse_cidr("192.0.2.0/", 0, true, &p));
    CU_ASSERT_PTR_NULL(prefix_parse_cidr("2001:db8::/32", 0, true, &p));
    CU_ASSERT_PTR_NOT_NULL(prefix_parse_cidr("2001:db8::/129", 0, true, &p));

    prefix_parse_cidr("192.0.2.0/24", 0, true, &p);
    prefix_parse_addr("192.0.2.77", 0, &q);
    CU_ASSERT(prefix_contains(&p, &q));
    CU_ASSERT(!prefix_contains(&q, &p));
    prefix_parse_addr("192.0.3.1", 0, &q);
    CU_ASSERT(!prefix_contains(&p, &q));
    prefix_parse_cidr("192.0.2.128/25", 0, true, &q);
    CU_ASSERT(prefix_overlaps(&p, &q) && prefix_overlaps(&q, &p));
    prefix_broadcast(&p, &q);
    CU_ASSERT_STRING_EQUAL(prefix_format(&q, buf), "192.0.2.255");
    prefix_parse_cidr("2001:db8::/32", 0, true, &q);
    CU_ASSERT(!prefix_contains(&q, &p));    /* Other family. */
}

static void
test_diag(void)
{
    struct diag_list d;
    char *p;

    diag_list_init(&d, "x.json");
    diag_add(&d, DIAG_ERROR, 3, 5, 1, "/b", "second");
    diag_add(&d, DIAG_NOTE, 1, 2, 1, "/a", "first");
    diag_add(&d, DIAG_ERROR, 3, 5, 1, "/c", "third");
    diag_sort(&d);
    CU_ASSERT_STRING_EQUAL(d.items[0].msg, "first");
    CU_ASSERT_STRING_EQUAL(d.items[1].msg, "second");
    CU_ASSERT_STRING_EQUAL(d.items[2].msg, "third");
    CU_ASSERT_EQUAL(d.n_errors, 2);
    diag_list_destroy(&d);

    p = diag_pointer_join("/bridges", "a/b~c");
    CU_ASSERT_STRING_EQUAL(p, "/bridges/a~1b~0c");
    free(p);
}

static void
test_positions(void)
{
    static const char text[] =
        "{\n"
        "  \"a\": [1, \"x\"],\n"
        "  \"we/ird~\": { \"k\": true }\n"
        "}\n";
    struct diag_list d;

    diag_list_init(&d, "t.json");
    diag_at(&d, DIAG_ERROR, "/a/1", false, "value");
    diag_at(&d, DIAG_ERROR, "/we~1ird~0/k", true, "key");
    diag_at(&d, DIAG_ERROR, "/we~1ird~0/k", false, "value2");
    diag_at(&d, DIAG_ERROR, "", false, "root");
    diag_at(&d, DIAG_ERROR, "/nowhere", false, "missing");
    topo_pos_resolve(text, strlen(text), &d);
    CU_ASSERT_EQUAL(d.items[0].line, 2);
    CU_ASSERT_EQUAL(d.items[0].col, 12);
    CU_ASSERT_EQUAL(d.items[0].len, 3);
    CU_ASSERT_EQUAL(d.items[1].line, 3);
    CU_ASSERT_EQUAL(d.items[1].col, 16);
    CU_ASSERT_EQUAL(d.items[2].col, 21);
    CU_ASSERT_EQUAL(d.items[2].len, 4);
    CU_ASSERT_EQUAL(d.items[3].line, 1);
    CU_ASSERT_EQUAL(d.items[3].col, 1);
    CU_ASSERT_EQUAL(d.items[4].line, 1);    /* Unknown: the start. */
    diag_list_destroy(&d);
}

/* prefix_format_addr() and mac_format() write by hand what inet_ntop()
 * and printf write: compare over edge cases and random addresses whose
 * groups are often zero (to exercise every "::" placement). */
static void
test_format_like_libc(void)
{
    static const char *const edges[] = {
        "::", "::1", "1::", "::ffff:1.2.3.4", "::1.2.3.4", "::ffff:0:1",
        "0:0:1::", "1:0:0:1:0:0:0:1", "1:0:0:0:1:0:0:1", "fe80::1",
        "2001:db8::", "1:2:3:4:5:6:7:8", "1:0:2:0:3:0:4:0", "0:1::",
        "::1:0:0:0:0:0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    };
    unsigned int seed = 12345;

    for (size_t i = 0; i < sizeof edges / sizeof *edges + 20000; i++) {
        struct prefix p = { .family = AF_INET6, .plen = 128 };
        char want[INET6_ADDRSTRLEN], got[PREFIX_STRLEN];

        if (i < sizeof edges / sizeof *edges) {
            CU_ASSERT_FATAL(inet_pton(AF_INET6, edges[i], p.b) == 1);
        } else {
            for (int k = 0; k < 16; k += 2) {
                seed = seed * 1103515245 + 12345;
                unsigned int r = seed >> 16;
                p.b[k] = r % 3 ? 0 : r >> 8;
                p.b[k + 1] = r % 3 ? 0 : r;
            }
        }
        inet_ntop(AF_INET6, p.b, want, sizeof want);
        CU_ASSERT_STRING_EQUAL(prefix_format_addr(&p, got), want);
    }
    for (unsigned int i = 0; i < 20000; i++) {
        struct prefix p = { .family = AF_INET, .plen = 32 };
        char want[INET_ADDRSTRLEN], got[PREFIX_STRLEN];

        seed = seed * 1103515245 + 12345;
        for (int k = 0; k < 4; k++) {
            p.b[k] = i < 256 ? i : (seed >> (8 * k)) & 0xff;
        }
        inet_ntop(AF_INET, p.b, want, sizeof want);
        CU_ASSERT_STRING_EQUAL(prefix_format_addr(&p, got), want);
    }
    for (unsigned int i = 0; i < 256; i++) {
        struct mac m = { { i, 255 - i, i * 7, 0, 0x0f, 0xf0 } };
        char want[MAC_STRLEN], got[MAC_STRLEN];

        snprintf(want, sizeof want, "%02x:%02x:%02x:%02x:%02x:%02x",
                 m.b[0], m.b[1], m.b[2], m.b[3], m.b[4], m.b[5]);
        CU_ASSERT_STRING_EQUAL(mac_format(&m, got), want);
    }
}

void
test_addr_register(void)
{
    CU_pSuite s = CU_add_suite("addr-diag-pos", NULL, NULL);

    CU_add_test(s, "MAC parsing is strict", test_mac);
    CU_add_test(s, "EUI-64 link-local", test_eui64);
    CU_add_test(s, "addresses formatted as libc does",
                test_format_like_libc);
    CU_add_test(s, "IP and CIDR parsing, containment", test_prefix);
    CU_add_test(s, "diagnostics sort and pointer escaping", test_diag);
    CU_add_test(s, "positions of values and keys", test_positions);
}
