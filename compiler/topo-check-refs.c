/* SPDX-License-Identifier: Apache-2.0 */
/* topo-check-refs.c -- stage 2b: the meaning of a topology.
 *
 * Runs after topo-check.c has typed every bridge and port.  Resolves the
 * references between them and applies the rules of TOPOLOGY.md that span
 * more than one value: reciprocal patch peers and loop-free patch links,
 * mirror destinations that are monitor ports, every address inside its
 * bridge's subnets, and no MAC or IP used twice across the whole topology
 * (unless both sides list it in allowed_extra); the NAT and the policies
 * are checked in topo-check-nat.c and topo-check-policy.c. */
#include "topo-check-priv.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "strbuf.h"

/* --- Patch peers ------------------------------------------------------ */

/* True if patch port 'p' names an existing patch port on another bridge
 * as its peer (whether or not that one names it back). */
static bool
peer_is_sound(const struct topo *t, const struct topo_port *p)
{
    const struct topo_bridge *b;
    const struct topo_port *q;

    if (!p->peer_bridge_name) {
        return false;
    }
    b = topo_find_bridge(t, p->peer_bridge_name);
    q = b && b != p->bridge ? topo_bridge_find_port(b, p->peer_port_name)
                            : NULL;
    return q && q->role == TOPO_PATCH;
}

static void
check_patches(struct ck *ck)
{
    struct topo *t = ck->t;

    for (size_t i = 0; i < t->n_bridges; i++) {
        struct topo_bridge *br = t->bridges[i];
        for (size_t j = 0; j < br->n_ports; j++) {
            struct topo_port *p = br->ports[j];
            struct topo_bridge *pb;
            struct topo_port *peer;
            char *ptr;

            if (p->role != TOPO_PATCH || !p->peer_bridge_name) {
                continue;
            }
            ptr = ck_ptr(p->pointer, "peer");
            pb = topo_find_bridge(t, p->peer_bridge_name);
            peer = pb ? topo_bridge_find_port(pb, p->peer_port_name) : NULL;
            if (!pb) {
                ck_err(ck, ptr, "patch peer \"%s/%s\": there is no bridge "
                       "\"%s\"", p->peer_bridge_name, p->peer_port_name,
                       p->peer_bridge_name);
            } else if (pb == br) {
                ck_err(ck, ptr, "patch peer \"%s/%s\" is on the same "
                       "bridge", p->peer_bridge_name, p->peer_port_name);
            } else if (!peer) {
                ck_err(ck, ptr, "patch peer \"%s/%s\": bridge \"%s\" has "
                       "no port \"%s\"", p->peer_bridge_name,
                       p->peer_port_name, p->peer_bridge_name,
                       p->peer_port_name);
            } else if (peer->role != TOPO_PATCH) {
                ck_err(ck, ptr, "patch peer \"%s/%s\" is a %s port, not a "
                       "patch port", pb->name, peer->name,
                       topo_role_name(peer->role));
            } else if (!peer->peer_bridge_name
                       || strcmp(peer->peer_bridge_name, br->name)
                       || strcmp(peer->peer_port_name, p->name)) {
                /* Only if the peer's own "peer" names a patch port that
                 * exists: otherwise that one mistake is reported there. */
                if (peer_is_sound(t, peer)) {
                    ck_err(ck, ptr, "patch peer \"%s/%s\" does not name "
                           "\"%s/%s\" back", pb->name, peer->name,
                           br->name, p->name);
                }
            } else {
                p->peer = peer;
            }
            free(ptr);
        }
    }
}

/* Union-find over bridges: a patch link joining two bridges that are
 * already connected closes a loop, which would make the border
 * reachability meaningless (and flood frames forever). */
static size_t
uf_find(size_t *parent, size_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

static void
check_patch_loops(struct ck *ck)
{
    struct topo *t = ck->t;
    size_t *parent = fc_xmalloc((t->n_bridges + 1) * sizeof *parent);

    for (size_t i = 0; i < t->n_bridges; i++) {
        parent[i] = i;
    }
    for (size_t i = 0; i < t->n_bridges; i++) {
        struct topo_bridge *br = t->bridges[i];
        for (size_t j = 0; j < br->n_ports; j++) {
            struct topo_port *p = br->ports[j];
            if (!p->peer || p->peer->bridge->index < br->index) {
                continue;       /* Each link once, from its lower end. */
            }
            size_t a = uf_find(parent, br->index);
            size_t b = uf_find(parent, p->peer->bridge->index);
            if (a == b) {
                char *ptr = ck_ptr(p->pointer, "peer");
                ck_err(ck, ptr, "patch link %s/%s <-> %s/%s closes a loop "
                       "between bridges", br->name, p->name,
                       p->peer->bridge->name, p->peer->name);
                free(ptr);
            } else {
                parent[a] = b;
            }
        }
    }
    free(parent);
}

/* --- Mirrors ------------------------------------------------------------ */

static void
check_mirrors(struct ck *ck, json_t *root)
{
    for (size_t i = 0; i < ck->t->n_bridges; i++) {
        struct topo_bridge *br = ck->t->bridges[i];
        json_t *mirrors = json_object_get(
            json_object_get(json_object_get(root, "bridges"), br->name),
            "mirrors");

        for (size_t m = 0; m < br->n_mirrors; m++) {
            struct topo_mirror *mir = &br->mirrors[m];
            json_t *obj = json_object_get(mirrors, mir->name);
            char *base = ck_ptr(br->pointer, "mirrors");
            char *ptr = ck_ptr(base, mir->name);
            json_t *to = json_object_get(obj, "to");
            json_t *from = json_object_get(obj, "from");

            if (json_is_string(to)) {
                char *p = ck_ptr(ptr, "to");
                struct topo_port *port
                    = topo_bridge_find_port(br, json_string_value(to));
                if (!port) {
                    ck_err(ck, p, "mirror destination \"%s\" is not a port "
                           "of bridge \"%s\"", json_string_value(to),
                           br->name);
                } else if (port->role != TOPO_MONITOR) {
                    ck_err(ck, p, "mirror destination \"%s\" is a %s port, "
                           "not a monitor port", port->name,
                           topo_role_name(port->role));
                } else {
                    mir->to = port;
                }
                free(p);
            }
            if (json_is_string(from)
                && !strcmp(json_string_value(from), "all")) {
                mir->from_all = true;
            } else if (json_is_array(from)) {
                char *pf = ck_ptr(ptr, "from");
                size_t k;
                json_t *v;

                mir->from = fc_xzalloc((json_array_size(from) + 1)
                                    * sizeof *mir->from);
                json_array_foreach (from, k, v) {
                    char *p = ck_ptr_i(pf, k);
                    struct topo_port *port = json_is_string(v)
                        ? topo_bridge_find_port(br, json_string_value(v))
                        : NULL;
                    if (!json_is_string(v)) {
                        ck_err(ck, p, "expected a port name, not %s",
                               ck_json_type(v));
                    } else if (!port) {
                        ck_err(ck, p, "mirror source \"%s\" is not a port "
                               "of bridge \"%s\"", json_string_value(v),
                               br->name);
                    } else if (port->role == TOPO_MONITOR) {
                        ck_err(ck, p, "mirror source \"%s\" is a monitor "
                               "port", port->name);
                    } else {
                        mir->from[mir->n_from++] = port;
                    }
                    free(p);
                }
                free(pf);
            }
            free(ptr);
            free(base);
        }
    }
}

/* --- Addresses ---------------------------------------------------------- */

/* One address in use somewhere, for the duplicate check. */
struct use {
    struct prefix addr;         /* Or a MAC in addr.b[0..5], family 0. */
    const struct topo_port *port;
    const char *key;            /* "mac", "ipv4", "ipv6", "link_local". */
    size_t index;
    bool extra;                 /* From allowed_extra (a prefix). */
};

static int
cmp_use(const void *a_, const void *b_)
{
    const struct use *a = a_, *b = b_;
    int c = prefix_cmp(&a->addr, &b->addr);
    if (c) {
        return c;
    }
    /* Then in bridge and port name order: the first is "already" it. */
    if (a->port->bridge->index != b->port->bridge->index) {
        return a->port->bridge->index < b->port->bridge->index ? -1 : 1;
    }
    return (a->port->index < b->port->index ? -1
            : a->port->index > b->port->index);
}

static char *
use_ptr(const struct use *u)
{
    char *k = ck_ptr(u->port->pointer, u->key);
    char *p;

    if (!strcmp(u->key, "mac")) {
        return k;
    }
    p = ck_ptr_i(k, u->index);
    free(k);
    return p;
}

static void
add_use(struct use **uses, size_t *n, size_t *cap, const struct prefix *a,
        const struct topo_port *port, const char *key, size_t index,
        bool extra)
{
    *uses = fc_xgrow(*uses, cap, *n, sizeof **uses);
    (*uses)[(*n)++] = (struct use) { *a, port, key, index, extra };
}

static void
check_addresses(struct ck *ck)
{
    struct use *uses = NULL, *extras = NULL;
    size_t n = 0, cap = 0, n_extras = 0, cap_extras = 0;
    struct topo *t = ck->t;

    for (size_t i = 0; i < t->n_bridges; i++) {
        struct topo_bridge *br = t->bridges[i];
        for (size_t j = 0; j < br->n_ports; j++) {
            struct topo_port *p = br->ports[j];
            struct prefix m;

            if (!topo_port_is_pinned(p)) {
                continue;
            }
            memset(&m, 0, sizeof m);
            memcpy(m.b, p->mac.b, 6);
            if (!mac_is_zero(&p->mac)) {
                add_use(&uses, &n, &cap, &m, p, "mac", 0, false);
            }
            const struct prefix_set *sets[] = { &p->ipv4, &p->ipv6,
                                                &p->link_local };
            const char *keys[] = { "ipv4", "ipv6", "link_local" };
            /* An EUI-64 link-local address is unique if the MAC is; a
             * duplicate MAC is reported as such. */
            for (int s = 0; s < (p->ll_listed ? 3 : 2); s++) {
                for (size_t k = 0; k < sets[s]->n; k++) {
                    const struct prefix *a = &sets[s]->p[k];
                    add_use(&uses, &n, &cap, a, p, keys[s], k, false);
                    if (s < 2 && !br->bad_subnets
                        && !prefix_set_contains_addr(&br->subnets, a)) {
                        char buf[PREFIX_STRLEN];
                        char *ptr = ck_ptr(p->pointer, keys[s]);
                        char *pi = ck_ptr_i(ptr, k);
                        ck_err(ck, pi, "%s is outside the subnets of "
                               "bridge \"%s\"", prefix_format(a, buf),
                               br->name);
                        free(pi);
                        free(ptr);
                    }
                }
            }
            for (size_t k = 0; k < p->extra.n; k++) {
                const struct prefix *a = &p->extra.p[k];
                char buf[PREFIX_STRLEN];
                char *ptr = ck_ptr(p->pointer, "allowed_extra");
                char *pi = ck_ptr_i(ptr, k);
                add_use(&extras, &n_extras, &cap_extras, a, p,
                        "allowed_extra", k, true);
                if (!br->bad_subnets
                    && !prefix_set_contains_addr(&br->subnets, a)) {
                    ck_err(ck, pi, "%s is outside the subnets of bridge "
                           "\"%s\"", prefix_format(a, buf), br->name);
                } else {
                    ck_note(ck, pi, "port \"%s\" may also send from %s "
                            "(allowed_extra)", p->name,
                            prefix_format(a, buf));
                }
                free(pi);
                free(ptr);
            }
        }
    }

    /* Duplicates among pinned MACs and addresses. */
    if (n > 1) {
        qsort(uses, n, sizeof *uses, cmp_use);
    }
    for (size_t i = 1; i < n; i++) {
        if (prefix_equal(&uses[i].addr, &uses[i - 1].addr)) {
            size_t first = i - 1;
            while (first > 0 && prefix_equal(&uses[first - 1].addr,
                                             &uses[i].addr)) {
                first--;
            }
            char buf[PREFIX_STRLEN], mbuf[MAC_STRLEN];
            char *ptr = use_ptr(&uses[i]);
            const struct use *u = &uses[first];
            if (!strcmp(uses[i].key, "mac")) {
                ck_err(ck, ptr, "MAC %s is already used by %s/%s",
                       mac_format(&uses[i].port->mac, mbuf),
                       u->port->bridge->name, u->port->name);
            } else {
                ck_err(ck, ptr, "address %s is already used by %s/%s",
                       prefix_format(&uses[i].addr, buf),
                       u->port->bridge->name, u->port->name);
            }
            free(ptr);
        }
    }
    /* A pinned address inside another port's allowed_extra: only both
     * sides listing it in allowed_extra makes sharing legitimate. */
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(uses[i].key, "mac")) {
            continue;
        }
        for (size_t j = 0; j < n_extras; j++) {
            if (extras[j].port != uses[i].port
                && prefix_contains(&extras[j].addr, &uses[i].addr)) {
                char buf[PREFIX_STRLEN];
                char *ptr = use_ptr(&extras[j]);
                ck_err(ck, ptr, "%s overlaps address %s pinned to %s/%s "
                       "(shared addresses must be in allowed_extra on "
                       "both sides)", prefix_format(&extras[j].addr, buf),
                       prefix_format_addr(&uses[i].addr,
                                          (char[PREFIX_STRLEN]) { 0 }),
                       uses[i].port->bridge->name, uses[i].port->name);
                free(ptr);
            }
        }
    }
    /* The NAT gateway may coincide with a host port (the host is the
     * router), but never with a guest. */
    for (size_t i = 0; i < t->n_bridges; i++) {
        struct topo_nat *nat = t->bridges[i]->nat;
        if (!nat) {
            continue;
        }
        for (size_t k = 0; k < n; k++) {
            const struct use *u = &uses[k];
            if (u->port->role != TOPO_GUEST) {
                continue;
            }
            bool mac_clash = !strcmp(u->key, "mac")
                             && !memcmp(u->addr.b, nat->gateway_mac.b, 6);
            bool ip_clash = prefix_equal(&u->addr, &nat->gateway_ip);
            if (mac_clash || ip_clash) {
                char *p = ck_ptr(t->bridges[i]->pointer, "nat");
                char *g = ck_ptr(p, "gateway");
                char *f = ck_ptr(g, mac_clash ? "mac" : "ipv4");
                ck_err(ck, f, "the NAT gateway's %s is that of guest "
                       "%s/%s", mac_clash ? "MAC" : "address",
                       u->port->bridge->name, u->port->name);
                free(f);
                free(g);
                free(p);
            }
        }
    }
    free(uses);
    free(extras);
}

void
topo_check_refs(struct ck *ck, json_t *root)
{
    json_t *bridges = json_object_get(root, "bridges");

    topo_check_names(ck);
    check_patches(ck);
    check_patch_loops(ck);
    check_mirrors(ck, root);
    ck_parse_groups(ck, root);
    for (size_t i = 0; i < ck->t->n_bridges; i++) {
        struct topo_bridge *br = ck->t->bridges[i];
        json_t *obj = json_object_get(bridges, br->name);
        json_t *nat = json_object_get(obj, "nat");
        json_t *pol = json_object_get(obj, "policy");

        if (json_is_object(nat)) {
            ck_parse_nat(ck, br, nat);
        }
        if (json_is_object(pol)) {
            ck_parse_policy(ck, br, pol);
        }
    }
    check_addresses(ck);
}
