/* SPDX-License-Identifier: Apache-2.0 */
/* topo-check-port.c -- stage 2a for one port: its role, the keys that
 * role allows (a key of another role is named as such), its MAC and
 * address lists (each address checked against what the list may hold),
 * link-local addresses, a host's or uplink's services, a patch's peer.
 * The bridge walk that calls it is in topo-check.c; the peer, like every
 * cross reference, is resolved in topo-check-refs.c. */
#include "topo-check-priv.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "strbuf.h"

static void
parse_mac(struct ck *ck, json_t *obj, const char *ptr, const char *key,
          bool required, bool unicast, struct mac *mac, bool *found,
          const char *what)
{
    json_t *v = ck_member(ck, obj, ptr, key, JSON_STRING, required, what);
    char *p;

    if (found) {
        *found = false;
    }
    if (!v) {
        return;
    }
    p = ck_ptr(ptr, key);
    if (!mac_parse(json_string_value(v), mac)) {
        ck_err(ck, p, "\"%s\" is not a MAC address", json_string_value(v));
    } else if (unicast && mac_is_multicast(mac)) {
        ck_err(ck, p, "\"%s\" is a %s MAC address; a port needs a unicast "
               "one", json_string_value(v),
               mac->b[0] == 0xff && mac->b[5] == 0xff ? "broadcast"
               : "multicast");
    } else if (unicast && mac_is_zero(mac)) {
        ck_err(ck, p, "\"%s\" is the all-zero MAC address",
               json_string_value(v));
    } else if (found) {
        *found = true;
    }
    free(p);
}

static const char *
not_link_local(const struct prefix *a)
{
    return (prefix_is_link_local(a) ? NULL
            : "is not a link-local (fe80::/10) address");
}

static const char *
bad_host_ipv6(const struct prefix *a)
{
    return (prefix_is_link_local(a)
            ? "is link-local: list it in \"link_local\""
            : prefix_is_multicast(a) ? "is a multicast address"
            : prefix_is_unspecified(a) ? "is the unspecified address"
            : NULL);
}

static const char *
bad_host_ipv4(const struct prefix *a)
{
    return (prefix_is_multicast(a) ? "is a multicast address"
            : prefix_is_unspecified(a) ? "is the unspecified address"
            : a->b[0] == 255 && a->b[3] == 255 ? "is the broadcast address"
            : NULL);
}

static const char *const guest_keys[] = {
    "role", "mac", "ipv4", "ipv6", "dhcp", "link_local", "allowed_extra",
    "iface_id", NULL
};
static const char *const host_keys[] = {
    "role", "mac", "ipv4", "ipv6", "dhcp", "link_local", "allowed_extra",
    "iface_id", "services", NULL
};
static const char *const uplink_keys[] = { "role", "iface_id", "services",
                                           NULL };
static const char *const patch_keys[] = { "role", "peer", NULL };
static const char *const monitor_keys[] = { "role", "iface_id", NULL };

static void
parse_link_local(struct ck *ck, json_t *obj, const char *ptr,
                 struct topo_port *port)
{
    json_t *v = json_object_get(obj, "link_local");
    char *p = ck_ptr(ptr, "link_local");

    if (!v || (json_is_string(v)
               && !strcmp(json_string_value(v), "eui64"))) {
        struct prefix ll;
        mac_to_eui64_ll(&port->mac, &ll);
        prefix_set_add(&port->link_local, &ll);
    } else if (json_is_array(v)) {
        port->ll_listed = true;
        ck_parse_addr_list(ck, obj, ptr, "link_local", AF_INET6, false,
                           not_link_local, &port->link_local);
    } else {
        ck_err(ck, p, "expected \"eui64\" or an array of fe80:: addresses");
    }
    free(p);
}

static void
parse_services(struct ck *ck, json_t *obj, const char *ptr,
               struct topo_port *port)
{
    static const char *const names[] = { "dhcp", "dns", "ra", "dhcpv6",
                                         "querier", NULL };
    json_t *arr = ck_member(ck, obj, ptr, "services", JSON_ARRAY, false, "");
    char *base;
    size_t i;
    json_t *v;

    if (!arr) {
        return;
    }
    base = ck_ptr(ptr, "services");
    json_array_foreach (arr, i, v) {
        char *p = ck_ptr_i(base, i);
        int k = -1;
        if (json_is_string(v)) {
            for (int j = 0; names[j]; j++) {
                if (!strcmp(json_string_value(v), names[j])) {
                    k = j;
                }
            }
        }
        if (k < 0) {
            ck_err(ck, p, "%s%s%s is not a service (expected \"dhcp\", "
                   "\"dns\", \"ra\", \"dhcpv6\" or \"querier\")",
                   json_is_string(v) ? "\"" : "",
                   json_is_string(v) ? json_string_value(v)
                   : ck_json_type(v),
                   json_is_string(v) ? "\"" : "");
        } else if (port->services & (1u << k)) {
            ck_err(ck, p, "\"%s\" is listed twice", names[k]);
        } else {
            port->services |= 1u << k;
        }
        free(p);
    }
    free(base);
}

struct topo_port *
ck_parse_port(struct ck *ck, struct topo_bridge *br, const char *name,
              json_t *obj, const char *ptr)
{
    static const char *const roles[] = { "guest", "host", "uplink", "patch",
                                         "monitor", NULL };
    static const char *const *const keys[] = {
        guest_keys, host_keys, uplink_keys, patch_keys, monitor_keys
    };
    struct topo_port *port;
    const char *why;
    int role;
    json_t *v;

    if (!json_is_object(obj)) {
        ck_err(ck, ptr, "a port must be an object, not %s",
               ck_json_type(obj));
        return NULL;
    }
    why = ck_bad_name(name);
    if (why) {
        diag_at(ck->d, DIAG_ERROR, ptr, true, "port name \"%s\" %s", name,
                why);
    }
    if (!json_object_get(obj, "role")) {
        ck_err(ck, ptr, "port \"%s\" is missing required key \"role\"",
               name);
        return NULL;
    }
    if (!ck_parse_enum(ck, obj, ptr, "role", roles, &role)) {
        return NULL;
    }

    port = fc_xzalloc(sizeof *port);
    port->name = fc_xstrdup(name);
    port->pointer = fc_xstrdup(ptr);
    port->bridge = br;
    port->role = role;

    /* Keys that belong to another role get a message saying so. */
    const char *key;
    json_object_foreach (obj, key, v) {
        bool ok = false, elsewhere = false;
        for (size_t i = 0; keys[role][i]; i++) {
            ok |= !strcmp(keys[role][i], key);
        }
        for (size_t i = 0; host_keys[i] && !ok; i++) {
            elsewhere |= !strcmp(host_keys[i], key);
        }
        elsewhere |= !strcmp(key, "peer");
        if (!ok) {
            char *p = ck_ptr(ptr, key);
            if (elsewhere) {
                diag_at(ck->d, DIAG_ERROR, p, true,
                        "key \"%s\" is not allowed on a%s %s port", key,
                        role == TOPO_UPLINK ? "n" : "", roles[role]);
            } else {
                struct strbuf sb = STRBUF_INIT;
                for (size_t i = 0; keys[role][i]; i++) {
                    strbuf_printf(&sb, "%s%s", i ? ", " : "",
                                  keys[role][i]);
                }
                diag_at(ck->d, DIAG_ERROR, p, true,
                        "unknown key \"%s\" in a%s %s port (expected one "
                        "of: %s)", key, role == TOPO_UPLINK ? "n" : "",
                        roles[role], strbuf_cstr(&sb));
                strbuf_destroy(&sb);
            }
            free(p);
        }
    }

    v = ck_member(ck, obj, ptr, "iface_id", JSON_STRING, false, "");
    if (v && keys[role] != patch_keys) {
        if (!*json_string_value(v)) {
            char *p = ck_ptr(ptr, "iface_id");
            ck_err(ck, p, "iface_id is empty");
            free(p);
        } else {
            port->iface_id = fc_xstrdup(json_string_value(v));
        }
    }

    if (role == TOPO_GUEST || role == TOPO_HOST) {
        parse_mac(ck, obj, ptr, "mac", true, true, &port->mac, NULL,
                  role == TOPO_GUEST ? "a guest port" : "a host port");
        ck_parse_addr_list(ck, obj, ptr, "ipv4", AF_INET, false,
                           bad_host_ipv4, &port->ipv4);
        ck_parse_addr_list(ck, obj, ptr, "ipv6", AF_INET6, false,
                           bad_host_ipv6, &port->ipv6);
        ck_parse_addr_list(ck, obj, ptr, "allowed_extra", 0, true, NULL,
                           &port->extra);
        v = ck_member(ck, obj, ptr, "dhcp", JSON_TRUE, false, "");
        port->dhcp = v && json_is_true(v);
        parse_link_local(ck, obj, ptr, port);
        if (role == TOPO_HOST) {
            parse_services(ck, obj, ptr, port);
        }
    } else if (role == TOPO_UPLINK) {
        /* Without a list, the LAN may serve everything (its DHCP server,
         * its routers), as before the key existed. */
        if (!json_object_get(obj, "services")) {
            port->services = TOPO_SVC_ALL;
        }
        parse_services(ck, obj, ptr, port);
    } else if (role == TOPO_PATCH) {
        v = ck_member(ck, obj, ptr, "peer", JSON_STRING, true,
                      "a patch port");
        if (v) {
            const char *s = json_string_value(v);
            const char *slash = strchr(s, '/');
            if (!slash || slash == s || !slash[1] || strchr(slash + 1, '/')) {
                char *p = ck_ptr(ptr, "peer");
                ck_err(ck, p, "\"%s\" is not of the form \"bridge/port\"",
                       s);
                free(p);
            } else {
                port->peer_bridge_name = strndup(s, slash - s);
                port->peer_port_name = fc_xstrdup(slash + 1);
            }
        }
    }
    return port;
}
