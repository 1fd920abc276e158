/* SPDX-License-Identifier: Apache-2.0 */
/* test-parse.c -- rt_parse_flow() (runtime/rt-parse.c) makes of every flow
 * what parse_ofp_flow_mod_str() makes of its ovs-ofctl line:
 *   - for every flow of every bridge of each topology given, with every
 *     port on the switch and with a third of them off it, the two give
 *     equal matches and equal actions;
 *   - the flows of a bridge are parsed with one parser, as a build does,
 *     so actions met before come from its memory; a parser given more
 *     distinct action texts than it remembers still gives each its own;
 *   - a keyword the parser leaves to the library is EOPNOTSUPP; a bad
 *     field value and actions OVS refuses are EINVAL with the library's
 *     message.
 *
 * Usage: test-parse TOPOLOGY.json...  Prints "ok"/"FAIL" lines; exit status
 * 1 if any check failed. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byte-order.h"
#include "diag.h"
#include "emit.h"
#include "model.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/match.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "pipe.h"
#include "rt.h"
#include "strbuf.h"
#include "test-main.h"
#include "topo.h"
#include "util.h"

static int failures;

static void
check(bool ok, const char *what)
{
    printf("%s  %s\n", ok ? "ok  " : "FAIL", what);
    failures += !ok;
}

/* Whether actions 'a' and 'b' are the same: on the wire (OpenFlow 1.5)
 * and as text.  Not bytewise: the unused bytes of a set_field value are
 * whatever the parse left in them. */
static bool
same_actions(const struct ofpact *a, size_t a_len, const struct ofpact *b,
             size_t b_len)
{
    struct ofpbuf wa, wb;
    struct ds ta = DS_EMPTY_INITIALIZER, tb = DS_EMPTY_INITIALIZER;
    struct ofpact_format_params fa = { .s = &ta };
    struct ofpact_format_params fb = { .s = &tb };
    bool same;

    ofpbuf_init(&wa, 0);
    ofpbuf_init(&wb, 0);
    ofpacts_put_openflow_instructions(a, a_len, &wa, OFP15_VERSION);
    ofpacts_put_openflow_instructions(b, b_len, &wb, OFP15_VERSION);
    ofpacts_format(a, a_len, &fa);
    ofpacts_format(b, b_len, &fb);
    same = (wa.size == wb.size
            && (!wa.size || !memcmp(wa.data, wb.data, wa.size))
            && !strcmp(ds_cstr(&ta), ds_cstr(&tb)));
    ofpbuf_uninit(&wa);
    ofpbuf_uninit(&wb);
    ds_destroy(&ta);
    ds_destroy(&tb);
    return same;
}

/* Whether 'p' makes of 'pf' what the library makes of its line; prints
 * the difference if not. */
static bool
same_as_library(struct rt_parser *p, const struct pipe_flow *pf)
{
    struct strbuf line = STRBUF_INIT;
    enum ofputil_protocol usable;
    struct ofputil_flow_mod fm;
    struct minimatch match;
    struct ofpact *ofpacts;
    size_t ofpacts_len;
    char *error, *lib_error;
    bool same;

    emit_flow_line(pf, &line);
    lib_error = parse_ofp_flow_mod_str(&fm, strbuf_cstr(&line), NULL, NULL,
                                       OFPFC_ADD, &usable);
    int e = rt_parse_flow(p, pf, &match, &ofpacts, &ofpacts_len, &error);
    if (lib_error || e) {
        fprintf(stderr, "\"%s\": library: %s, rt_parse_flow: %s (%d)\n",
                strbuf_cstr(&line), lib_error ? lib_error : "ok",
                error ? error : "-", e);
        same = false;
    } else {
        same = (fm.table_id == pf->table && fm.priority == pf->priority
                && ntohll(fm.new_cookie) == pf->cookie
                && minimatch_equal(&fm.match, &match)
                && same_actions(fm.ofpacts, fm.ofpacts_len, ofpacts,
                                ofpacts_len));
        if (!same) {
            fprintf(stderr, "\"%s\": not what the library makes of it\n",
                    strbuf_cstr(&line));
        }
    }
    if (!lib_error) {
        minimatch_destroy(&fm.match);
        free(CONST_CAST(struct ofpact *, fm.ofpacts));
    }
    if (!e) {
        minimatch_destroy(&match);
        free(ofpacts);
    }
    free(lib_error);
    free(error);
    strbuf_destroy(&line);
    return same;
}

static unsigned int
ofport_of(const struct topo_port *port, void *aux)
{
    const unsigned int *ofports = aux;
    return ofports[port->index];
}

/* Compares every flow of every bridge of topology 'file', with every
 * port on the switch and then a third off it. */
static void
test_topology(const char *file)
{
    struct diag_list d;
    struct topo *t;
    size_t n = 0, n_same = 0;
    char what[4200];

    diag_list_init(&d, file);
    t = topo_load(file, &d);
    if (!t) {
        diag_print(&d, stderr, false);
        diag_list_destroy(&d);
        check(false, file);
        return;
    }
    diag_list_destroy(&d);

    struct model *m = model_build(t);
    for (size_t b = 0; b < t->n_bridges; b++) {
        const struct topo_bridge *br = t->bridges[b];
        unsigned int *ofports = xcalloc(br->n_ports + 1, sizeof *ofports);

        for (int off = 0; off < 2; off++) {
            for (size_t i = 0; i < br->n_ports; i++) {
                ofports[i] = off && i % 3 == 1 ? 0 : 1 + i;
            }
            struct pipe_options opt = {
                .ofport = ofport_of,
                .aux = ofports,
                .only_bound = true,
            };
            struct pipe_bridge *pb = pipe_build(m, br, &opt);
            struct rt_parser *p = rt_parser_create();

            for (size_t i = 0; i < pb->n_flows; i++) {
                n_same += same_as_library(p, &pb->flows[i]);
                n++;
            }
            rt_parser_destroy(p);
            pipe_bridge_destroy(pb);
        }
        free(ofports);
    }
    model_destroy(m);
    topo_destroy(t);
    snprintf(what, sizeof what, "%s: %zu of %zu flows parsed as the "
             "library parses them", file, n_same, n);
    check(n && n_same == n, what);
}

/* A flow of table 0 with 'match' and 'actions'. */
static struct pipe_flow
flow(const char *match, const char *actions)
{
    struct pipe_flow pf = {
        .table = 0, .priority = 100, .cookie = PIPE_COOKIE_OURS,
        .flood_chunk = -1, .match = match, .actions = actions,
    };
    return pf;
}

/* What one parser makes of more distinct action texts than it
 * remembers, the first of them met again at the end; and the errors. */
static void
test_parser(void)
{
    struct rt_parser *p = rt_parser_create();
    enum { N = 5000 };
    char **texts = xmalloc(N * sizeof *texts);
    size_t n_same = 0;

    for (size_t i = 0; i < N; i++) {
        texts[i] = xasprintf("set_field:%zu->reg1,resubmit(,%zu)", i,
                             10 + i % 50);
    }
    for (size_t i = 0; i <= N; i++) {
        struct pipe_flow pf = flow("in_port=7,ip,nw_src=192.0.2.1",
                                   texts[i % N]);
        n_same += same_as_library(p, &pf);
    }
    check(n_same == N + 1, "5001 flows of 5000 action texts, more than a "
          "parser remembers: each as the library parses it");

    struct minimatch match;
    struct ofpact *ofpacts;
    size_t len;
    char *error;
    struct pipe_flow pf = flow("eth,dl_src=52:54:00:00:00:01", "drop");
    int e = rt_parse_flow(p, &pf, &match, &ofpacts, &len, &error);
    check(e == EOPNOTSUPP && !error, "\"eth\" is left to the library");

    pf = flow("send_flow_rem,ip", "drop");
    e = rt_parse_flow(p, &pf, &match, &ofpacts, &len, &error);
    check(e == EOPNOTSUPP && !error, "a flag is left to the library");

    pf = flow("ip,nw_src=192.0.2.x", "drop");
    e = rt_parse_flow(p, &pf, &match, &ofpacts, &len, &error);
    check(e == EINVAL && error && strstr(error, "192.0.2.x"),
          "a bad field value: EINVAL with the library's message");
    free(error);

    pf = flow("ip", "nosuchaction:1");
    e = rt_parse_flow(p, &pf, &match, &ofpacts, &len, &error);
    check(e == EINVAL && error && strstr(error, "nosuchaction"),
          "an unknown action: EINVAL with the library's message");
    free(error);

    /* Valid text, but not with this match: set_field of an IPv4 address
     * needs a match on IPv4. */
    pf = flow("arp", "set_field:192.0.2.1->ip_src");
    e = rt_parse_flow(p, &pf, &match, &ofpacts, &len, &error);
    check(e == EINVAL && error && strstr(error, "invalid with specified"),
          "actions inconsistent with the match: EINVAL");
    free(error);
    pf = flow("ip", "set_field:192.0.2.1->ip_src");
    check(same_as_library(p, &pf), "...and the same actions, remembered, "
          "with a match they fit: as the library parses them");

    for (size_t i = 0; i < N; i++) {
        free(texts[i]);
    }
    free(texts);
    rt_parser_destroy(p);
}

int
main(int argc, char *argv[])
{
    test_main_init(argc, argv);
    for (int i = 1; i < argc; i++) {
        test_topology(argv[i]);
    }
    test_parser();
    printf("test-parse: %d failed\n", failures);
    return failures ? 1 : 0;
}
