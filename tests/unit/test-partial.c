/* SPDX-License-Identifier: Apache-2.0 */
/* test-partial.c -- CUnit test of partial pipeline builds
 * (pipe_options.only_ports), the basis of ovs-flowd's incremental
 * updates: for every example topology and many random ofport changes of
 * unshared ports S, the flows of the old full build minus those about S
 * and the bridge-wide ones, plus a build of only S, must be exactly the
 * new full build. */
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

static const char *const examples[] = {
    "host-only.json", "monitor-mirror.json", "nat-lan-block.json",
    "topology-md.json", "two-bridge-lab.json", "vps-antispoof.json",
};

static unsigned int
ofport_of(const struct topo_port *p, void *aux)
{
    const unsigned int *ofports = aux;
    return ofports[p->index];
}

/* Whether a partial build for the ports marked in 's' rebuilds 'f'. */
static bool
rebuilt(const struct pipe_bridge *pb, const struct pipe_flow *f,
        const bool *s)
{
    if (f->port) {
        return s[f->port->index];
    } else if (f->flood_chunk >= 0) {
        for (size_t i = 0; i < pb->br->n_ports; i++) {
            if (s[i] && pipe_flood_chunk(pb->br->ports[i])
                        == (size_t) f->flood_chunk) {
                return true;
            }
        }
        return false;
    }
    return true;
}

/* Appends the lines of the flows of 'pb' to 'lines' ('*n' of them),
 * leaving out those a partial build for the ports marked in 'skip'
 * rebuilds, when 'skip' is nonnull. */
static void
collect(const struct pipe_bridge *pb, const bool *skip, char ***lines,
        size_t *n)
{
    struct strbuf sb = STRBUF_INIT;

    /* Room for all at once: growing one by one is quadratic under ASan. */
    *lines = realloc(*lines, (*n + pb->n_flows + 1) * sizeof **lines);
    for (size_t i = 0; i < pb->n_flows; i++) {
        const struct pipe_flow *f = &pb->flows[i];
        if (skip && rebuilt(pb, f, skip)) {
            continue;
        }
        strbuf_clear(&sb);
        emit_flow_line(f, &sb);
        (*lines)[(*n)++] = strdup(strbuf_cstr(&sb));
    }
    strbuf_destroy(&sb);
}

static int
cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

static void
free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(lines[i]);
    }
    free(lines);
}

static struct pipe_bridge *
build(const struct model *m, const struct topo_bridge *br,
      unsigned int *ofports, const bool *only)
{
    struct pipe_options opt = {
        .ofport = ofport_of,
        .aux = ofports,
        .only_bound = true,
        .only_ports = only,
    };
    return pipe_build(m, br, &opt);
}

/* One trial on bridge 'br': returns true if partial == full. */
static bool
trial(const struct model *m, const struct topo_bridge *br,
      unsigned int *seed, unsigned int one_in, size_t *n_changed)
{
    size_t n = br->n_ports;
    unsigned int *a = calloc(n + 1, sizeof *a);
    unsigned int *b = calloc(n + 1, sizeof *b);
    bool *s = calloc(n + 1, sizeof *s);
    char **want = NULL, **got = NULL;
    size_t n_want = 0, n_got = 0;
    bool same;

    for (size_t i = 0; i < n; i++) {
        /* A third of the ports are off the switch. */
        a[i] = rand_r(seed) % 3 ? 1 + i + 100 * (rand_r(seed) % 10) : 0;
        b[i] = a[i];
        if (!pipe_port_is_shared(br, br->ports[i])
            && rand_r(seed) % one_in == 0) {
            b[i] = rand_r(seed) % 3 ? 1 + i + 100 * (rand_r(seed) % 10) : 0;
            s[i] = true;
            (*n_changed)++;
        }
    }

    struct pipe_bridge *old = build(m, br, a, NULL);
    struct pipe_bridge *part = build(m, br, b, s);
    struct pipe_bridge *full = build(m, br, b, NULL);

    collect(old, s, &got, &n_got);
    collect(part, NULL, &got, &n_got);
    collect(full, NULL, &want, &n_want);
    qsort(got, n_got, sizeof *got, cmp_line);
    qsort(want, n_want, sizeof *want, cmp_line);
    same = n_got == n_want;
    for (size_t i = 0; same && i < n_got; i++) {
        if (strcmp(got[i], want[i])) {
            fprintf(stderr, "\nbridge %s: partial build has \"%s\", full "
                    "build \"%s\"\n", br->name, got[i], want[i]);
            same = false;
        }
    }
    pipe_bridge_destroy(old);
    pipe_bridge_destroy(part);
    pipe_bridge_destroy(full);
    free_lines(got, n_got);
    free_lines(want, n_want);
    free(a);
    free(b);
    free(s);
    return same;
}

static void
test_partial_equals_full(void)
{
    const char *srcdir = getenv("srcdir") ? getenv("srcdir") : ".";
    size_t n_trials = 0, n_changed = 0;

    for (size_t e = 0; e < sizeof examples / sizeof *examples; e++) {
        char file[4096];
        struct diag_list d;
        struct topo *t;
        struct model *m;

        snprintf(file, sizeof file, "%s/examples/%s", srcdir, examples[e]);
        diag_list_init(&d, file);
        t = topo_parse_file(file, &d);
        CU_ASSERT_FATAL(t && t->root && topo_check(t, &d));
        diag_list_destroy(&d);
        m = model_build(t);
        for (size_t i = 0; i < t->n_bridges; i++) {
            unsigned int seed = 1 + e * 100 + i;
            for (int k = 0; k < 50; k++) {
                CU_ASSERT(trial(m, t->bridges[i], &seed, 2, &n_changed));
                n_trials++;
            }
        }
        model_destroy(m);
        topo_destroy(t);
    }
    CU_ASSERT(n_trials >= 6 * 50);
    CU_ASSERT(n_changed > n_trials);    /* The trials changed ports. */
}

/* A bridge of 2500 guests has three flood chunks; a few ports change at
 * a time, so most chunks are kept. */
static void
test_partial_chunks(void)
{
    struct strbuf text = STRBUF_INIT;
    struct diag_list d;
    struct topo *t;
    struct model *m;
    size_t n_changed = 0, n_flood = 0;
    unsigned int seed = 7;

    strbuf_puts(&text, "{\"version\": 1, \"bridges\": {\"big\": {"
                "\"subnets\": [\"10.0.0.0/16\"], \"ports\": {"
                "\"up\": {\"role\": \"uplink\"}");
    for (int i = 0; i < 2500; i++) {
        strbuf_printf(&text, ", \"g%04d\": {\"role\": \"guest\", "
                      "\"mac\": \"52:54:00:00:%02x:%02x\", "
                      "\"ipv4\": [\"10.0.%d.%d\"]}", i, i >> 8, i & 255,
                      i / 200, i % 200 + 2);
    }
    strbuf_puts(&text, "}}}}");
    diag_list_init(&d, "big.json");
    t = topo_parse_buffer("big.json", strbuf_cstr(&text), text.len, &d);
    CU_ASSERT_FATAL(t && t->root && topo_check(t, &d));
    diag_list_destroy(&d);
    m = model_build(t);
    CU_ASSERT_EQUAL(pipe_n_flood_chunks(t->bridges[0]), 3);
    for (int k = 0; k < 4; k++) {
        CU_ASSERT(trial(m, t->bridges[0], &seed, 1000, &n_changed));
    }
    CU_ASSERT(n_changed > 0);

    /* Three chunk flows, chained. */
    struct pipe_bridge *pb = pipe_build(m, t->bridges[0], NULL);
    for (size_t i = 0; i < pb->n_flows; i++) {
        n_flood += pb->flows[i].flood_chunk >= 0;
    }
    CU_ASSERT_EQUAL(n_flood, 3);
    pipe_bridge_destroy(pb);
    model_destroy(m);
    topo_destroy(t);
    strbuf_destroy(&text);
}

/* A mirror's monitor port is shared: the flows of the mirrored ports
 * name it. */
static void
test_shared_ports(void)
{
    const char *srcdir = getenv("srcdir") ? getenv("srcdir") : ".";
    char file[4096];
    struct diag_list d;
    struct topo *t;
    size_t n_shared = 0, n_ports = 0;

    snprintf(file, sizeof file, "%s/examples/monitor-mirror.json", srcdir);
    diag_list_init(&d, file);
    t = topo_parse_file(file, &d);
    CU_ASSERT_FATAL(t && t->root && topo_check(t, &d));
    diag_list_destroy(&d);
    for (size_t i = 0; i < t->n_bridges; i++) {
        const struct topo_bridge *br = t->bridges[i];
        for (size_t k = 0; k < br->n_ports; k++) {
            bool shared = pipe_port_is_shared(br, br->ports[k]);
            n_ports++;
            n_shared += shared;
            CU_ASSERT_EQUAL(shared, br->ports[k]->role == TOPO_MONITOR);
        }
    }
    CU_ASSERT(n_shared > 0 && n_shared < n_ports);
    topo_destroy(t);
}

void
test_partial_register(void)
{
    CU_pSuite s = CU_add_suite("partial builds", NULL, NULL);

    CU_add_test(s, "partial build plus kept flows equals full build",
                test_partial_equals_full);
    CU_add_test(s, "flood chunks are rebuilt one by one",
                test_partial_chunks);
    CU_add_test(s, "mirror monitor ports are shared", test_shared_ports);
}
