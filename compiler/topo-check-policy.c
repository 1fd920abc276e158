/* SPDX-License-Identifier: Apache-2.0 */
/* topo-check-policy.c -- stage 2b, the policies: resolves the groups of
 * the topology and each bridge's "policy" (rules of from/to references,
 * protocols and port ranges, their actions and defaults) into the
 * structures of topo.h, reporting every bad reference with its JSON
 * pointer.  Called from topo_check_refs() (topo-check-refs.c). */
#include "topo-check-priv.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "strbuf.h"

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

void
ck_parse_groups(struct ck *ck, json_t *root)
{
    json_t *groups = json_object_get(root, "groups");
    const char *name;
    json_t *arr;

    if (!groups || !json_is_object(json_object_get(root, "bridges"))) {
        return;         /* Without bridges, nothing can resolve. */
    }
    if (!json_is_object(groups)) {
        ck_err(ck, "/groups", "expected an object, not %s",
               ck_json_type(groups));
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
                   ck_json_type(arr));
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
                       "CIDR), not %s", ck_json_type(v));
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
               "bridge, a group or a CIDR), not %s", ck_json_type(v));
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
           "%s", ck_json_type(v));
    return false;
}

void
ck_parse_policy(struct ck *ck, struct topo_bridge *br, json_t *pol)
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
               ck_json_type(rules));
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
                       ck_json_type(r));
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
                           ck_json_type(v));
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
                ck_err(ck, pl, "expected a boolean, not %s", ck_json_type(v));
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
