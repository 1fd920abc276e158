/* SPDX-License-Identifier: Apache-2.0 */
/* rt-switch.c -- the OpenFlow side of ovs-flowd, one bridge at a time:
 * two connections to the bridge's management socket (one synchronous for
 * dumps and bundles, one that receives the packet-ins of logged drops),
 * the drop-log meter, the bridge's fragment handling, the audit of our
 * flows, the NAT next hop's ARP probe.  Syncing the flows over these connections is rt-sync.c's. */
#include <config.h>

#include "rt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byte-order.h"
#include "coverage.h"
#include "dp-packet.h"
#include "openvswitch/ofp-actions.h"
#include "packets.h"
#include "dirs.h"
#include "model.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-meter.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-packet.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofp-switch.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vconn.h"
#include "openvswitch/vlog.h"
#include "pipe.h"
#include "openvswitch/poll-loop.h"
#include "socket-util.h"
#include "timeval.h"
#include "topo.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rt_switch);

/* Audits told by the tables' counts alone, and audits that had the switch
 * count our flows (see rt_switch_audit()). */
COVERAGE_DEFINE(rt_audit_by_tables);
COVERAGE_DEFINE(rt_audit_counted);

/* How long to wait between connection attempts. */
#define RECONNECT_MS 500

/* How often a bridge in sync is audited (rt_switch_set_audit()) and
 * verified (rt_switch_set_verify()). */
static long long int audit_ms = 10000;
static long long int verify_ms = 300000;

void
rt_bridge_set_error(struct rt_bridge *b, char *msg)
{
    free(b->last_error);
    b->last_error = msg;
}

void
rt_switch_disconnect(struct rt_bridge *b, const char *why)
{
    if (b->ctl || b->mon) {
        VLOG_WARN("bridge %s: OpenFlow connection lost (%s); the switch "
                  "keeps its flows, reconnecting", b->name, why);
    }
    vconn_close(b->ctl);
    vconn_close(b->mon);
    b->ctl = b->mon = NULL;
    b->need_dump = true;
    rt_bridge_forget_early(b);
    b->in_sync = false;
    b->audit_known = false;
    b->next_connect = time_msec() + RECONNECT_MS;
}

/* Sends 'msg' on 'vconn' and waits for a reply only if it is an error;
 * returns the OpenFlow error, 0, or -errno. */
static int
transact(struct vconn *vconn, struct ofpbuf *msg)
{
    struct ofpbuf *reply = NULL;
    int error = vconn_transact_noreply(vconn, msg, &reply);

    if (error) {
        return -error;
    }
    if (reply) {
        enum ofperr e = ofperr_decode_msg(reply->data, NULL);
        ofpbuf_delete(reply);
        return e ? e : -EPROTO;
    }
    return 0;
}

void
rt_switch_install_meter(struct rt_bridge *b)
{
    char *spec = pipe_meters(b->br);
    enum ofputil_protocol usable;
    struct ofputil_meter_mod mm;
    char *error;
    int e;

    if (!*spec) {
        free(spec);
        return;
    }
    spec[strcspn(spec, "\n")] = '\0';
    error = parse_ofp_meter_mod_str(&mm, spec, OFPMC13_ADD, &usable);
    if (error) {
        VLOG_ERR("bridge %s: meter \"%s\": %s", b->name, spec, error);
        free(error);
        free(spec);
        return;
    }
    e = transact(b->ctl, ofputil_encode_meter_mod(
                     vconn_get_version(b->ctl), &mm));
    if (e == OFPERR_OFPMMFC_METER_EXISTS) {
        mm.command = OFPMC13_MODIFY;
        e = transact(b->ctl, ofputil_encode_meter_mod(
                         vconn_get_version(b->ctl), &mm));
    }
    if (e) {
        VLOG_WARN("bridge %s: meter \"%s\" refused (%s); drops are still "
                  "dropped, their log is not rate-limited", b->name, spec,
                  e > 0 ? ofperr_to_string(e) : ovs_strerror(-e));
    }
    free(mm.meter.bands);
    free(spec);
}

/* Reads the switch configuration as 'vconn' sees it into '*config' (the
 * fragment handling is the bridge's, the rest the connection's).  Returns
 * 0 or a positive errno. */
static int
get_config(struct vconn *vconn, struct ofputil_switch_config *config)
{
    struct ofpbuf *reply;
    enum ofptype type;
    int error;

    error = vconn_transact(vconn, ofpraw_alloc(OFPRAW_OFPT_GET_CONFIG_REQUEST,
                                               vconn_get_version(vconn), 0),
                           &reply);
    if (error) {
        return error;
    }
    if (ofptype_decode(&type, reply->data)
        || type != OFPTYPE_GET_CONFIG_REPLY) {
        ofpbuf_delete(reply);
        return EPROTO;
    }
    ofputil_decode_get_config_reply(reply->data, config);
    ofpbuf_delete(reply);
    return 0;
}

/* Asks the switch to send packet-ins on 'mon', as `ovs-ofctl monitor`
 * does: a management connection gets asynchronous messages only with a
 * nonzero miss_send_len. */
static int
enable_packet_ins(struct vconn *mon)
{
    enum ofp_version v = vconn_get_version(mon);
    struct ofputil_switch_config config;
    int error;

    error = get_config(mon, &config);
    if (error) {
        return error;
    }
    config.miss_send_len = UINT16_MAX;
    error = vconn_send_block(mon, ofputil_encode_set_config(&config, v));
    if (!error) {
        /* NXT_PACKET_IN2 also carries the controller action's userdata. */
        transact(mon, ofputil_encode_set_packet_in_format(
                     v, OFPUTIL_PACKET_IN_NXT2));
    }
    return error;
}

/* Makes the fragment handling of b's bridge "nx-match", over b->ctl.  In
 * OpenFlow's "normal" mode, the default, the switch shows every fragment,
 * first ones included, with zero ports and ICMP type: a fragmented RA,
 * DHCP offer or NS would pass the guards that match them, and the
 * pipeline's fragment guard then drops every first fragment of UDP and
 * ICMPv6 instead (see fragment_guard() in pipe-guard.c).  The mode is the
 * bridge's, not the connection's (what else GET_CONFIG returns is ours and
 * is set back unchanged); ovs-vswitchd forgets it when it restarts.
 * 'behind_back' says whether a mode other than nx-match means another
 * client changed it (the audit) or is the switch's default (connecting).
 * Returns 0 or a positive errno. */
static int
ensure_frag_handling(struct rt_bridge *b, bool behind_back)
{
    enum ofp_version v = vconn_get_version(b->ctl);
    struct ofputil_switch_config config;
    int error;

    error = get_config(b->ctl, &config);
    if (error || config.frag == OFPUTIL_FRAG_NX_MATCH) {
        return error;
    }

    const char *was = ofputil_frag_handling_to_string(config.frag);
    config.frag = OFPUTIL_FRAG_NX_MATCH;
    int e = transact(b->ctl, ofputil_encode_set_config(&config, v));
    if (e < 0) {
        return -e;
    } else if (e) {
        VLOG_ERR("bridge %s: the switch refused fragment handling "
                 "\"nx-match\" (%s): the guards drop every first fragment "
                 "of UDP and ICMPv6", b->name, ofperr_to_string(e));
    } else if (behind_back) {
        VLOG_WARN("bridge %s: fragment handling was changed to \"%s\" "
                  "behind ovs-flowd's back; set back to \"nx-match\"",
                  b->name, was);
        b->n_tampered++;
    } else {
        VLOG_INFO("bridge %s: fragment handling set to \"nx-match\" "
                  "(was \"%s\")", b->name, was);
    }
    return 0;
}

/* Sends flow mod 'text' (ovs-ofctl syntax) of 'command' on b->ctl.
 * Returns the OpenFlow error, 0, or -errno. */
static int
send_flow_mod(struct rt_bridge *b, const char *text, int command)
{
    enum ofputil_protocol usable;
    struct ofputil_flow_mod fm;
    char *error = parse_ofp_flow_mod_str(&fm, text, NULL, NULL, command,
                                         &usable);
    if (error) {
        VLOG_ERR("\"%s\": %s", text, error);     /* A bug. */
        free(error);
        return -EINVAL;
    }
    int e = transact(b->ctl, ofputil_encode_flow_mod(&fm, OFPUTIL_P_OF15_OXM));
    minimatch_destroy(&fm.match);
    free(CONST_CAST(struct ofpact *, fm.ofpacts));
    return e;
}

/* Asks whether b's switch takes flows that set the ND extension fields,
 * which the ND responder's answers need (see pipe_nd_ext): OVS refuses
 * them on a datapath without these extensions (the Linux kernel's), also
 * when `ovs-appctl dpif/set-dp-features BRIDGE nd_ext false` says so.  By
 * adding one such flow to table 253, which no flow of the pipeline
 * resubmits to, with a cookie that is not ovs-flowc's, and deleting it at
 * once.  Sets b->nd_ext; a change from what the last build assumed makes
 * the next build a full one.  Returns 0 or a positive errno. */
static int
probe_nd_ext(struct rt_bridge *b)
{
    static const char probe[] = "table=253,priority=0,"
        "cookie=0xfd00000000000001,icmp6,icmp_type=136,"
        "actions=set_field:0->nd_reserved";
    static const char del[] = "table=253,cookie=0xfd00000000000001/-1";
    enum pipe_nd_ext was = b->nd_ext;
    int e = send_flow_mod(b, probe, OFPFC_ADD);

    if (e < 0) {
        return -e;
    } else if (!e) {
        b->nd_ext = PIPE_ND_EXT_YES;
        e = send_flow_mod(b, del, OFPFC_DELETE);
        if (e < 0) {
            return -e;
        }
    } else if (e == OFPERR_OFPBAC_BAD_SET_ARGUMENT) {
        b->nd_ext = PIPE_ND_EXT_NO;
    } else {
        VLOG_WARN("bridge %s: asking whether the datapath has ND extensions: "
                  "%s; going by its datapath_type", b->name,
                  ofperr_to_string(e));
        b->nd_ext = PIPE_ND_EXT_AUTO;
    }
    if (b->nd_ext != was) {
        VLOG_INFO("bridge %s: %s", b->name,
                  b->nd_ext == PIPE_ND_EXT_YES
                  ? "the switch answers neighbor solicitations"
                  : b->nd_ext == PIPE_ND_EXT_NO
                  ? "the datapath has no ND extensions: neighbor "
                    "solicitations go to the address's owner alone"
                  : "ND answers as the datapath_type says");
        rt_bridge_forget_builds(b);
    }
    return 0;
}

/* Returns the path of b's management socket (malloc'd). */
static char *
mgmt_path(const struct rt_bridge *b)
{
    return xasprintf("%s/%s.mgmt", ovs_rundir(), b->name);
}

char *
rt_switch_target(const struct rt_bridge *b)
{
    char *path = mgmt_path(b);
    char *name = xasprintf("unix:%s", path);

    free(path);
    return name;
}

/* Opens the packet-in connection 'b->mon' to management socket 'name'. */
static int
open_monitor(struct rt_bridge *b, const char *name)
{
    int error = vconn_open_block(name, 1u << OFP15_VERSION, DSCP_DEFAULT,
                                 2000, &b->mon);
    if (!error) {
        error = enable_packet_ins(b->mon);
    }
    return error;
}

/* The switch closed the packet-in connection alone: typically its
 * inactivity probe went unanswered while a huge bundle kept us busy on
 * the other connection.  Reopens it without touching the flows;
 * returns false if that failed. */
static bool
reopen_monitor(struct rt_bridge *b)
{
    char *name;
    struct ofpbuf *reply;
    int error;

    /* Only if the switch is still the one 'ctl' talks to (a restarted
     * switch has lost our flows: that needs the full reconnection). */
    error = vconn_transact(b->ctl, ofputil_encode_echo_request(
                               vconn_get_version(b->ctl)), &reply);
    if (error) {
        return false;
    }
    ofpbuf_delete(reply);
    vconn_close(b->mon);
    b->mon = NULL;
    name = rt_switch_target(b);
    error = open_monitor(b, name);
    free(name);
    if (error) {
        vconn_close(b->mon);
        b->mon = NULL;
        return false;
    }
    VLOG_INFO("bridge %s: packet-in connection reopened", b->name);
    return true;
}

/* Whether OVSDB's contents have not arrived yet (rt_switch_run()'s
 * argument, for rt_switch_connect_due()). */
static bool db_pending;

bool
rt_switch_connect_due(const struct rt_bridge *b)
{
    if (!b->br || b->ctl || time_msec() < b->next_connect) {
        return false;
    }
    if (!b->in_db) {
        /* Until OVSDB's contents arrive, a bridge whose management socket
         * exists is connected already (and its meter made); it is read
         * back once they are there, while its flows are built. */
        char *path = db_pending ? mgmt_path(b) : NULL;
        bool exists = path && !access(path, F_OK);

        free(path);
        return exists;
    }
    return true;
}

bool
rt_switch_connect(struct rt_bridge *b)
{
    char *name = rt_switch_target(b);
    uint32_t versions = 1u << OFP15_VERSION;
    int error;

    error = vconn_open_block(name, versions, DSCP_DEFAULT, 2000, &b->ctl);
    if (!error) {
        error = open_monitor(b, name);
    }
    if (!error) {
        error = ensure_frag_handling(b, false);
    }
    if (!error) {
        error = probe_nd_ext(b);
    }
    if (error) {
        rt_bridge_set_error(b, xasprintf("connecting to %s: %s", name,
                               ovs_strerror(error)));
        VLOG_DBG("bridge %s: %s", b->name, b->last_error);
        vconn_close(b->ctl);
        vconn_close(b->mon);
        b->ctl = b->mon = NULL;
        b->next_connect = time_msec() + RECONNECT_MS;
        free(name);
        return false;
    }
    VLOG_INFO("bridge %s: connected to %s", b->name, name);
    free(name);
    b->need_dump = true;
    b->retry_ms = 0;
    rt_switch_install_meter(b);
    return true;
}

static void
receive_packet_ins(struct rt_bridge *b, const struct topo *t)
{
    for (int i = 0; i < 50 && b->mon; i++) {
        struct ofpbuf *msg;
        enum ofptype type;
        int error = vconn_recv(b->mon, &msg);

        if (error == EAGAIN) {
            break;
        } else if (error == EOF && reopen_monitor(b)) {
            break;
        } else if (error) {
            rt_switch_disconnect(b, error == EOF ? "switch closed the connection"
                                       : ovs_strerror(error));
            break;
        }
        if (!ofptype_decode(&type, msg->data)) {
            if (type == OFPTYPE_PACKET_IN) {
                rt_log_packet_in(b, t, msg->data);
            } else if (type == OFPTYPE_ECHO_REQUEST) {
                vconn_send(b->mon, ofputil_encode_echo_reply(msg->data));
            }
        }
        ofpbuf_delete(msg);
    }
}

/* For a NAT without next_hop.mac: asks the next hop for its MAC, every
 * 10 s, with an ARP request from the NAT address and the gateway's MAC
 * out of the uplink; the flows' learn action (table 40) takes the answer
 * into table 47.  Repeating keeps up with a router that changes. */
static void
probe_next_hop(struct rt_bridge *b)
{
    const struct topo_nat *nat = b->br->nat;
    struct ofputil_packet_out po;
    struct ofpbuf ofpacts;
    struct dp_packet packet;
    struct eth_addr sha;
    ovs_be32 spa, tpa;
    unsigned int uplink;

    if (!nat || nat->has_next_hop_mac || !nat->uplink
        || time_msec() < b->next_arp) {
        return;
    }
    uplink = b->ofports[nat->uplink->index];
    if (!uplink) {
        return;
    }
    b->next_arp = time_msec() + 10000;
    memcpy(sha.ea, nat->gateway_mac.b, ETH_ADDR_LEN);
    memcpy(&spa, nat->address.b, 4);
    memcpy(&tpa, nat->next_hop_ip.b, 4);
    dp_packet_init(&packet, 0);
    compose_arp(&packet, ARP_OP_REQUEST, sha, eth_addr_zero, true, spa, tpa);

    ofpbuf_init(&ofpacts, 64);
    ofpact_put_OUTPUT(&ofpacts)->port = u16_to_ofp(uplink);
    memset(&po, 0, sizeof po);
    po.packet = dp_packet_data(&packet);
    po.packet_len = dp_packet_size(&packet);
    po.buffer_id = UINT32_MAX;
    match_init_catchall(&po.flow_metadata);
    match_set_in_port(&po.flow_metadata, OFPP_CONTROLLER);
    po.ofpacts = ofpacts.data;
    po.ofpacts_len = ofpacts.size;
    vconn_send(b->ctl, ofputil_encode_packet_out(&po, OFPUTIL_P_OF15_OXM));
    VLOG_DBG("bridge %s: ARP request for the NAT next hop sent", b->name);
    ofpbuf_uninit(&ofpacts);
    dp_packet_uninit(&packet);
}

void
rt_switch_set_audit(int seconds)
{
    audit_ms = seconds * 1000LL;
}

void
rt_switch_schedule_audit(struct rt_bridge *b)
{
    b->next_audit = time_msec() + audit_ms;
}

void
rt_switch_set_verify(int seconds)
{
    verify_ms = seconds * 1000LL;
}

void
rt_switch_schedule_verify(struct rt_bridge *b)
{
    b->next_verify = time_msec() + verify_ms;
    b->need_verify = false;
    b->verify_from = 0;
    b->verify_slice = 0;
    b->verify_slices = 0;
    b->verify_abandoned = 0;
}

/* Every 'audit_ms', while 'b' is in sync: if the switch does not hold as
 * many flows of ours as ovs-flowd installed, someone deleted or added
 * some behind its back (`ovs-ofctl del-flows`, a meter deleted with the
 * flows that use it, a stale replace-flows): read back and sync.  Every
 * 'verify_ms', the flows are dumped and digested as well (in a thread of
 * rt-work.c's, see rt_sync_bridge()): a flow modified in place keeps the
 * count.
 *
 * Counting ours is an aggregate over every flow of ours, which costs
 * ovs-vswitchd's main loop a pass over them (0.11-0.14 s at 503k flows,
 * against 6 ms for the tables' counts), and the audit waits for it (when
 * it ran in ovs-flowd's main loop, at 50k ports on two bridges, three
 * ports of 100 had their ofport seen 0.5-0.6 s late).  So the audit
 * first asks for the count of each table, which the switch keeps: if every
 * table holds, beside the flows installed there, as many of others as
 * when ours were last counted and found right, nothing was added or
 * deleted (short of an equal number of ours deleted and of others' added
 * in one table between two audits, which the verification sees).  Only a
 * table whose count moved has ours counted again.
 *
 * Even the tables' counts wait for ovs-vswitchd's main loop, which at
 * 100k ports spends seconds on each port added: an audit in ovs-flowd's
 * main loop held OVSDB and every other bridge's port updates for up to
 * 7.3 s (BENCHMARKS.md).  So the main loop only says an audit is due
 * (audit_due()); the round trips run in the bridge's thread
 * (rt_switch_audit(), from rt_sync_bridge()). */
static void
audit_due(struct rt_bridge *b)
{
    /* The coverage counters of the audits b's threads did: a thread's
     * own counts would reach the totals only in its poll loop, which the
     * work threads do not have. */
    for (; b->audits_by_tables; b->audits_by_tables--) {
        COVERAGE_INC(rt_audit_by_tables);
    }
    for (; b->audits_counted; b->audits_counted--) {
        COVERAGE_INC(rt_audit_counted);
    }
    if (!b->ctl || !b->in_db || !b->in_sync || b->need_dump
        || b->need_sync) {
        return;
    }
    if (verify_ms && b->next_verify && time_msec() >= b->next_verify) {
        b->need_verify = true;
    }
    if (audit_ms && time_msec() >= b->next_audit) {
        rt_switch_schedule_audit(b);
        b->need_audit = true;
    }
}

void
rt_switch_audit(struct rt_bridge *b)
{
    const struct rt_table *installed = &b->installed;
    long long int start = time_msec();
    int64_t others[256];
    uint32_t counts[256];
    int tables_error, error;
    uint32_t n;

    b->need_audit = false;
    error = ensure_frag_handling(b, true);
    if (error) {
        rt_switch_disconnect(b, ovs_strerror(error));
        return;
    }
    tables_error = rt_count_tables(b->ctl, NULL, counts);
    if (tables_error && tables_error != EPROTO) {
        rt_switch_disconnect(b, ovs_strerror(tables_error));
        return;
    }
    for (size_t i = 0; i < 256; i++) {
        others[i] = (int64_t) counts[i] - installed->n_in_table[i];
    }
    if (!tables_error && b->audit_known
        && !memcmp(others, b->audit_others, sizeof others)) {
        b->audits_by_tables++;
        VLOG_DBG("bridge %s: audit by table counts, %lld ms", b->name,
                 time_msec() - start);
        return;
    }
    b->audits_counted++;
    error = rt_count_ours(b->ctl, &n);
    if (error) {
        rt_switch_disconnect(b, ovs_strerror(error));
    } else if (n != rt_table_count(installed)) {
        VLOG_WARN("bridge %s: the switch holds %"PRIu32" flows of ours, "
                  "%"PRIuSIZE" were installed: changed behind ovs-flowd's "
                  "back; reading back and syncing", b->name, n,
                  rt_table_count(installed));
        b->need_dump = true;
        b->n_tampered++;
    } else {
        /* The flows of others changed, or the first audit; a switch
         * without table statistics (EPROTO) always has ours counted. */
        memcpy(b->audit_others, others, sizeof others);
        b->audit_known = !tables_error;
    }
    VLOG_DBG("bridge %s: audit with our flows counted, %lld ms", b->name,
             time_msec() - start);
}

void
rt_switch_run(struct rt_bridge *b, const struct topo *t, bool db_pending_)
{
    db_pending = db_pending_;
    if (!b->br || !b->ctl) {
        return;                 /* Connected by rt-work.c's thread. */
    }
    vconn_run(b->ctl);
    vconn_run(b->mon);
    audit_due(b);
    if (b->ctl) {
        probe_next_hop(b);
    }
    receive_packet_ins(b, t);
}

void
rt_switch_wait(struct rt_bridge *b)
{
    if (!b->in_db || !b->br) {
        return;
    }
    if (!b->ctl) {
        poll_timer_wait_until(b->next_connect);
        return;
    }
    if (b->need_dump && b->retry_ms) {
        poll_timer_wait_until(b->retry_at);
    } else if (b->need_sync || b->need_dump || b->need_verify
               || b->need_audit) {
        poll_immediate_wake();
    } else if (b->in_sync) {
        if (audit_ms) {
            poll_timer_wait_until(b->next_audit);
        }
        if (verify_ms && b->next_verify) {
            poll_timer_wait_until(b->next_verify);
        }
    }
    if (b->br->nat && !b->br->nat->has_next_hop_mac) {
        poll_timer_wait_until(b->next_arp);
    }
    if (b->mon) {
        vconn_run_wait(b->mon);
        vconn_recv_wait(b->mon);
    }
}

void
rt_bridge_format_status(const struct rt_bridge *b, struct ds *s)
{
    ds_put_format(s, "%s, %s, flows desired %"PRIuSIZE" installed %"PRIuSIZE
                  ", flow mods sent %"PRIu64", syncs %"PRIu64,
                  !b->br ? "left the topology"
                  : b->in_db ? "in ovsdb" : "not in ovsdb",
                  b->ctl ? "connected" : "not connected",
                  (b->desired_deferred ? b->saved.n
                   : rt_table_count(&b->desired)),
                  rt_bridge_n_installed(b), b->n_flow_mods, b->n_syncs);
    if (b->last_sync) {
        ds_put_format(s, ", last sync ");
        ds_put_strftime_msec(s, "%Y-%m-%dT%H:%M:%S.###Z", b->last_sync, true);
        ds_put_format(s, " (%lld ms)", b->last_sync_ms);
    }
    if (b->last_verify) {
        ds_put_format(s, ", last verified ");
        ds_put_strftime_msec(s, "%Y-%m-%dT%H:%M:%S.###Z", b->last_verify,
                             true);
    }
    if (b->n_tampered) {
        ds_put_format(s, ", changed behind our back %"PRIu64" times",
                      b->n_tampered);
    }
    if (b->last_error) {
        ds_put_format(s, ", last error: %s", b->last_error);
    }
}

void
rt_bridge_destroy(struct rt_bridge *b)
{
    struct rt_counter *c;

    vconn_close(b->ctl);
    vconn_close(b->mon);
    rt_table_destroy(&b->desired);
    rt_table_destroy(&b->installed);
    HMAP_FOR_EACH_POP (c, node, &b->counters) {
        free(c);
    }
    hmap_destroy(&b->counters);
    shash_destroy(&b->bind_by_name);
    shash_destroy(&b->bind_by_id);
    free(b->ofports);
    free(b->built_ofports);
    free(b->deferred_ofports);
    free(b->early_ofports);
    free(b->bound);
    free(b->ifaces);
    free(b->last_error);
    free(b->name);
    free(b);
}
