/* SPDX-License-Identifier: Apache-2.0 */
/* rt-switch.c -- the OpenFlow side of ovs-flowd, one bridge at a time:
 * two connections to the bridge's management socket (one synchronous for
 * dumps and bundles, one that receives the packet-ins of logged drops),
 * the drop-log meter, reading back the installed flows, and syncing the
 * difference in one atomic, ordered bundle (see rt.h), or loading a
 * bridge that holds none of our flows over several connections behind a
 * guard flow (rt-bulk.c). */
#include <config.h>

#include "rt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byte-order.h"
#include "dp-packet.h"
#include "openvswitch/ofp-actions.h"
#include "packets.h"
#include "dirs.h"
#include "model.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/ofp-bundle.h"
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
#include "latch.h"
#include "ovs-thread.h"
#include "pipe.h"
#include "openvswitch/poll-loop.h"
#include "socket-util.h"
#include "timeval.h"
#include "topo.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(rt_switch);

/* How long to wait between connection attempts. */
#define RECONNECT_MS 500

/* How often a bridge in sync is audited (rt_switch_set_audit()). */
static long long int audit_ms = 10000;

/* From how many flow mods on an empty bridge is loaded over several
 * connections (rt_switch_set_bulk_load()); 0: never. */
static size_t bulk_min = 2048;

static void
set_error(struct rt_bridge *b, char *msg)
{
    free(b->last_error);
    b->last_error = msg;
}

static void
disconnect(struct rt_bridge *b, const char *why)
{
    if (b->ctl || b->mon) {
        VLOG_WARN("bridge %s: OpenFlow connection lost (%s); the switch "
                  "keeps its flows, reconnecting", b->name, why);
    }
    vconn_close(b->ctl);
    vconn_close(b->mon);
    b->ctl = b->mon = NULL;
    b->need_dump = true;
    b->in_sync = false;
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

/* Installs meter 1 at the bridge's log rate (add, or modify if it
 * exists).  Meters cannot go inside bundles. */
static void
install_meter(struct rt_bridge *b)
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

/* Asks the switch to send packet-ins on 'mon', as `ovs-ofctl monitor`
 * does: a management connection gets asynchronous messages only with a
 * nonzero miss_send_len. */
static int
enable_packet_ins(struct vconn *mon)
{
    enum ofp_version v = vconn_get_version(mon);
    struct ofpbuf *reply;
    struct ofputil_switch_config config;
    enum ofptype type;
    int error;

    error = vconn_transact(mon, ofpraw_alloc(OFPRAW_OFPT_GET_CONFIG_REQUEST,
                                             v, 0), &reply);
    if (error) {
        return error;
    }
    if (ofptype_decode(&type, reply->data)
        || type != OFPTYPE_GET_CONFIG_REPLY) {
        ofpbuf_delete(reply);
        return EPROTO;
    }
    ofputil_decode_get_config_reply(reply->data, &config);
    ofpbuf_delete(reply);
    config.miss_send_len = UINT16_MAX;
    error = vconn_send_block(mon, ofputil_encode_set_config(&config, v));
    if (!error) {
        /* NXT_PACKET_IN2 also carries the controller action's userdata. */
        transact(mon, ofputil_encode_set_packet_in_format(
                     v, OFPUTIL_PACKET_IN_NXT2));
    }
    return error;
}

/* Returns the path of b's management socket (malloc'd). */
static char *
mgmt_path(const struct rt_bridge *b)
{
    return xasprintf("%s/%s.mgmt", ovs_rundir(), b->name);
}

/* Returns the vconn name of b's management socket (malloc'd). */
static char *
mgmt_vconn(const struct rt_bridge *b)
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
    name = mgmt_vconn(b);
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

static bool
connect_bridge(struct rt_bridge *b)
{
    char *name = mgmt_vconn(b);
    uint32_t versions = 1u << OFP15_VERSION;
    int error;

    error = vconn_open_block(name, versions, DSCP_DEFAULT, 2000, &b->ctl);
    if (!error) {
        error = open_monitor(b, name);
    }
    if (error) {
        set_error(b, xasprintf("connecting to %s: %s", name,
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
    install_meter(b);
    return true;
}

/* A read-back of our flows into b->installed, in a thread of its own
 * while the desired table is built: reading back is mostly waiting for
 * ovs-vswitchd, building is ovs-flowd's CPU. */
struct readback {
    struct rt_bridge *b;
    pthread_t thread;
    long long int start;        /* When it began (monotonic ms). */
    int error;                  /* rt_dump_ours()'s result. */
};

static void *
readback_thread(void *rb_)
{
    struct readback *rb = rb_;

    rb->error = rt_dump_ours(rb->b->ctl, &rb->b->installed);
    return NULL;
}

/* Starts reading back 'b''s flows into 'rb'.  Until finish_readback(),
 * the thread owns b->ctl and b->installed. */
static void
start_readback(struct rt_bridge *b, struct readback *rb)
{
    if (b->retry_ms) {
        install_meter(b);
    }
    b->in_sync = false;
    *rb = (struct readback) { .b = b, .start = time_msec() };
    rb->thread = ovs_thread_create("readback", readback_thread, rb);
}

/* Waits for 'rb' to end; returns false (and disconnects) if it failed. */
static bool
finish_readback(struct readback *rb)
{
    struct rt_bridge *b = rb->b;

    xpthread_join(rb->thread, NULL);
    if (rb->error) {
        disconnect(b, ovs_strerror(rb->error));
        return false;
    }
    VLOG_INFO("bridge %s: %"PRIuSIZE" of our flows on the switch "
              "(%lld ms reading them back)", b->name,
              rt_table_count(&b->installed), time_msec() - rb->start);
    b->need_dump = false;
    return true;
}

/* Returns which ports of 'b' to rebuild (a malloc'd array indexed like
 * b->br->ports), or NULL for all: the ports whose ofport changed since
 * the last build, unless that build was for another topology or one of
 * them is shared. */
static bool *
changed_ports(const struct rt_bridge *b)
{
    const struct topo_bridge *br = b->br;
    bool *only;

    if (!b->built_ofports) {
        return NULL;
    }
    only = xcalloc(br->n_ports + 1, sizeof *only);
    for (size_t i = 0; i < br->n_ports; i++) {
        if (b->ofports[i] != b->built_ofports[i]) {
            if (pipe_port_is_shared(br, br->ports[i])) {
                free(only);
                return NULL;
            }
            only[i] = true;
        }
    }
    return only;
}

/* Saves the digest of what 'b' holds, if it changed: 'b' is in sync and
 * its desired table built. */
static void
save_digest(struct rt_bridge *b)
{
    struct rt_digest d = {
        .text = b->desired.text_digest,
        .wire = b->installed.wire_digest,
        .n = rt_table_count(&b->installed),
    };

    if (!ovs_u128_equals(d.text, b->saved.text)
        || !ovs_u128_equals(d.wire, b->saved.wire) || d.n != b->saved.n) {
        rt_digest_save(b->name, &d);
        b->saved = d;
    }
}

/* With the read-back '*rbp' running and a full build due: tells from
 * digests alone whether the switch holds what the last sync left and
 * whether that is what 'b' wants now (see rt-digest.c).  If so, 'b' is in
 * sync with its desired table deferred.  Returns true if there is nothing
 * more to do now (in sync, or the read-back failed); false if the flows
 * must be built and compared, with '*rbp' set to NULL if the read-back
 * is over. */
static bool
synced_by_digest(struct rt_bridge *b, const struct model *m,
                 struct readback **rbp, long long int start)
{
    struct readback *rb = *rbp;
    struct rt_digest d;
    ovs_u128 text;
    size_t n;

    if (!rb || b->built_ofports || !rt_digest_load(b->name, &d)) {
        return false;
    }
    rt_table_text_digest(m, b->br, b->ofports, &text, &n);
    if (!ovs_u128_equals(text, d.text) || n != d.n) {
        VLOG_INFO("bridge %s: the flows wanted changed since the last "
                  "sync: comparing every flow", b->name);
        return false;
    }
    *rbp = NULL;
    if (!finish_readback(rb)) {
        return true;
    }
    if (!ovs_u128_equals(b->installed.wire_digest, d.wire)
        || rt_table_count(&b->installed) != d.n) {
        VLOG_INFO("bridge %s: the switch does not hold what the last sync "
                  "left: comparing every flow", b->name);
        return false;
    }
    rt_table_clear(&b->desired);
    b->desired_deferred = true;
    b->saved = d;
    b->in_sync = true;
    b->need_sync = false;
    b->retry_ms = 0;
    b->next_audit = time_msec() + audit_ms;
    b->last_sync = time_wall_msec();
    b->last_sync_ms = time_msec() - start;
    set_error(b, NULL);
    VLOG_INFO("bridge %s: the switch holds every flow wanted, nothing sent "
              "(%"PRIuSIZE" flows, what the last sync left, by their "
              "digests: %lld ms; the flows are parsed at the next change)",
              b->name, d.n, b->last_sync_ms);
    return true;
}

const struct rt_table *
rt_bridge_desired(const struct rt_bridge *b)
{
    return b->desired_deferred ? &b->installed : &b->desired;
}

/* Sends the difference between desired and installed: when the switch
 * holds what the last build wanted ('in_sync'), only the flows that
 * build changed are looked at, so a port coming or going costs its own
 * flows and the bridge-wide ones, not the whole bridge.  If 'rb' is
 * nonnull, a read-back is running: the desired table is built
 * meanwhile, and the read-back waited for before the diff. */
static void
sync_bridge(struct rt_bridge *b, const struct model *m, struct readback *rb)
{
    long long int start = time_msec();
    struct ovs_list msgs = OVS_LIST_INITIALIZER(&msgs);
    struct ovs_list errors = OVS_LIST_INITIALIZER(&errors);
    bool *only = changed_ports(b);
    size_t n_rebuilt = b->br->n_ports;
    struct rt_delta delta;
    struct rt_diff diff;
    bool full_diff;
    char *error;
    size_t n;
    int e;

    if (synced_by_digest(b, m, &rb, start)) {
        free(only);
        return;
    }
    /* Only the changes of this build, if the last one is on the switch. */
    full_diff = !b->in_sync || b->desired_deferred;
    if (only) {
        n_rebuilt = 0;
        for (size_t i = 0; i < b->br->n_ports; i++) {
            n_rebuilt += only[i];
        }
    }
    rt_delta_init(&delta);
    rt_diff_init(&diff);
    error = rt_table_build(&b->desired, m, b->br, b->ofports, only,
                           &delta);
    b->desired_deferred = false;
    free(only);
    free(b->built_ofports);
    b->built_ofports = NULL;
    if (rb && !finish_readback(rb)) {
        free(error);
        rt_delta_destroy(&delta);
        rt_diff_destroy(&diff);
        return;                 /* A full build again after reconnecting. */
    }
    b->need_sync = false;
    if (error) {
        VLOG_ERR("bridge %s: internal error, flows not synced: %s", b->name,
                 error);
        set_error(b, error);
        b->in_sync = false;
        rt_delta_destroy(&delta);
        rt_diff_destroy(&diff);
        return;
    }
    b->built_ofports = xmemdup(b->ofports,
                               (b->br->n_ports + 1) * sizeof *b->ofports);
    long long int built = time_msec();
    n = (full_diff
         ? rt_table_diff(&b->desired, &b->installed, &msgs, &diff)
         : rt_table_diff_delta(&b->desired, &b->installed, &delta, &msgs));
    if (!n) {
        if (!b->in_sync) {
            /* No copy of 'desired' into 'installed': an empty diff means
             * they hold the same flows already. */
            b->in_sync = true;
            VLOG_INFO("bridge %s: the switch holds every flow wanted, "
                      "nothing sent (%lld ms building and comparing)",
                      b->name, time_msec() - start);
        }
        rt_delta_destroy(&delta);
        rt_diff_destroy(&diff);
        b->last_sync = time_wall_msec();
        b->last_sync_ms = time_msec() - start;
        save_digest(b);
        return;
    }
    bool bulk = (bulk_min && !b->in_sync && n >= bulk_min
                 && !rt_table_count(&b->installed));
    size_t n_conns = 1;
    if (bulk) {
        char *target = mgmt_vconn(b);
        e = rt_bulk_load(b->ctl, target, &msgs, n, &errors, &n_conns);
        free(target);
    } else {
        e = rt_bundle_transact(b->ctl, &msgs, OFPBF_ATOMIC | OFPBF_ORDERED,
                               &errors);
    }
    ofpbuf_list_delete(&msgs);
    if (e || !ovs_list_is_empty(&errors)) {
        struct ds s = DS_EMPTY_INITIALIZER;
        struct ofpbuf *err;

        LIST_FOR_EACH (err, list_node, &errors) {
            enum ofperr oe = ofperr_decode_msg(err->data, NULL);
            ds_put_format(&s, "%s%s", s.length ? ", " : "",
                          oe ? ofperr_to_string(oe) : "?");
        }
        ofpbuf_list_delete(&errors);
        rt_delta_destroy(&delta);
        rt_diff_destroy(&diff);
        b->in_sync = false;
        set_error(b, xasprintf("bundle of %"PRIuSIZE" flow mods failed: "
                               "%s", n, s.length ? ds_cstr(&s)
                                                 : ovs_strerror(e)));
        VLOG_ERR("bridge %s: %s; the previous flows stay installed",
                 b->name, b->last_error);
        ds_destroy(&s);
        if (e != EPROTO) {
            disconnect(b, ovs_strerror(e));
        } else {
            /* Retry from what the switch has, with the meter made again
             * (a meter deleted behind our back makes every logged drop
             * refused), but not in a loop: 1 s, 2 s, ... 30 s apart. */
            b->need_dump = true;
            b->retry_ms = MIN(b->retry_ms ? 2 * b->retry_ms : 1000, 30000);
            b->retry_at = time_msec() + b->retry_ms;
            VLOG_INFO("bridge %s: retrying in %d s", b->name,
                      b->retry_ms / 1000);
        }
        return;
    }
    if (!full_diff) {
        rt_table_apply_delta(&b->installed, &b->desired, &delta);
    } else {
        rt_table_apply_diff(&b->installed, &diff);
        b->in_sync = true;
    }
    rt_delta_destroy(&delta);
    rt_diff_destroy(&diff);
    save_digest(b);
    b->retry_ms = 0;
    b->next_audit = time_msec() + audit_ms;
    b->n_flow_mods += n;
    b->n_syncs++;
    b->last_sync = time_wall_msec();
    b->last_sync_ms = time_msec() - start;
    set_error(b, NULL);
    struct ds how = DS_EMPTY_INITIALIZER;
    if (n_conns > 1) {
        ds_put_format(&how, "%"PRIuSIZE" bundles on as many connections, "
                      "behind a guard flow", n_conns);
    } else {
        ds_put_cstr(&how, "one bundle");
    }
    VLOG_INFO("bridge %s: %"PRIuSIZE" flow mods in %s (%lld ms, "
              "%lld of them building; flows of %"PRIuSIZE" of %"PRIuSIZE
              " ports rebuilt), %"PRIuSIZE" flows installed", b->name, n,
              ds_cstr(&how),
              b->last_sync_ms, built - start, n_rebuilt, b->br->n_ports,
              rt_table_count(&b->installed));
    ds_destroy(&how);
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
            disconnect(b, error == EOF ? "switch closed the connection"
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
rt_switch_set_bulk_load(int min)
{
    bulk_min = min;
}

void
rt_switch_set_audit(int seconds)
{
    audit_ms = seconds * 1000LL;
}

/* Every 'audit_ms', while 'b' is in sync: if the switch does not hold as
 * many flows of ours as ovs-flowd installed, someone deleted or added
 * some behind its back (`ovs-ofctl del-flows`, a meter deleted with the
 * flows that use it, a stale replace-flows): read back and sync. */
static void
audit(struct rt_bridge *b)
{
    uint32_t n;
    int error;

    if (!audit_ms || !b->ctl || !b->in_db || !b->in_sync || b->need_dump
        || b->need_sync || time_msec() < b->next_audit) {
        return;
    }
    b->next_audit = time_msec() + audit_ms;
    error = rt_count_ours(b->ctl, &n);
    if (error) {
        disconnect(b, ovs_strerror(error));
    } else if (n != rt_table_count(&b->installed)) {
        VLOG_WARN("bridge %s: the switch holds %"PRIu32" flows of ours, "
                  "%"PRIuSIZE" were installed: changed behind ovs-flowd's "
                  "back; reading back and syncing", b->name, n,
                  rt_table_count(&b->installed));
        b->need_dump = true;
    }
}

void
rt_switch_run(struct rt_bridge *b, const struct topo *t, bool db_pending)
{
    if (!b->br) {
        return;
    }
    if (!b->in_db && !b->ctl) {
        /* Until OVSDB's contents arrive, a bridge whose management socket
         * exists is connected already (and its meter made); it is read
         * back once they are there, while its flows are built. */
        char *path = db_pending ? mgmt_path(b) : NULL;
        bool exists = path && !access(path, F_OK);

        free(path);
        if (!exists) {
            return;
        }
    }
    if (!b->ctl) {
        if (time_msec() < b->next_connect || !connect_bridge(b)) {
            return;
        }
    }
    vconn_run(b->ctl);
    vconn_run(b->mon);
    audit(b);
    if (b->ctl) {
        probe_next_hop(b);
    }
    receive_packet_ins(b, t);
}

/* Whether 'b' has a dump or a sync to do now. */
static bool
work_due(const struct rt_bridge *b)
{
    return (b->br && b->ctl && b->in_db     /* Not before the ofports are. */
            && (b->need_dump || b->need_sync)
            && !(b->need_dump && b->retry_ms && time_msec() < b->retry_at));
}

/* Reads back and syncs 'b': the part of a bridge's run that talks at
 * length to its switch.  Touches only 'b' (and reads 'm'), so it runs for
 * several bridges at once in threads of their own. */
static void
bridge_work(struct rt_bridge *b, const struct model *m)
{
    struct readback rb;

    if (b->need_dump) {
        start_readback(b, &rb);
        sync_bridge(b, m, &rb);
    } else if (b->need_sync) {
        sync_bridge(b, m, NULL);
    }
}

struct work {
    struct rt_bridge *b;
    const struct model *m;
    pthread_t thread;
    struct latch *done;         /* Set when this work is done. */
    bool finished;              /* Written by the thread, read after
                                 * 'done' is seen set. */
};

static void *
work_thread(void *w_)
{
    struct work *w = w_;

    bridge_work(w->b, w->m);
    __atomic_store_n(&w->finished, true, __ATOMIC_RELEASE);
    latch_set(w->done);
    return NULL;
}

/* Whether 'b''s work is more than a small incremental update. */
static bool
work_is_big(const struct rt_bridge *b)
{
    return b->need_dump || !b->in_sync || !b->built_ofports;
}

void
rt_switch_sync_all(struct hmap *bridges, const struct model *m,
                   void (*idle)(void *aux), void (*idle_wait)(void *aux),
                   void *aux)
{
    struct work *works = xmalloc(hmap_count(bridges) * sizeof *works);
    struct rt_bridge *b;
    struct latch done;
    size_t n = 0;
    bool big = false;

    HMAP_FOR_EACH (b, node, bridges) {
        if (work_due(b)) {
            works[n++] = (struct work) { .b = b, .m = m, .done = &done };
            big |= work_is_big(b);
        }
    }
    if (n == 1 && !big) {
        bridge_work(works[0].b, m);     /* A port came or went: at once. */
    } else if (n) {
        /* One thread a bridge: ovs-vswitchd reads at most 50 messages
         * from one connection per main-loop iteration, and an iteration
         * of the userspace datapath costs as much as its ports, so
         * bridges sent in parallel share the iterations; reading back and
         * building use both cores.  Meanwhile this thread keeps OVSDB
         * going ('idle'): its contents arrive while the flows are read
         * back, and a bundle of minutes does not cost the connection. */
        latch_init(&done);
        for (size_t i = 0; i < n; i++) {
            works[i].thread = ovs_thread_create("sync", work_thread,
                                                &works[i]);
        }
        for (;;) {
            size_t left = 0;

            latch_poll(&done);
            for (size_t i = 0; i < n; i++) {
                left += !__atomic_load_n(&works[i].finished,
                                         __ATOMIC_ACQUIRE);
            }
            if (!left) {
                break;
            }
            if (idle) {
                idle(aux);
                idle_wait(aux);
            }
            latch_wait(&done);
            poll_block();
        }
        for (size_t i = 0; i < n; i++) {
            xpthread_join(works[i].thread, NULL);
        }
        latch_destroy(&done);
    }
    free(works);
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
    } else if (b->need_sync || b->need_dump) {
        poll_immediate_wake();
    } else if (audit_ms && b->in_sync) {
        poll_timer_wait_until(b->next_audit);
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
    free(b->ofports);
    free(b->built_ofports);
    free(b->bound);
    free(b->last_error);
    free(b->name);
    free(b);
}
