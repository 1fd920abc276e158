/* SPDX-License-Identifier: Apache-2.0 */
/* rt-taps.c -- --attach-taps: for hosts whose hypervisor creates tap
 * devices without Open vSwitch integration.  ovs-flowd listens to kernel
 * link events (libnl-route-3, RTNLGRP_LINK); when a link named like a
 * topology port appears and OVSDB does not have it yet, it is added to
 * its bridge, and the usual binding then gives it its flows.  Ports bound
 * by iface_id, patch ports and bridges' own interfaces are never touched.
 * (Links are those of ovs-flowd's network namespace.) */
#include <config.h>

#include "rt.h"

#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>
#include <stdlib.h>
#include <string.h>

#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "topo.h"
#include "util.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(rt_taps);

struct rt_taps {
    struct nl_sock *events;     /* Subscribed to link events. */
    struct nl_sock *query;      /* For the link cache. */
    bool dirty;                 /* Links may have appeared. */
};

static int
on_event(struct nl_msg *msg OVS_UNUSED, void *taps_)
{
    struct rt_taps *taps = taps_;
    taps->dirty = true;
    return NL_OK;
}

struct rt_taps *
rt_taps_create(void)
{
    struct rt_taps *taps = xzalloc(sizeof *taps);

    taps->events = nl_socket_alloc();
    taps->query = nl_socket_alloc();
    if (!taps->events || !taps->query
        || nl_connect(taps->events, NETLINK_ROUTE)
        || nl_connect(taps->query, NETLINK_ROUTE)
        || nl_socket_add_membership(taps->events, RTNLGRP_LINK)) {
        VLOG_ERR("--attach-taps: cannot listen to kernel link events");
        rt_taps_destroy(taps);
        return NULL;
    }
    nl_socket_disable_seq_check(taps->events);
    nl_socket_set_nonblocking(taps->events);
    nl_socket_modify_cb(taps->events, NL_CB_VALID, NL_CB_CUSTOM, on_event,
                        taps);
    taps->dirty = true;         /* Look at what exists already. */
    return taps;
}

void
rt_taps_destroy(struct rt_taps *taps)
{
    if (taps) {
        if (taps->events) {
            nl_socket_free(taps->events);
        }
        if (taps->query) {
            nl_socket_free(taps->query);
        }
        free(taps);
    }
}

/* True if OVSDB has an interface named 'name' on any bridge. */
static bool
ovsdb_has_interface(struct ovsdb_idl *idl, const char *name)
{
    const struct ovsrec_interface *iface;

    OVSREC_INTERFACE_FOR_EACH (iface, idl) {
        if (!strcmp(iface->name, name)) {
            return true;
        }
    }
    return false;
}

bool
rt_taps_run(struct rt_taps *taps, struct ovsdb_idl *idl,
            const struct topo *t)
{
    struct nl_cache *cache = NULL;
    struct ovsdb_idl_txn *txn = NULL;
    size_t n = 0;

    while (nl_recvmsgs_default(taps->events) > 0) {
        continue;               /* Drain; on_event() sets 'dirty'. */
    }
    if (!taps->dirty || !ovsdb_idl_has_ever_connected(idl)) {
        return false;
    }
    taps->dirty = false;
    if (rtnl_link_alloc_cache(taps->query, AF_UNSPEC, &cache)) {
        taps->dirty = true;
        return false;
    }
    for (size_t i = 0; i < t->n_bridges; i++) {
        const struct topo_bridge *tb = t->bridges[i];
        const struct ovsrec_bridge *br = NULL, *b;

        OVSREC_BRIDGE_FOR_EACH (b, idl) {
            if (!strcmp(b->name, tb->name)) {
                br = b;
            }
        }
        for (size_t j = 0; br && j < tb->n_ports; j++) {
            const struct topo_port *p = tb->ports[j];
            struct rtnl_link *link;

            if (p->role == TOPO_PATCH || p->iface_id
                || ovsdb_has_interface(idl, p->name)) {
                continue;
            }
            link = rtnl_link_get_by_name(cache, p->name);
            if (!link) {
                continue;
            }
            rtnl_link_put(link);
            if (!txn) {
                txn = ovsdb_idl_txn_create(idl);
                ovsdb_idl_txn_add_comment(txn, "ovs-flowd: attach taps");
            }
            struct ovsrec_interface *iface = ovsrec_interface_insert(txn);
            struct ovsrec_port *port = ovsrec_port_insert(txn);
            ovsrec_interface_set_name(iface, p->name);
            ovsrec_port_set_name(port, p->name);
            ovsrec_port_set_interfaces(port, &iface, 1);
            ovsrec_bridge_update_ports_addvalue(br, port);
            VLOG_INFO("--attach-taps: adding kernel link %s to bridge %s",
                      p->name, tb->name);
            n++;
        }
    }
    nl_cache_free(cache);
    if (txn) {
        enum ovsdb_idl_txn_status status = ovsdb_idl_txn_commit_block(txn);
        if (status != TXN_SUCCESS && status != TXN_UNCHANGED) {
            VLOG_WARN("--attach-taps: OVSDB transaction: %s",
                      ovsdb_idl_txn_status_to_string(status));
            taps->dirty = true;
        }
        ovsdb_idl_txn_destroy(txn);
    }
    return n > 0;
}

void
rt_taps_wait(struct rt_taps *taps)
{
    poll_fd_wait(nl_socket_get_fd(taps->events), POLLIN);
    if (taps->dirty) {
        poll_timer_wait(500);   /* Retry a failed look. */
    }
}
