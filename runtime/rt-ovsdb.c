/* SPDX-License-Identifier: Apache-2.0 */
/* rt-ovsdb.c -- the OVSDB side of ovs-flowd: bridges of the topology are
 * created when asked (--create-bridges), run with fail_mode=secure (if the
 * runtime dies, the flows stay; a port nobody knows gets only drops) and
 * have OpenFlow 1.3 to 1.5 enabled; topology ports are bound to OVS
 * interfaces by name, or by external_ids:iface-id as libvirt sets it, and
 * their ofports followed (see rt.h). */
#include <config.h>

#include "rt.h"

#include <stdlib.h>
#include <string.h>

#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "topo.h"
#include "util.h"
#include "uuid.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(rt_ovsdb);

/* The transaction in progress, if any (one at a time). */
static struct ovsdb_idl_txn *txn;

static const struct ovsrec_bridge *
find_bridge(struct ovsdb_idl *idl, const char *name)
{
    const struct ovsrec_bridge *br;

    OVSREC_BRIDGE_FOR_EACH (br, idl) {
        if (!strcmp(br->name, name)) {
            return br;
        }
    }
    return NULL;
}

static bool
has_protocol(const struct ovsrec_bridge *br, const char *p)
{
    for (size_t i = 0; i < br->n_protocols; i++) {
        if (!strcmp(br->protocols[i], p)) {
            return true;
        }
    }
    return false;
}

/* Adds to 'txn' whatever makes 'br' right: fail_mode=secure and OpenFlow
 * 1.3-1.5 enabled (keeping versions already enabled).  Returns true if it
 * changed anything. */
static bool
configure_bridge(const struct ovsrec_bridge *br)
{
    static const char *const want[] = { "OpenFlow13", "OpenFlow14",
                                        "OpenFlow15" };
    bool changed = false;

    if (!br->fail_mode || strcmp(br->fail_mode, "secure")) {
        ovsrec_bridge_set_fail_mode(br, "secure");
        changed = true;
    }
    bool missing = false;
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        missing |= !has_protocol(br, want[i]);
    }
    if (missing) {
        const char **p = xmalloc((br->n_protocols + 4) * sizeof *p);
        size_t n = 0;
        for (size_t i = 0; i < br->n_protocols; i++) {
            p[n++] = br->protocols[i];
        }
        for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
            if (!has_protocol(br, want[i])) {
                p[n++] = want[i];
            }
        }
        ovsrec_bridge_set_protocols(br, p, n);
        free(p);
        changed = true;
    }
    return changed;
}

/* Adds the creation of bridge 'tb' to 'txn', as `ovs-vsctl add-br` does
 * (with its internal port), already configured. */
static void
create_bridge(struct ovsdb_idl *idl, const struct topo_bridge *tb,
              const struct rt_ovsdb_options *opt)
{
    const struct ovsrec_open_vswitch *ovs = ovsrec_open_vswitch_first(idl);
    struct ovsrec_interface *iface;
    struct ovsrec_port *port;
    struct ovsrec_bridge *br;
    static const char *protocols[] = { "OpenFlow10", "OpenFlow13",
                                       "OpenFlow14", "OpenFlow15" };

    if (!ovs) {
        return;
    }
    iface = ovsrec_interface_insert(txn);
    ovsrec_interface_set_name(iface, tb->name);
    ovsrec_interface_set_type(iface, "internal");
    port = ovsrec_port_insert(txn);
    ovsrec_port_set_name(port, tb->name);
    ovsrec_port_set_interfaces(port, &iface, 1);
    br = ovsrec_bridge_insert(txn);
    ovsrec_bridge_set_name(br, tb->name);
    ovsrec_bridge_set_ports(br, &port, 1);
    ovsrec_bridge_set_fail_mode(br, "secure");
    ovsrec_bridge_set_protocols(br, protocols, ARRAY_SIZE(protocols));
    ovsrec_bridge_set_datapath_type(br, opt->datapath_type
                                    ? opt->datapath_type
                                    : tb->datapath_type);
    ovsrec_open_vswitch_update_bridges_addvalue(ovs, br);
    VLOG_INFO("creating bridge %s (datapath %s)", tb->name,
              opt->datapath_type ? opt->datapath_type : tb->datapath_type);
}

/* Indexes b's topology ports by what binds them, once per topology. */
static void
index_topology(struct rt_bridge *b)
{
    if (b->bind_br == b->br) {
        return;
    }
    shash_clear(&b->bind_by_name);
    shash_clear(&b->bind_by_id);
    for (size_t i = 0; i < b->br->n_ports; i++) {
        const struct topo_port *p = b->br->ports[i];

        shash_add_once(p->iface_id ? &b->bind_by_id : &b->bind_by_name,
                       p->iface_id ? p->iface_id : p->name, p);
    }
    b->bind_br = b->br;
}

/* How many changes of a port's binding or ofport rt_ovsdb_run() logs one
 * by one at INFO level; the others go at DBG level and are counted in
 * one line: a restart, or ovs-vswitchd's, binds every port at once, and
 * a bridge can have 50k. */
#define BINDINGS_LOGGED 64
static size_t log_left;         /* Lines left to log at INFO level. */
static size_t n_unlogged;       /* Changes logged at DBG level only. */

/* Records that port 'i' of 'b' is bound to 'iface' (NULL: none) as
 * 'bound', 'taken_by' being the port whose iface-id took the interface of
 * its name (RT_TAKEN only), and the interface's ofport.  Logs a change and
 * returns true if anything changed. */
static bool
set_binding(struct rt_bridge *b, size_t i,
            const struct ovsrec_interface *iface, enum rt_binding bound,
            const struct topo_port *taken_by)
{
    const struct topo_port *p = b->br->ports[i];
    unsigned int ofport = 0;
    bool changed = false;

    if (bound == RT_BOUND && iface->n_ofport && iface->ofport[0] > 0
        && iface->ofport[0] < 0xff00) {
        ofport = iface->ofport[0];
    }
    if (ofport != b->ofports[i] || bound != b->bound[i]) {
        enum vlog_level level = log_left ? VLL_INFO : VLL_DBG;

        if (log_left) {
            log_left--;
        } else {
            n_unlogged++;
        }
        if (ofport) {
            VLOG(level, "bridge %s: port %s is ofport %u (interface %s)",
                 b->name, p->name, ofport, iface->name);
        } else if (bound == RT_TAKEN) {
            VLOG_WARN("bridge %s: port %s is not bound: interface %s "
                      "carries the iface-id of port %s", b->name, p->name,
                      p->name, taken_by->name);
        } else {
            VLOG(level, "bridge %s: port %s %s", b->name, p->name,
                 iface ? "has no ofport yet" : "is not on the switch");
        }
        changed = true;
    }
    b->ofports[i] = ofport;
    b->bound[i] = bound;
    b->ifaces[i] = bound == RT_BOUND ? iface->header_.uuid : UUID_ZERO;
    return changed;
}

/* Of interfaces 'a' (found first) and 'c', which both carry the iface-id
 * of port 'p' of 'b', returns the one 'p' is to be bound to: the one it is
 * bound to already, or else 'a' (the first in OVS's order, which is no
 * order an operator chose: the UUIDs').  A second interface must not
 * take a guest's flows because its UUID sorts first.  Warns, at most
 * once a minute, since this runs at every change of bindings. */
static const struct ovsrec_interface *
dup_iface_id(const struct rt_bridge *b, const struct topo_port *p,
             const struct ovsrec_interface *a,
             const struct ovsrec_interface *c)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 1);
    const struct ovsrec_interface *keep = a, *other = c;

    if (b->bound[p->index] == RT_BOUND
        && uuid_equals(&b->ifaces[p->index], &c->header_.uuid)) {
        keep = c;
        other = a;
    }
    VLOG_WARN_RL(&rl, "bridge %s: interfaces %s and %s both carry the "
                 "iface-id of port %s: it stays bound to %s, %s gets no "
                 "flows of it", b->name, a->name, c->name, p->name,
                 keep->name, other->name);
    return keep;
}

/* Binds b's topology ports to the interfaces of 'br': a port with an
 * iface-id to the interface whose external_ids:iface-id it is (of two,
 * see dup_iface_id()), the others to the interface of their name.  An
 * interface binds to one port: when the interface of a port's
 * name carries another port's iface-id, the iface-id wins (it is what
 * libvirt set for this very interface) and the port of that name stays
 * unbound, with a warning, rather than both being pinned to one
 * interface; likewise when a second interface carries the iface-id.
 * (The check makes iface-ids unique in a topology.)
 *
 * One pass over the interfaces with lookups in an index of the
 * topology, no allocation per interface: it runs at every OVSDB change
 * that can move a binding (see bindings_may_change()), on bridges of
 * thousands of ports. */
static void
bind_ports(struct rt_bridge *b, const struct ovsrec_bridge *br)
{
    const struct ovsrec_interface **found;
    const struct topo_port **taken_by;
    bool changed = !b->in_db;

    b->rebind = false;
    index_topology(b);
    found = xcalloc(b->br->n_ports + 1, sizeof *found);
    taken_by = xcalloc(b->br->n_ports + 1, sizeof *taken_by);
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct ovsrec_port *port = br->ports[i];
        for (size_t j = 0; j < port->n_interfaces; j++) {
            const struct ovsrec_interface *iface = port->interfaces[j];
            const char *id = smap_get(&iface->external_ids, "iface-id");
            const struct topo_port *by_id, *by_name;

            by_id = id ? shash_find_data(&b->bind_by_id, id) : NULL;
            by_name = shash_find_data(&b->bind_by_name, iface->name);
            if (by_id) {
                found[by_id->index] = (found[by_id->index]
                                       ? dup_iface_id(b, by_id,
                                                      found[by_id->index],
                                                      iface)
                                       : iface);
                /* Whether bound to it or not, an interface carrying a
                 * port's iface-id is that port's, never its name's. */
                if (by_name) {
                    taken_by[by_name->index] = by_id;
                }
            } else if (by_name) {
                found[by_name->index] = iface;
            }
        }
    }
    b->in_db = true;
    for (size_t i = 0; i < b->br->n_ports; i++) {
        enum rt_binding bound = (taken_by[i] ? RT_TAKEN
                                 : found[i] ? RT_BOUND : RT_UNBOUND);

        changed |= set_binding(b, i, found[i], bound, taken_by[i]);
    }
    free(taken_by);
    free(found);
    if (changed) {
        b->need_sync = true;
    }
}

/* Returns true if the changes the IDL tracked since they were last
 * cleared can bind a port to another interface or none: a bridge or
 * port inserted or deleted, a bridge's ports or a port's interfaces
 * changed, an interface inserted, deleted, renamed or given other
 * external_ids.  Otherwise at most interfaces' ofports changed.
 * (A change to an interface also puts the port and the bridge that
 * refer to it on the IDL's list of changed rows, so a row's being on
 * the list says nothing: its columns do.) */
static bool
bindings_may_change(const struct ovsdb_idl *idl)
{
    const struct ovsrec_bridge *br;
    const struct ovsrec_port *port;
    const struct ovsrec_interface *iface;

    OVSREC_BRIDGE_FOR_EACH_TRACKED (br, idl) {
        if (ovsrec_bridge_is_new(br) || ovsrec_bridge_is_deleted(br)
            || ovsrec_bridge_is_updated(br, OVSREC_BRIDGE_COL_NAME)
            || ovsrec_bridge_is_updated(br, OVSREC_BRIDGE_COL_PORTS)) {
            return true;
        }
    }
    OVSREC_PORT_FOR_EACH_TRACKED (port, idl) {
        if (ovsrec_port_is_new(port) || ovsrec_port_is_deleted(port)
            || ovsrec_port_is_updated(port, OVSREC_PORT_COL_INTERFACES)) {
            return true;
        }
    }
    OVSREC_INTERFACE_FOR_EACH_TRACKED (iface, idl) {
        if (ovsrec_interface_is_new(iface)
            || ovsrec_interface_is_deleted(iface)
            || ovsrec_interface_is_updated(iface, OVSREC_INTERFACE_COL_NAME)
            || ovsrec_interface_is_updated(iface,
                                           OVSREC_INTERFACE_COL_EXTERNAL_IDS)) {
            return true;
        }
    }
    return false;
}

/* Whether the changes the IDL tracked since they were last cleared
 * touch bridge 'br': the bridge itself, or one of its ports or interfaces
 * (which puts the bridge on the list of changed rows too, see
 * bindings_may_change()). */
static bool
bridge_changed(const struct ovsdb_idl *idl, const struct ovsrec_bridge *br)
{
    const struct ovsrec_bridge *tracked;

    OVSREC_BRIDGE_FOR_EACH_TRACKED (tracked, idl) {
        if (tracked == br) {
            return true;
        }
    }
    return false;
}

/* Returns the index of the port of 'b' bound to 'iface', or SIZE_MAX.
 * The port can only be the one of its iface-id or of its name. */
static size_t
port_bound_to(const struct rt_bridge *b,
              const struct ovsrec_interface *iface)
{
    const char *id = smap_get(&iface->external_ids, "iface-id");
    const struct topo_port *cand[2] = {
        id ? shash_find_data(&b->bind_by_id, id) : NULL,
        shash_find_data(&b->bind_by_name, iface->name),
    };

    for (size_t k = 0; k < ARRAY_SIZE(cand); k++) {
        const struct topo_port *p = cand[k];
        if (p && b->bound[p->index] == RT_BOUND
            && uuid_equals(&b->ifaces[p->index], &iface->header_.uuid)) {
            return p->index;
        }
    }
    return SIZE_MAX;
}

/* Follows the ofports of the interfaces whose ofport alone changed, in
 * the bridges already bound: the same outcome as binding every port
 * again, at the cost of the changed interfaces (a port added to a bridge
 * of 50k gets its ofport in an update of its own). */
static void
follow_ofports(const struct ovsdb_idl *idl, struct hmap *rt_bridges)
{
    const struct ovsrec_interface *iface;

    OVSREC_INTERFACE_FOR_EACH_TRACKED (iface, idl) {
        struct rt_bridge *b;

        if (!ovsrec_interface_is_updated(iface, OVSREC_INTERFACE_COL_OFPORT)) {
            continue;
        }
        HMAP_FOR_EACH (b, node, rt_bridges) {
            size_t i = (b->in_db && b->bind_br == b->br
                        && !rt_bridge_busy(b)
                        ? port_bound_to(b, iface) : SIZE_MAX);
            if (i != SIZE_MAX && set_binding(b, i, iface, RT_BOUND, NULL)) {
                b->need_sync = true;
            }
        }
    }
}

void
rt_ovsdb_monitor(struct ovsdb_idl *idl)
{
    static const struct ovsdb_idl_column *const columns[] = {
        &ovsrec_open_vswitch_col_bridges,
        &ovsrec_bridge_col_name,
        &ovsrec_bridge_col_ports,
        &ovsrec_bridge_col_datapath_type,
        &ovsrec_bridge_col_fail_mode,
        &ovsrec_bridge_col_protocols,
        &ovsrec_port_col_name,
        &ovsrec_port_col_interfaces,
        &ovsrec_interface_col_name,
        &ovsrec_interface_col_type,
        &ovsrec_interface_col_ofport,
        &ovsrec_interface_col_external_ids,
    };
    /* What bindings_may_change() and follow_ofports() look at. */
    static const struct ovsdb_idl_column *const tracked[] = {
        &ovsrec_bridge_col_name,
        &ovsrec_bridge_col_ports,
        &ovsrec_port_col_interfaces,
        &ovsrec_interface_col_name,
        &ovsrec_interface_col_ofport,
        &ovsrec_interface_col_external_ids,
    };

    ovsdb_idl_add_table(idl, &ovsrec_table_open_vswitch);
    ovsdb_idl_add_table(idl, &ovsrec_table_bridge);
    ovsdb_idl_add_table(idl, &ovsrec_table_port);
    ovsdb_idl_add_table(idl, &ovsrec_table_interface);
    for (size_t i = 0; i < ARRAY_SIZE(columns); i++) {
        ovsdb_idl_add_column(idl, columns[i]);
    }
    for (size_t i = 0; i < ARRAY_SIZE(tracked); i++) {
        ovsdb_idl_track_add_column(idl, tracked[i]);
    }
}

bool
rt_ovsdb_run(struct ovsdb_idl *idl, const struct topo *t,
             struct hmap *rt_bridges, const struct rt_ovsdb_options *opt)
{
    struct rt_bridge *b;

    if (txn) {
        enum ovsdb_idl_txn_status status = ovsdb_idl_txn_commit(txn);
        if (status == TXN_INCOMPLETE) {
            return true;
        }
        if (status != TXN_SUCCESS && status != TXN_UNCHANGED) {
            VLOG_WARN("OVSDB transaction: %s",
                      ovsdb_idl_txn_status_to_string(status));
        }
        ovsdb_idl_txn_destroy(txn);
        txn = NULL;
    }
    if (!ovsdb_idl_has_ever_connected(idl)) {
        return false;
    }

    /* Make the database right. */
    txn = ovsdb_idl_txn_create(idl);
    ovsdb_idl_txn_add_comment(txn, "ovs-flowd: configure topology bridges");
    bool dirty = false;
    for (size_t i = 0; i < t->n_bridges; i++) {
        const struct ovsrec_bridge *br = find_bridge(idl, t->bridges[i]->name);
        if (br) {
            dirty |= configure_bridge(br);
        } else if (opt->create_bridges) {
            create_bridge(idl, t->bridges[i], opt);
            dirty = true;
        }
    }
    if (dirty) {
        enum ovsdb_idl_txn_status status = ovsdb_idl_txn_commit(txn);
        if (status == TXN_INCOMPLETE) {
            return true;
        }
    }
    ovsdb_idl_txn_destroy(txn);
    txn = NULL;

    /* Follow bindings: bind every port again where a binding can have
     * moved, otherwise follow the ofports that changed. */
    bool full = bindings_may_change(idl);
    log_left = BINDINGS_LOGGED;
    n_unlogged = 0;
    HMAP_FOR_EACH (b, node, rt_bridges) {
        const struct ovsrec_bridge *br = b->br ? find_bridge(idl, b->name)
                                               : NULL;
        if (rt_bridge_busy(b)) {
            /* Its thread reads its ofports: bound once it is done, which
             * a verification in progress is asked to hasten. */
            b->rebind = true;
            if (!br || bridge_changed(idl, br)) {
                rt_work_hurry(b);
            }
            continue;
        }
        if (!br) {
            if (b->in_db) {
                VLOG_WARN("bridge %s is not in OVSDB", b->name);
            }
            b->in_db = false;
            continue;
        }
        if (full || !b->in_db || b->bind_br != b->br || b->rebind) {
            VLOG_DBG("bridge %s: binding its %"PRIuSIZE" ports", b->name,
                     b->br->n_ports);
            bind_ports(b, br);
        }
    }
    if (!full) {
        follow_ofports(idl, rt_bridges);
    }
    if (n_unlogged) {
        VLOG_INFO("and %"PRIuSIZE" more ports bound, unbound or given "
                  "another ofport by this change of OVSDB (each logged at "
                  "debug level: -vrt_ovsdb:file:dbg)", n_unlogged);
    }
    ovsdb_idl_track_clear(idl);
    return false;
}
