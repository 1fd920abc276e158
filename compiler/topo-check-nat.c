/* SPDX-License-Identifier: Apache-2.0 */
/* topo-check-nat.c -- stage 2b, the NAT: checks a bridge's "nat" object
 * (its uplink, address, next hop, gateway, LAN block list and port
 * forwards) against the rules of TOPOLOGY.md: never on a host-only
 * bridge nor on one patched to a host-only bridge, through one of the
 * bridge's own uplinks, forwards to its guests.  Called from
 * topo_check_refs() (topo-check-refs.c). */
#include "topo-check-priv.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "strbuf.h"

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
    } else {
        ok = ck_parse_addr(ck, v, p, family, out);
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
               json_is_string(v) ? json_string_value(v) : ck_json_type(v),
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

void
ck_parse_nat(struct ck *ck, struct topo_bridge *br, json_t *obj)
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
    ck_check_keys(ck, obj, ptr, keys, "\"nat\"");
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
            ck_err(ck, p, "expected a port name, not %s", ck_json_type(v));
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
        ck_err(ck, p, "expected an object, not %s", ck_json_type(v));
        free(p);
    } else {
        char *p = ck_ptr(ptr, "next_hop");
        ck_check_keys(ck, v, p, nh_keys, "\"next_hop\"");
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
        ck_err(ck, p, "expected an object, not %s", ck_json_type(v));
        free(p);
    } else {
        char *p = ck_ptr(ptr, "gateway");
        ck_check_keys(ck, v, p, gw_keys, "\"gateway\"");
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
                   ck_json_type(v));
        } else {
            size_t i;
            json_t *e;
            json_array_foreach (v, i, e) {
                char *pe = ck_ptr_i(p, i);
                struct prefix pfx;

                if (ck_parse_cidr(ck, e, pe, AF_INET, &pfx)) {
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
                   ck_json_type(v));
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
                           "%s", ck_json_type(e));
                    free(pe);
                    continue;
                }
                ck_check_keys(ck, e, pe, fw_keys, "a port forward");
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
                                   ck_json_type(n));
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
                           : ck_json_type(to), json_is_string(to) ? "\"" : "",
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
