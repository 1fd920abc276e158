/* SPDX-License-Identifier: Apache-2.0 */
/* topo-check-names.c -- stage 2b: the names that bind topology ports to
 * the switch's interfaces must each name one port.
 *
 * Open vSwitch port and interface names are global to a switch, so a
 * port name may appear on one bridge only.  An iface_id (the
 * external_ids:iface-id libvirt sets) identifies one interface: two
 * ports with the same iface_id would both be bound to that interface,
 * and the guest behind it could send from either port's MAC and
 * addresses.  Both are errors, reported at the second use. */
#include "topo-check-priv.h"

#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

static void
check_unique_port_names(struct ck *ck)
{
    const struct topo *t = ck->t;

    for (size_t i = 0; i < t->n_bridges; i++) {
        for (size_t j = 0; j < t->bridges[i]->n_ports; j++) {
            const struct topo_port *p = t->bridges[i]->ports[j];
            for (size_t k = 0; k < i; k++) {
                const struct topo_port *q
                    = topo_bridge_find_port(t->bridges[k], p->name);
                if (q) {
                    diag_at(ck->d, DIAG_ERROR, p->pointer, true,
                            "port name \"%s\" is also used on bridge "
                            "\"%s\" (Open vSwitch port names are global)",
                            p->name, q->bridge->name);
                    break;
                }
            }
        }
    }
}

/* Orders ports by iface_id, then bridge and port order: the first of a
 * run of equal iface_ids is the one that "already" has it. */
static int
cmp_iface_id(const void *a_, const void *b_)
{
    const struct topo_port *a = *(const struct topo_port *const *) a_;
    const struct topo_port *b = *(const struct topo_port *const *) b_;
    int c = strcmp(a->iface_id, b->iface_id);

    if (c) {
        return c;
    }
    if (a->bridge->index != b->bridge->index) {
        return a->bridge->index < b->bridge->index ? -1 : 1;
    }
    return a->index < b->index ? -1 : a->index > b->index;
}

static void
check_unique_iface_ids(struct ck *ck)
{
    const struct topo *t = ck->t;
    const struct topo_port **ports = NULL;
    size_t n = 0, cap = 0;

    for (size_t i = 0; i < t->n_bridges; i++) {
        for (size_t j = 0; j < t->bridges[i]->n_ports; j++) {
            const struct topo_port *p = t->bridges[i]->ports[j];
            if (p->iface_id) {
                ports = fc_xgrow(ports, &cap, n, sizeof *ports);
                ports[n++] = p;
            }
        }
    }
    if (n > 1) {
        qsort(ports, n, sizeof *ports, cmp_iface_id);
    }
    for (size_t i = 1, first = 0; i < n; i++) {
        if (strcmp(ports[i]->iface_id, ports[first]->iface_id)) {
            first = i;
            continue;
        }
        char *ptr = ck_ptr(ports[i]->pointer, "iface_id");
        ck_err(ck, ptr, "iface_id \"%s\" is already that of port %s/%s "
               "(an interface binds to one port)", ports[i]->iface_id,
               ports[first]->bridge->name, ports[first]->name);
        free(ptr);
    }
    free(ports);
}

void
topo_check_names(struct ck *ck)
{
    check_unique_port_names(ck);
    check_unique_iface_ids(ck);
}
