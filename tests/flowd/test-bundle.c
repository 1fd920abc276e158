/* SPDX-License-Identifier: Apache-2.0 */
/* test-bundle.c -- rt_bundle_transact() (runtime/rt-bundle.c) against a
 * real switch: a bundle with one message the switch refuses when it is
 * added must commit none of the others; a good bundle commits all.
 *
 * Usage: test-bundle TARGET (e.g. unix:.../br.mgmt).  Uses table 200 of
 * the bridge and removes what it added.  Prints "ok"/"FAIL" lines; exit
 * status 1 if any check failed. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "openvswitch/list.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vconn.h"
#include "openvswitch/vlog.h"
#include "rt.h"
#include "util.h"

static int failures;

static void
check(bool ok, const char *what)
{
    printf("%s  %s\n", ok ? "ok  " : "FAIL", what);
    failures += !ok;
}

/* Appends the flow mod of ovs-ofctl text 'text' to 'msgs'. */
static void
add_flow_mod(struct ovs_list *msgs, const char *text, int command)
{
    enum ofputil_protocol usable;
    struct ofputil_flow_mod fm;
    char *error = parse_ofp_flow_mod_str(&fm, text, NULL, NULL, command,
                                         &usable);
    if (error) {
        ovs_fatal(0, "%s: %s", text, error);
    }
    ovs_list_push_back(msgs, &ofputil_encode_flow_mod(
                           &fm, OFPUTIL_P_OF15_OXM)->list_node);
    minimatch_destroy(&fm.match);
    free(CONST_CAST(struct ofpact *, fm.ofpacts));
}

/* Returns the number of flows in table 200. */
static size_t
count_table_200(struct vconn *vconn)
{
    struct ofputil_flow_stats_request fsr = {
        .out_port = OFPP_ANY, .out_group = OFPG_ANY, .table_id = 200,
    };
    struct ofputil_flow_stats *fses = NULL;
    size_t n = 0;

    match_init_catchall(&fsr.match);
    if (vconn_dump_flows(vconn, &fsr, OFPUTIL_P_OF15_OXM, &fses, &n)) {
        ovs_fatal(0, "dump failed");
    }
    for (size_t i = 0; i < n; i++) {
        free(CONST_CAST(struct ofpact *, fses[i].ofpacts));
    }
    free(fses);
    return n;
}

static int
transact(struct vconn *vconn, struct ovs_list *msgs, enum ofperr *first)
{
    struct ovs_list errors;
    int e = rt_bundle_transact(vconn, msgs, OFPBF_ATOMIC | OFPBF_ORDERED,
                               &errors);

    *first = 0;
    if (!ovs_list_is_empty(&errors)) {
        struct ofpbuf *err = CONTAINER_OF(ovs_list_front(&errors),
                                          struct ofpbuf, list_node);
        *first = ofperr_decode_msg(err->data, NULL);
    }
    ofpbuf_list_delete(&errors);
    ofpbuf_list_delete(msgs);
    return e;
}

int
main(int argc, char *argv[])
{
    struct ovs_list msgs = OVS_LIST_INITIALIZER(&msgs);
    struct vconn *vconn;
    enum ofperr first;
    char what[160];
    int e;

    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_WARN);
    if (argc != 2) {
        ovs_fatal(0, "usage: %s TARGET", argv[0]);
    }
    e = vconn_open_block(argv[1], 1u << OFP15_VERSION, 0, -1, &vconn);
    if (e) {
        ovs_fatal(e, "%s", argv[1]);
    }

    /* Good, good, then an add the switch refuses on sight: OVS checks
     * when the bundle message arrives that an add's table is writable,
     * and table 254 is its own, read-only. */
    add_flow_mod(&msgs, "table=200,priority=1,in_port=1,actions=drop",
                 OFPFC_ADD);
    add_flow_mod(&msgs, "table=200,priority=2,in_port=2,actions=drop",
                 OFPFC_ADD);
    add_flow_mod(&msgs, "table=254,priority=3,in_port=3,actions=drop",
                 OFPFC_ADD);
    e = transact(vconn, &msgs, &first);
    snprintf(what, sizeof what, "one message refused: EPROTO with the "
             "switch's error (%s)", first ? ofperr_to_string(first) : "none");
    check(e == EPROTO && first, what);
    check(count_table_200(vconn) == 0,
          "...and none of the accepted messages committed");

    add_flow_mod(&msgs, "table=200,priority=1,in_port=1,actions=drop",
                 OFPFC_ADD);
    add_flow_mod(&msgs, "table=200,priority=2,in_port=2,actions=drop",
                 OFPFC_ADD);
    e = transact(vconn, &msgs, &first);
    check(!e && !first, "a good bundle: committed without error");
    check(count_table_200(vconn) == 2, "...both flows are on the switch");

    add_flow_mod(&msgs, "table=200", OFPFC_DELETE);
    e = transact(vconn, &msgs, &first);
    check(!e && count_table_200(vconn) == 0, "a delete bundle: table empty");

    vconn_close(vconn);
    return failures ? 1 : 0;
}
