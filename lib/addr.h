/* SPDX-License-Identifier: Apache-2.0 */
/* addr.h -- MAC, IPv4 and IPv6 addresses and prefixes: strict parsing,
 * canonical formatting, containment.
 *
 * The parsers are strict on purpose: a topology is a security policy, so
 * "52:54:0:1:2:3", "192.0.2.013" or "192.0.2.1/33" are rejected rather than
 * guessed at.  Formatting is canonical (lower-case MAC with two digits per
 * byte, RFC 5952 IPv6), which is also what ovs-ofctl prints back. */
#ifndef ADDR_H
#define ADDR_H 1

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct mac {
    uint8_t b[6];
};

/* An IPv4 or IPv6 address with a prefix length ('plen' = 32 or 128 for a
 * host address). */
struct prefix {
    int family;         /* AF_INET or AF_INET6. */
    uint8_t b[16];      /* Address bytes in network order; IPv4 in b[0..3]. */
    int plen;           /* Prefix length. */
};

/* Parses "xx:xx:xx:xx:xx:xx" (hex, exactly two digits each).  Returns true
 * on success. */
bool mac_parse(const char *s, struct mac *mac);
/* Formats 'mac' into 'buf' (at least MAC_STRLEN bytes); returns 'buf'. */
#define MAC_STRLEN 18
char *mac_format(const struct mac *mac, char buf[MAC_STRLEN]);
bool mac_is_multicast(const struct mac *);      /* Includes broadcast. */
bool mac_is_zero(const struct mac *);
bool mac_equal(const struct mac *, const struct mac *);
/* Derives the EUI-64 link-local fe80::/64 address from 'mac'. */
void mac_to_eui64_ll(const struct mac *, struct prefix *ll);

/* Parses a host address (no '/'); family AF_INET if 'family' is AF_INET,
 * AF_INET6 if AF_INET6, either if 0. */
bool prefix_parse_addr(const char *s, int family, struct prefix *p);
/* Parses "ADDR/LEN" or "ADDR" (a host prefix); rejects host bits set
 * beyond LEN when 'strict'.  Returns NULL on success or a static string
 * saying what is wrong. */
const char *prefix_parse_cidr(const char *s, int family, bool strict,
                              struct prefix *p);
/* Formats an address (without "/len" when it is a host prefix, with it
 * otherwise) into 'buf' of PREFIX_STRLEN bytes. */
#define PREFIX_STRLEN 48
char *prefix_format(const struct prefix *p, char buf[PREFIX_STRLEN]);
/* Formats the address part only. */
char *prefix_format_addr(const struct prefix *p, char buf[PREFIX_STRLEN]);
/* True if 'inner' (any length) lies within 'outer'. */
bool prefix_contains(const struct prefix *outer, const struct prefix *inner);
/* True if 'a' and 'b' share any address. */
bool prefix_overlaps(const struct prefix *a, const struct prefix *b);
bool prefix_equal(const struct prefix *, const struct prefix *);
/* Total order: family, then bytes, then length. */
int prefix_cmp(const struct prefix *, const struct prefix *);
bool prefix_is_host(const struct prefix *);
/* The all-ones broadcast of an IPv4 subnet. */
void prefix_broadcast(const struct prefix *net, struct prefix *bcast);
bool prefix_is_multicast(const struct prefix *);
bool prefix_is_link_local(const struct prefix *);   /* fe80::/10 */
bool prefix_is_unspecified(const struct prefix *);

#endif /* addr.h */
