/* SPDX-License-Identifier: Apache-2.0 */
/* topo-check-refs.c -- stage 2b: the meaning of a topology.
 *
 * Runs after topo-check.c has typed every bridge and port.  Resolves the
 * references between them and applies the rules of TOPOLOGY.md that span
 * more than one value: reciprocal patch peers and loop-free patch links,
 * mirror destinations that are monitor ports, NAT on a non-host-only
 * bridge through one of its uplinks, policy and group references, every
 * address inside its bridge's subnets, and no MAC or IP used twice across
 * the whole topology (unless both sides list it in allowed_extra). */
#include "topo-check-priv.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "strbuf.h"

static const char *
json_kind(const json_t *j)
{
    return (json_is_string(j) ? "a string" : json_is_object(j) ? "an object"
            : json_is_array(j) ? "an array" : json_is_integer(j)
            ? "an integer" : json_is_boolean(j) ? "a boolean" : "a value");
}

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
                               json_kind(v));
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

/* --- References used by groups and policies ---------------------------- */

/* True if "bridge/port" 's' names a port the JSON has (it may have been
 * rejected, and then reported, on its own). */
static bool
json_names_port(json_t *root, const char *s)
{
    const char *slash = strchr(s, '/');
    char *bname;
    json_t *b;

    if (!slash) {
        return false;
    }
    bname = strndup(s, slash - s);
    b = json_object_get(json_object_get(root, "bridges"), bname);
    free(bname);
    return json_object_get(json_object_get(b, "ports"), slash + 1) != NULL;
}

/* Resolves "bridge/port" or, when 'br' is nonnull, a bare port of 'br'. */
static struct topo_port *
resolve_port_ref(struct ck *ck, struct topo_bridge *br, const char *s,
                 bool *is_port_syntax)
{
    const char *slash = strchr(s, '/');

    *is_port_syntax = false;
    if (slash && !strchr(s, ':') && !strchr(s, '.')) {
        char *bname = strndup(s, slash - s);
        struct topo_bridge *b = topo_find_bridge(ck->t, bname);
        free(bname);
        *is_port_syntax = true;
        return b ? topo_bridge_find_port(b, slash + 1) : NULL;
    }
    if (br && !slash) {
        return topo_bridge_find_port(br, s);
    }
    return NULL;
}

static void
parse_groups(struct ck *ck, json_t *root)
{
    json_t *groups = json_object_get(root, "groups");
    const char *name;
    json_t *arr;

    if (!groups || !json_is_object(json_object_get(root, "bridges"))) {
        return;         /* Without bridges, nothing can resolve. */
    }
    if (!json_is_object(groups)) {
        ck_err(ck, "/groups", "expected an object, not %s",
               json_kind(groups));
        return;
    }
    ck->t->groups = fc_xzalloc((json_object_size(groups) + 1)
                            * sizeof *ck->t->groups);
    json_object_foreach (groups, name, arr) {
        char *ptr = ck_ptr("/groups", name);
        struct topo_group *g;
        size_t i;
        json_t *v;

        if (topo_find_bridge(ck->t, name)) {
            diag_at(ck->d, DIAG_ERROR, ptr, true, "group \"%s\" has the "
                    "name of a bridge", name);
        }
        if (!json_is_array(arr)) {
            ck_err(ck, ptr, "a group must be an array, not %s",
                   json_kind(arr));
            free(ptr);
            continue;
        }
        g = fc_xzalloc(sizeof *g);
        g->name = fc_xstrdup(name);
        g->ports = fc_xzalloc((json_array_size(arr) + 1) * sizeof *g->ports);
        ck->t->groups[ck->t->n_groups++] = g;
        json_array_foreach (arr, i, v) {
            char *p = ck_ptr_i(ptr, i);
            const char *s = json_string_value(v);
            struct prefix pfx;
            bool port_syntax;
            struct topo_port *port;

            if (!s) {
                ck_err(ck, p, "expected a string (\"bridge/port\" or a "
                       "CIDR), not %s", json_kind(v));
            } else if ((port = resolve_port_ref(ck, NULL, s,
                                                &port_syntax))) {
                g->ports[g->n_ports++] = port;
            } else if (port_syntax) {
                if (!json_names_port(root, s)) {
                    ck_err(ck, p, "\"%s\" names no port of the topology", s);
                }
            } else if (!prefix_parse_cidr(s, 0, true, &pfx)) {
                prefix_set_add(&g->cidrs, &pfx);
            } else {
                ck_err(ck, p, "\"%s\" is neither \"bridge/port\" nor a "
                       "CIDR prefix", s);
            }
            free(p);
        }
        free(ptr);
    }
}

/* Resolves a policy reference of bridge 'br'. */
static bool
resolve_ref(struct ck *ck, struct topo_bridge *br, json_t *v,
            const char *ptr, struct topo_ref *ref)
{
    const char *s = json_string_value(v);
    bool port_syntax;
    const char *err;

    memset(ref, 0, sizeof *ref);
    if (!v) {
        ref->kind = TOPO_REF_ANY;
        ref->text = fc_xstrdup("any");
        return true;
    }
    if (!s) {
        ck_err(ck, ptr, "expected a string (a port, \"bridge/port\", a "
               "bridge, a group or a CIDR), not %s", json_kind(v));
        return false;
    }
    ref->text = fc_xstrdup(s);
    if ((ref->port = resolve_port_ref(ck, br, s, &port_syntax))) {
        ref->kind = TOPO_REF_PORT;
        if (topo_find_bridge(ck->t, s) || topo_find_group(ck->t, s)) {
            ck_err(ck, ptr, "\"%s\" is ambiguous: it names a port of "
                   "bridge \"%s\" and a bridge or group", s, br->name);
            return false;
        }
        if (!topo_port_is_pinned(ref->port)) {
            ck_err(ck, ptr, "\"%s\" is a %s port: policy references name "
                   "guest or host ports", s,
                   topo_role_name(ref->port->role));
            return false;
        }
        return true;
    }
    if (port_syntax) {
        if (!json_names_port(ck->root, s)) {
            ck_err(ck, ptr, "\"%s\" names no port of the topology", s);
        }
        return false;
    }
    if ((ref->bridge = topo_find_bridge(ck->t, s))) {
        ref->kind = TOPO_REF_BRIDGE;
        return true;
    }
    if ((ref->group = topo_find_group(ck->t, s))) {
        ref->kind = TOPO_REF_GROUP;
        return true;
    }
    if (strchr(s, '.') || strchr(s, ':')) {
        err = prefix_parse_cidr(s, 0, true, &ref->cidr);
        if (!err) {
            ref->kind = TOPO_REF_CIDR;
            return true;
        }
        ck_err(ck, ptr, "\"%s\" %s", s, err);
        return false;
    }
    ck_err(ck, ptr, "\"%s\" is not a port of bridge \"%s\", a bridge, a "
           "group or a CIDR", s, br->name);
    return false;
}

/* Parses "a-b" or an integer into a port range. */
static bool
parse_port_range(struct ck *ck, json_t *v, const char *ptr,
                 struct topo_port_range *r)
{
    if (json_is_integer(v)) {
        json_int_t n = json_integer_value(v);
        if (n < 0 || n > 65535) {
            ck_err(ck, ptr, "port %lld is out of range (0 to 65535)",
                   (long long) n);
            return false;
        }
        r->lo = r->hi = n;
        return true;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        long lo = strtol(s, &end, 10), hi;
        if (end != s && *end == '-' && end[1] >= '0' && end[1] <= '9'
            && s[0] >= '0' && s[0] <= '9') {
            char *end2;
            hi = strtol(end + 1, &end2, 10);
            if (!*end2) {
                if (lo > 65535 || hi > 65535) {
                    ck_err(ck, ptr, "port range \"%s\" is out of range (0 "
                           "to 65535)", s);
                    return false;
                }
                if (lo > hi) {
                    ck_err(ck, ptr, "port range \"%s\" is inverted (did "
                           "you mean \"%ld-%ld\"?)", s, hi, lo);
                    return false;
                }
                r->lo = lo;
                r->hi = hi;
                return true;
            }
        }
        ck_err(ck, ptr, "\"%s\" is not a port number or a \"low-high\" "
               "range", s);
        return false;
    }
    ck_err(ck, ptr, "expected a port number or a \"low-high\" range, not "
           "%s", json_kind(v));
    return false;
}

static void
parse_policy(struct ck *ck, struct topo_bridge *br, json_t *pol)
{
    static const char *const keys[] = { "default", "rules", NULL };
    static const char *const rule_keys[] = {
        "action", "from", "to", "proto", "ports", "log", NULL
    };
    static const char *const protos[] = { "any", "icmp", "icmp6", "tcp",
                                          "udp", NULL };
    static const int proto_nums[] = { 0, IPPROTO_ICMP, IPPROTO_ICMPV6,
                                      IPPROTO_TCP, IPPROTO_UDP };
    char *ptr = ck_ptr(br->pointer, "policy");
    json_t *v, *rules;
    const char *key;

    br->policy.present = true;
    br->policy.default_allow = true;
    json_object_foreach (pol, key, v) {
        bool ok = false;
        for (size_t i = 0; keys[i]; i++) {
            ok |= !strcmp(keys[i], key);
        }
        if (!ok) {
            char *p = ck_ptr(ptr, key);
            diag_at(ck->d, DIAG_ERROR, p, true, "unknown key \"%s\" in "
                    "\"policy\" (expected one of: default, rules)", key);
            free(p);
        }
    }
    v = json_object_get(pol, "default");
    if (v) {
        const char *s = json_string_value(v);
        if (s && (!strcmp(s, "allow") || !strcmp(s, "deny"))) {
            br->policy.default_allow = !strcmp(s, "allow");
        } else {
            char *p = ck_ptr(ptr, "default");
            ck_err(ck, p, "policy default must be \"allow\" or \"deny\"");
            free(p);
        }
    }
    rules = json_object_get(pol, "rules");
    if (rules && !json_is_array(rules)) {
        char *p = ck_ptr(ptr, "rules");
        ck_err(ck, p, "expected an array of rules, not %s",
               json_kind(rules));
        free(p);
        rules = NULL;
    }
    if (rules) {
        char *rbase = ck_ptr(ptr, "rules");
        size_t i;
        json_t *r;

        br->policy.rules = fc_xzalloc((json_array_size(rules) + 1)
                                   * sizeof *br->policy.rules);
        json_array_foreach (rules, i, r) {
            char *p = ck_ptr_i(rbase, i);
            struct topo_rule *rule;
            const char *action;

            if (!json_is_object(r)) {
                ck_err(ck, p, "a rule must be an object, not %s",
                       json_kind(r));
                free(p);
                continue;
            }
            rule = &br->policy.rules[br->policy.n_rules++];
            rule->index = i;
            json_object_foreach (r, key, v) {
                bool ok = false;
                for (size_t k = 0; rule_keys[k]; k++) {
                    ok |= !strcmp(rule_keys[k], key);
                }
                if (!ok) {
                    char *pk = ck_ptr(p, key);
                    diag_at(ck->d, DIAG_ERROR, pk, true, "unknown key "
                            "\"%s\" in a policy rule (expected one of: "
                            "action, from, to, proto, ports, log)", key);
                    free(pk);
                }
            }
            action = json_string_value(json_object_get(r, "action"));
            if (!json_object_get(r, "action")) {
                ck_err(ck, p, "a policy rule is missing required key "
                       "\"action\"");
            } else if (!action || (strcmp(action, "allow")
                                   && strcmp(action, "deny"))) {
                char *pa = ck_ptr(p, "action");
                ck_err(ck, pa, "action must be \"allow\" or \"deny\"");
                free(pa);
            } else {
                rule->allow = !strcmp(action, "allow");
            }
            for (int side = 0; side < 2; side++) {
                const char *k = side ? "to" : "from";
                char *pr = ck_ptr(p, k);
                resolve_ref(ck, br, json_object_get(r, k), pr,
                            side ? &rule->to : &rule->from);
                free(pr);
            }
            v = json_object_get(r, "proto");
            if (v) {
                const char *s = json_string_value(v);
                int k = -1;
                for (int j = 0; s && protos[j]; j++) {
                    if (!strcmp(s, protos[j])) {
                        k = j;
                    }
                }
                if (k < 0) {
                    char *pp = ck_ptr(p, "proto");
                    ck_err(ck, pp, "proto must be one of \"any\", "
                           "\"icmp\", \"icmp6\", \"tcp\", \"udp\"");
                    free(pp);
                } else {
                    rule->proto = proto_nums[k];
                }
            }
            v = json_object_get(r, "ports");
            if (v) {
                char *pp = ck_ptr(p, "ports");
                if (rule->proto != IPPROTO_TCP
                    && rule->proto != IPPROTO_UDP) {
                    ck_err(ck, pp, "\"ports\" needs proto \"tcp\" or "
                           "\"udp\"");
                } else if (!json_is_array(v)) {
                    ck_err(ck, pp, "expected an array of ports, not %s",
                           json_kind(v));
                } else {
                    size_t k;
                    json_t *e;
                    rule->ports = fc_xzalloc((json_array_size(v) + 1)
                                          * sizeof *rule->ports);
                    json_array_foreach (v, k, e) {
                        char *pe = ck_ptr_i(pp, k);
                        if (parse_port_range(ck, e, pe,
                                             &rule->ports[rule->n_ports])) {
                            rule->n_ports++;
                        }
                        free(pe);
                    }
                }
                free(pp);
            }
            v = json_object_get(r, "log");
            if (v && !json_is_boolean(v)) {
                char *pl = ck_ptr(p, "log");
                ck_err(ck, pl, "expected a boolean, not %s", json_kind(v));
                free(pl);
            } else {
                rule->log = v && json_is_true(v);
            }
            free(p);
        }
        free(rbase);
    }
    free(ptr);
}

/* --- NAT ------------------------------------------------------------- */

static bool
nat_addr(struct ck *ck, json_t *obj, const char *ptr, const char *key,
         int family, bool required, struct prefix *out)
{
    json_t *v = json_object_get(obj, key);
    char *p = ck_ptr(ptr, key);
    bool ok = false;

    if (!v) {
        if (required) {
            ck_err(ck, ptr, "missing required key \"%s\"", key);
        }
    } else if (!json_is_string(v)
               || !prefix_parse_addr(json_string_value(v), family, out)) {
        if (json_is_string(v)) {
            ck_err(ck, p, "\"%s\" is not an %s address",
                   json_string_value(v),
                   family == AF_INET ? "IPv4" : "IPv6");
        } else {
            ck_err(ck, p, "expected a string (an %s address), not %s",
                   family == AF_INET ? "IPv4" : "IPv6", json_kind(v));
        }
    } else {
        ok = true;
    }
    free(p);
    return ok;
}

static bool
nat_mac(struct ck *ck, json_t *obj, const char *ptr, const char *key,
        bool required, struct mac *out)
{
    json_t *v = json_object_get(obj, key);
    char *p = ck_ptr(ptr, key);
    bool ok = false;

    if (!v) {
        if (required) {
            ck_err(ck, ptr, "missing required key \"%s\"", key);
        }
    } else if (!json_is_string(v) || !mac_parse(json_string_value(v), out)) {
        ck_err(ck, p, "%s%s%s is not a MAC address",
               json_is_string(v) ? "\"" : "",
               json_is_string(v) ? json_string_value(v) : json_kind(v),
               json_is_string(v) ? "\"" : "");
    } else if (mac_is_multicast(out) || mac_is_zero(out)) {
        ck_err(ck, p, "\"%s\" is not a unicast MAC address",
               json_string_value(v));
    } else {
        ok = true;
    }
    free(p);
    return ok;
}

static void
only_keys(struct ck *ck, json_t *obj, const char *ptr,
          const char *const keys[], const char *what)
{
    const char *key;
    json_t *v;

    json_object_foreach (obj, key, v) {
        bool ok = false;
        struct strbuf sb = STRBUF_INIT;
        for (size_t i = 0; keys[i]; i++) {
            ok |= !strcmp(keys[i], key);
            strbuf_printf(&sb, "%s%s", i ? ", " : "", keys[i]);
        }
        if (!ok) {
            char *p = ck_ptr(ptr, key);
            diag_at(ck->d, DIAG_ERROR, p, true, "unknown key \"%s\" in %s "
                    "(expected one of: %s)", key, what, strbuf_cstr(&sb));
            free(p);
        }
        strbuf_destroy(&sb);
    }
}

/* Returns a host-only bridge patched to 'br', directly or through other
 * bridges, or NULL.  'seen' (one flag a bridge, all false) is scratch. */
static const struct topo_bridge *
host_only_patched(const struct topo_bridge *br, bool *seen)
{
    seen[br->index] = true;
    for (size_t i = 0; i < br->n_ports; i++) {
        const struct topo_port *p = br->ports[i];
        if (p->peer && !seen[p->peer->bridge->index]) {
            const struct topo_bridge *peer = p->peer->bridge;
            const struct topo_bridge *ho = (peer->host_only ? peer
                                            : host_only_patched(peer, seen));
            if (ho) {
                return ho;
            }
        }
    }
    return NULL;
}

static void
parse_nat(struct ck *ck, struct topo_bridge *br, json_t *obj)
{
    static const char *const keys[] = { "uplink", "address", "next_hop",
                                        "gateway", "block", "forward",
                                        NULL };
    static const char *const nh_keys[] = { "ipv4", "mac", NULL };
    static const char *const gw_keys[] = { "ipv4", "ipv6", "mac", NULL };
    static const char *const fw_keys[] = { "proto", "port", "to", "to_port",
                                           NULL };
    char *ptr = ck_ptr(br->pointer, "nat");
    struct topo_nat *nat = fc_xzalloc(sizeof *nat);
    json_t *v;

    br->nat = nat;
    only_keys(ck, obj, ptr, keys, "\"nat\"");
    if (br->host_only) {
        ck_err(ck, ptr, "NAT on host-only bridge \"%s\": a host-only "
               "network never reaches an uplink", br->name);
    } else {
        /* Host-only spreads over patch links (model.c): the NAT would
         * route the host-only guests out of the uplink. */
        bool *seen = fc_xzalloc(ck->t->n_bridges + 1);
        const struct topo_bridge *ho = host_only_patched(br, seen);
        if (ho) {
            ck_err(ck, ptr, "NAT on bridge \"%s\", which is patched to "
                   "host-only bridge \"%s\": a host-only network never "
                   "reaches an uplink", br->name, ho->name);
        }
        free(seen);
    }
    v = json_object_get(obj, "uplink");
    if (!v) {
        ck_err(ck, ptr, "\"nat\" is missing required key \"uplink\"");
    } else {
        char *p = ck_ptr(ptr, "uplink");
        const char *s = json_string_value(v);
        struct topo_port *up = s ? topo_bridge_find_port(br, s) : NULL;
        if (!s) {
            ck_err(ck, p, "expected a port name, not %s", json_kind(v));
        } else if (!up) {
            ck_err(ck, p, "NAT uplink \"%s\" is not a port of bridge "
                   "\"%s\"", s, br->name);
        } else if (up->role != TOPO_UPLINK) {
            ck_err(ck, p, "NAT uplink \"%s\" is a %s port, not an uplink "
                   "port", s, topo_role_name(up->role));
        } else {
            nat->uplink = up;
        }
        free(p);
    }
    nat_addr(ck, obj, ptr, "address", AF_INET, true, &nat->address);

    v = json_object_get(obj, "next_hop");
    if (!v) {
        ck_err(ck, ptr, "\"nat\" is missing required key \"next_hop\"");
    } else if (!json_is_object(v)) {
        char *p = ck_ptr(ptr, "next_hop");
        ck_err(ck, p, "expected an object, not %s", json_kind(v));
        free(p);
    } else {
        char *p = ck_ptr(ptr, "next_hop");
        only_keys(ck, v, p, nh_keys, "\"next_hop\"");
        nat_addr(ck, v, p, "ipv4", AF_INET, true, &nat->next_hop_ip);
        nat->has_next_hop_mac = nat_mac(ck, v, p, "mac", false,
                                        &nat->next_hop_mac);
        if (!json_object_get(v, "mac")) {
            ck_note(ck, p, "no \"mac\": ovs-flowd resolves the next hop's "
                    "MAC by ARP on the uplink at run time; offline output "
                    "routes nothing until it does");
        }
        free(p);
    }

    v = json_object_get(obj, "gateway");
    if (!v) {
        ck_err(ck, ptr, "\"nat\" is missing required key \"gateway\"");
    } else if (!json_is_object(v)) {
        char *p = ck_ptr(ptr, "gateway");
        ck_err(ck, p, "expected an object, not %s", json_kind(v));
        free(p);
    } else {
        char *p = ck_ptr(ptr, "gateway");
        only_keys(ck, v, p, gw_keys, "\"gateway\"");
        if (nat_addr(ck, v, p, "ipv4", AF_INET, true, &nat->gateway_ip)
            && !br->bad_subnets
            && !prefix_set_contains_addr(&br->subnets, &nat->gateway_ip)) {
            char *pi = ck_ptr(p, "ipv4");
            char buf[PREFIX_STRLEN];
            ck_err(ck, pi, "gateway %s is outside the subnets of bridge "
                   "\"%s\"", prefix_format(&nat->gateway_ip, buf),
                   br->name);
            free(pi);
        }
        nat->has_gateway_ipv6 = nat_addr(ck, v, p, "ipv6", AF_INET6, false,
                                         &nat->gateway_ipv6);
        nat_mac(ck, v, p, "mac", true, &nat->gateway_mac);
        free(p);
    }

    v = json_object_get(obj, "block");
    if (v) {
        char *p = ck_ptr(ptr, "block");
        if (!json_is_array(v)) {
            ck_err(ck, p, "expected an array of IPv4 prefixes, not %s",
                   json_kind(v));
        } else {
            size_t i;
            json_t *e;
            json_array_foreach (v, i, e) {
                char *pe = ck_ptr_i(p, i);
                struct prefix pfx;
                const char *err = json_is_string(e)
                    ? prefix_parse_cidr(json_string_value(e), AF_INET, true,
                                        &pfx)
                    : "is not a string";
                if (err) {
                    ck_err(ck, pe, "%s%s%s %s", json_is_string(e) ? "\"" : "",
                           json_is_string(e) ? json_string_value(e)
                           : json_kind(e), json_is_string(e) ? "\"" : "",
                           err);
                } else {
                    prefix_set_add(&nat->block, &pfx);
                }
                free(pe);
            }
        }
        free(p);
    }

    v = json_object_get(obj, "forward");
    if (v) {
        char *p = ck_ptr(ptr, "forward");
        if (!json_is_array(v)) {
            ck_err(ck, p, "expected an array of port forwards, not %s",
                   json_kind(v));
        } else {
            size_t i;
            json_t *e;
            nat->forwards = fc_xzalloc((json_array_size(v) + 1)
                                    * sizeof *nat->forwards);
            json_array_foreach (v, i, e) {
                char *pe = ck_ptr_i(p, i);
                struct topo_forward *fw = &nat->forwards[nat->n_forwards];
                bool ok = true;

                if (!json_is_object(e)) {
                    ck_err(ck, pe, "a port forward must be an object, not "
                           "%s", json_kind(e));
                    free(pe);
                    continue;
                }
                only_keys(ck, e, pe, fw_keys, "a port forward");
                const char *proto = json_string_value(json_object_get(e,
                                                                "proto"));
                if (!proto || (strcmp(proto, "tcp") && strcmp(proto,
                                                              "udp"))) {
                    char *pp = ck_ptr(pe, "proto");
                    ck_err(ck, json_object_get(e, "proto") ? pp : pe,
                           "a port forward needs \"proto\": \"tcp\" or "
                           "\"udp\"");
                    free(pp);
                    ok = false;
                } else {
                    fw->proto = !strcmp(proto, "tcp") ? IPPROTO_TCP
                                                      : IPPROTO_UDP;
                }
                for (int k = 0; k < 2; k++) {
                    const char *key = k ? "to_port" : "port";
                    json_t *n = json_object_get(e, key);
                    char *pk = ck_ptr(pe, key);
                    if (!n) {
                        ck_err(ck, pe, "a port forward is missing required "
                               "key \"%s\"", key);
                        ok = false;
                    } else if (!json_is_integer(n)
                               || json_integer_value(n) < 1
                               || json_integer_value(n) > 65535) {
                        if (json_is_integer(n)) {
                            ck_err(ck, pk, "port %lld is out of range (1 "
                                   "to 65535)",
                                   (long long) json_integer_value(n));
                        } else {
                            ck_err(ck, pk, "expected a port number, not %s",
                                   json_kind(n));
                        }
                        ok = false;
                    } else if (k) {
                        fw->to_port = json_integer_value(n);
                    } else {
                        fw->port = json_integer_value(n);
                    }
                    free(pk);
                }
                json_t *to = json_object_get(e, "to");
                char *pt = ck_ptr(pe, "to");
                struct topo_port *port = json_is_string(to)
                    ? topo_bridge_find_port(br, json_string_value(to))
                    : NULL;
                if (!to) {
                    ck_err(ck, pe, "a port forward is missing required "
                           "key \"to\"");
                    ok = false;
                } else if (!port) {
                    ck_err(ck, pt, "port forward target %s%s%s is not a "
                           "port of bridge \"%s\"",
                           json_is_string(to) ? "\"" : "",
                           json_is_string(to) ? json_string_value(to)
                           : json_kind(to), json_is_string(to) ? "\"" : "",
                           br->name);
                    ok = false;
                } else if (port->role != TOPO_GUEST) {
                    ck_err(ck, pt, "port forward target \"%s\" is a %s "
                           "port, not a guest", port->name,
                           topo_role_name(port->role));
                    ok = false;
                } else if (!port->ipv4.n) {
                    ck_err(ck, pt, "port forward target \"%s\" has no "
                           "IPv4 address", port->name);
                    ok = false;
                } else {
                    fw->to = port;
                }
                free(pt);
                for (size_t j = 0; ok && j < nat->n_forwards; j++) {
                    if (nat->forwards[j].proto == fw->proto
                        && nat->forwards[j].port == fw->port) {
                        ck_err(ck, pe, "%s port %u is forwarded twice",
                               proto, fw->port);
                        ok = false;
                    }
                }
                if (ok) {
                    nat->n_forwards++;
                }
                free(pe);
            }
        }
        free(p);
    }
    free(ptr);
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
    parse_groups(ck, root);
    for (size_t i = 0; i < ck->t->n_bridges; i++) {
        struct topo_bridge *br = ck->t->bridges[i];
        json_t *obj = json_object_get(bridges, br->name);
        json_t *nat = json_object_get(obj, "nat");
        json_t *pol = json_object_get(obj, "policy");

        if (json_is_object(nat)) {
            parse_nat(ck, br, nat);
        }
        if (json_is_object(pol)) {
            parse_policy(ck, br, pol);
        }
    }
    check_addresses(ck);
}
