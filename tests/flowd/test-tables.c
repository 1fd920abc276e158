/* SPDX-License-Identifier: Apache-2.0 */
/* test-tables.c -- ovs-flowd's desired and installed tables
 * (runtime/rt-flows.c) share their flows as they should.  For every
 * bridge of each topology given:
 *   - a first load (every desired flow sent) leaves the installed table
 *     holding the desired flows themselves: as many, and nothing to send;
 *   - a rebuild of one port's flows with another ofport, sent as a delta
 *     and applied, leaves the two tables equal again;
 *   - a second desired table built anew, its flows put in an empty
 *     installed table (rt_table_install_all(), as after a restart by
 *     digest: build_deferred() in rt-sync.c), gives that table the digest of the first installed
 *     table, which a read-back of the same flows would have;
 *   - the tables go, in one order or the other, and the two of the
 *     second build stay intact while those of the first go.
 * Under ASan + UBSan (the sanitizer suite runs this), a flow freed while
 * a table holds it, freed twice or never freed is an error.
 *
 * Usage: test-tables TOPOLOGY.json...  Prints "ok"/"FAIL" lines; exit
 * status 1 if any check failed. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "model.h"
#include "openvswitch/list.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "pipe.h"
#include "rt.h"
#include "test-main.h"
#include "topo.h"
#include "util.h"

static int failures;

static void
check(bool ok, const char *file, const char *bridge, const char *what)
{
    printf("%s  %s %s: %s\n", ok ? "ok  " : "FAIL", file, bridge, what);
    failures += !ok;
}

/* How many flow mods would turn 'installed' into 'desired'. */
static size_t
n_diff(const struct rt_table *desired, const struct rt_table *installed)
{
    struct ovs_list msgs = OVS_LIST_INITIALIZER(&msgs);
    struct rt_diff diff;
    size_t n;

    rt_diff_init(&diff);
    n = rt_table_diff(desired, installed, &msgs, &diff);
    rt_diff_destroy(&diff);
    ofpbuf_list_delete(&msgs);
    return n;
}

/* Builds 'out' in full (or only the ports marked in 'only'); returns the
 * build's error, if any, and its delta in '*delta'. */
static char *
build(struct rt_table *out, const struct model *m,
      const struct topo_bridge *br, const unsigned int *ofports,
      const bool *only, struct rt_delta *delta)
{
    size_t n_emitted;

    rt_delta_init(delta);
    return rt_table_build(out, m, br, ofports, PIPE_ND_EXT_YES, only, delta,
                          NULL, &n_emitted);
}

/* Destroys an installed and a desired table that share flows, the
 * installed one first if 'installed_first'. */
static void
destroy_both(struct rt_table *installed, struct rt_table *desired,
             bool installed_first)
{
    rt_table_destroy(installed_first ? installed : desired);
    rt_table_destroy(installed_first ? desired : installed);
}

static void
test_bridge(const char *file, const struct model *m,
            const struct topo_bridge *br, bool installed_first)
{
    unsigned int *ofports = xcalloc(br->n_ports + 1, sizeof *ofports);
    struct rt_table d1, d2, inst;
    struct rt_delta delta;
    struct rt_diff diff;
    char *error;

    for (size_t i = 0; i < br->n_ports; i++) {
        ofports[i] = 1 + i;
    }
    rt_table_init(&d1, false);
    rt_table_init(&inst, true);
    error = build(&d1, m, br, ofports, NULL, &delta);
    rt_delta_destroy(&delta);
    check(!error && rt_table_count(&d1) > 0, file, br->name,
          "the desired table builds");
    free(error);

    /* A first load. */
    rt_diff_init(&diff);
    rt_diff_all_sent(&d1, &diff);
    rt_table_apply_diff(&inst, &diff);
    rt_diff_destroy(&diff);
    check(rt_table_count(&inst) == rt_table_count(&d1)
          && !n_diff(&d1, &inst), file, br->name,
          "after a first load the installed table holds the desired flows");

    /* One guest's flows rebuilt for another ofport. */
    size_t p0 = SIZE_MAX;
    for (size_t i = 0; i < br->n_ports && p0 == SIZE_MAX; i++) {
        if (br->ports[i]->role == TOPO_GUEST
            && !pipe_port_is_shared(br, br->ports[i])) {
            p0 = i;
        }
    }
    if (p0 != SIZE_MAX) {
        bool *only = xcalloc(br->n_ports + 1, sizeof *only);
        struct ovs_list msgs = OVS_LIST_INITIALIZER(&msgs);
        size_t n;

        only[p0] = true;
        ofports[p0] = br->n_ports + 1;      /* No other port's. */
        error = build(&d1, m, br, ofports, only, &delta);
        n = rt_table_diff_delta(&d1, &inst, &delta, &msgs);
        ofpbuf_list_delete(&msgs);
        rt_table_apply_delta(&inst, &d1, &delta);
        rt_delta_destroy(&delta);
        free(only);
        check(!error && n > 0 && rt_table_count(&inst) == rt_table_count(&d1)
              && !n_diff(&d1, &inst), file, br->name,
              "a port's new ofport, sent as a delta: the tables equal again");
        free(error);
    }

    /* Built anew and filled into an empty installed table, as after a
     * restart by digest. */
    struct rt_table inst2;

    rt_table_init(&d2, false);
    rt_table_init(&inst2, true);
    error = build(&d2, m, br, ofports, NULL, &delta);
    rt_delta_destroy(&delta);
    rt_table_install_all(&inst2, &d2);
    check(!error && rt_table_count(&inst2) == rt_table_count(&inst)
          && ovs_u128_equals(inst2.digest, inst.digest)
          && !n_diff(&d2, &inst2), file, br->name,
          "a table built anew fills an empty installed table with the "
          "first one's digest");
    free(error);

    destroy_both(&inst, &d1, installed_first);
    check(!n_diff(&d2, &inst2)
          && rt_table_count(&inst2) == rt_table_count(&d2), file, br->name,
          "the first two tables gone, the second two are intact");
    destroy_both(&inst2, &d2, installed_first);
    free(ofports);
}

int
main(int argc, char *argv[])
{
    test_main_init(argc, argv);
    for (int i = 1; i < argc; i++) {
        struct diag_list d;
        struct topo *t;

        diag_list_init(&d, argv[i]);
        t = topo_load(argv[i], &d);
        if (!t) {
            diag_print(&d, stderr, false);
            check(false, argv[i], "-", "loads");
        } else {
            struct model *m = model_build(t);

            for (size_t b = 0; b < t->n_bridges; b++) {
                test_bridge(argv[i], m, t->bridges[b], b % 2);
            }
            model_destroy(m);
            topo_destroy(t);
        }
        diag_list_destroy(&d);
    }
    printf("test-tables: %d failed\n", failures);
    return failures ? 1 : 0;
}
