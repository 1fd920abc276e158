/* SPDX-License-Identifier: Apache-2.0 */
/* addr.c -- strict address parsing and canonical formatting (see addr.h). */
#include "addr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int
hexval(char c)
{
    return (c >= '0' && c <= '9' ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
            : -1);
}

bool
mac_parse(const char *s, struct mac *mac)
{
    for (int i = 0; i < 6; i++) {
        int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);
        if (lo < 0) {
            return false;
        }
        mac->b[i] = hi * 16 + lo;
        s += 2;
        if (i < 5 && *s++ != ':') {
            return false;
        }
    }
    return *s == '\0';
}

char *
mac_format(const struct mac *mac, char buf[MAC_STRLEN])
{
    char *p = buf;

    /* "%02x:%02x:..." by hand: the compiler formats a MAC per flow. */
    for (int i = 0; i < 6; i++) {
        *p++ = "0123456789abcdef"[mac->b[i] >> 4];
        *p++ = "0123456789abcdef"[mac->b[i] & 15];
        *p++ = i < 5 ? ':' : '\0';
    }
    return buf;
}

bool
mac_is_multicast(const struct mac *mac)
{
    return mac->b[0] & 1;
}

bool
mac_is_zero(const struct mac *mac)
{
    static const struct mac zero;
    return !memcmp(mac, &zero, sizeof zero);
}

bool
mac_equal(const struct mac *a, const struct mac *b)
{
    return !memcmp(a, b, sizeof *a);
}

void
mac_to_eui64_ll(const struct mac *mac, struct prefix *ll)
{
    memset(ll, 0, sizeof *ll);
    ll->family = AF_INET6;
    ll->plen = 128;
    ll->b[0] = 0xfe;
    ll->b[1] = 0x80;
    ll->b[8] = mac->b[0] ^ 0x02;
    ll->b[9] = mac->b[1];
    ll->b[10] = mac->b[2];
    ll->b[11] = 0xff;
    ll->b[12] = 0xfe;
    ll->b[13] = mac->b[3];
    ll->b[14] = mac->b[4];
    ll->b[15] = mac->b[5];
}

/* Dotted quad with no leading zeros (inet_pton is already strict). */
static bool
parse_v4(const char *s, struct prefix *p)
{
    memset(p, 0, sizeof *p);
    if (inet_pton(AF_INET, s, p->b) != 1) {
        return false;
    }
    p->family = AF_INET;
    p->plen = 32;
    return true;
}

static bool
parse_v6(const char *s, struct prefix *p)
{
    memset(p, 0, sizeof *p);
    if (!strchr(s, ':') || strchr(s, '%')
        || inet_pton(AF_INET6, s, p->b) != 1) {
        return false;
    }
    p->family = AF_INET6;
    p->plen = 128;
    return true;
}

bool
prefix_parse_addr(const char *s, int family, struct prefix *p)
{
    if (family != AF_INET6 && parse_v4(s, p)) {
        return true;
    }
    if (family != AF_INET && parse_v6(s, p)) {
        return true;
    }
    return false;
}

static int
max_plen(const struct prefix *p)
{
    return p->family == AF_INET ? 32 : 128;
}

const char *
prefix_parse_cidr(const char *s, int family, bool strict, struct prefix *p)
{
    char addr[PREFIX_STRLEN];
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t) (slash - s) : strlen(s);

    if (n >= sizeof addr) {
        return "is not an IP prefix";
    }
    memcpy(addr, s, n);
    addr[n] = '\0';
    if (!prefix_parse_addr(addr, family, p)) {
        return (family == AF_INET ? "is not an IPv4 prefix"
                : family == AF_INET6 ? "is not an IPv6 prefix"
                : "is not an IP prefix");
    }
    if (slash) {
        const char *len = slash + 1;
        int v = 0;

        if (!*len || strlen(len) > 3) {
            return "has a malformed prefix length";
        }
        for (const char *q = len; *q; q++) {
            if (!isdigit((unsigned char) *q) || (q == len && *q == '0'
                                                 && q[1])) {
                return "has a malformed prefix length";
            }
            v = v * 10 + (*q - '0');
        }
        if (v > max_plen(p)) {
            return "has a prefix length out of range";
        }
        p->plen = v;
        if (strict) {
            struct prefix net = *p;
            for (int bit = v; bit < max_plen(p); bit++) {
                net.b[bit / 8] &= ~(0x80 >> (bit % 8));
            }
            if (memcmp(net.b, p->b, sizeof net.b)) {
                return "has host bits set beyond its prefix length";
            }
        }
    }
    return NULL;
}

/* Writes 'v' (< 65536) in lowercase hex without leading zeros to 'p';
 * returns the end. */
static char *
put_hex16(char *p, unsigned int v)
{
    bool started = false;

    for (int shift = 12; shift >= 0; shift -= 4) {
        unsigned int d = (v >> shift) & 15;
        if (d || started || !shift) {
            *p++ = "0123456789abcdef"[d];
            started = true;
        }
    }
    return p;
}

static char *
put_dec8(char *p, unsigned int v)
{
    if (v >= 100) {
        *p++ = '0' + v / 100;
    }
    if (v >= 10) {
        *p++ = '0' + v / 10 % 10;
    }
    *p++ = '0' + v % 10;
    return p;
}

/* inet_ntop() of an IPv6 address (RFC 5952: the longest run of two or
 * more zero groups, the first on a tie, becomes "::"), by hand: the
 * compiler formats one per flow for many flows.  Addresses inet_ntop
 * writes with a dotted IPv4 tail (::ffff:a.b.c.d, ::a.b.c.d) go to it. */
static void
format_ipv6(const uint8_t b[16], char buf[PREFIX_STRLEN])
{
    unsigned int w[8];
    int best = -1, best_len = 0;

    for (int i = 0; i < 8; i++) {
        w[i] = (b[2 * i] << 8) | b[2 * i + 1];
    }
    for (int i = 0; i < 8; ) {
        int j = i;
        while (j < 8 && !w[j]) {
            j++;
        }
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j > i ? j : i + 1;
    }
    if (best_len < 2) {
        best = -1;
    }
    if (best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
        inet_ntop(AF_INET6, b, buf, PREFIX_STRLEN);
        return;
    }

    char *p = buf;
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            *p++ = ':';
            if (i + best_len == 8) {
                *p++ = ':';
            }
            i += best_len - 1;
            continue;
        }
        if (i) {
            *p++ = ':';
        }
        p = put_hex16(p, w[i]);
    }
    *p = '\0';
}

char *
prefix_format_addr(const struct prefix *p, char buf[PREFIX_STRLEN])
{
    if (p->family == AF_INET) {
        char *q = buf;

        for (int i = 0; i < 4; i++) {
            q = put_dec8(q, p->b[i]);
            *q++ = i < 3 ? '.' : '\0';
        }
    } else {
        format_ipv6(p->b, buf);
    }
    return buf;
}

char *
prefix_format(const struct prefix *p, char buf[PREFIX_STRLEN])
{
    prefix_format_addr(p, buf);
    if (!prefix_is_host(p)) {
        char *q = buf + strlen(buf);

        *q++ = '/';
        q = put_dec8(q, p->plen);
        *q = '\0';
    }
    return buf;
}

static bool
bits_equal(const uint8_t *a, const uint8_t *b, int nbits)
{
    int bytes = nbits / 8, rest = nbits % 8;

    if (memcmp(a, b, bytes)) {
        return false;
    }
    if (rest) {
        uint8_t mask = 0xff << (8 - rest);
        return (a[bytes] & mask) == (b[bytes] & mask);
    }
    return true;
}

bool
prefix_contains(const struct prefix *outer, const struct prefix *inner)
{
    return (outer->family == inner->family
            && inner->plen >= outer->plen
            && bits_equal(outer->b, inner->b, outer->plen));
}

bool
prefix_overlaps(const struct prefix *a, const struct prefix *b)
{
    return prefix_contains(a, b) || prefix_contains(b, a);
}

bool
prefix_equal(const struct prefix *a, const struct prefix *b)
{
    return !prefix_cmp(a, b);
}

int
prefix_cmp(const struct prefix *a, const struct prefix *b)
{
    int c;

    if (a->family != b->family) {
        return a->family < b->family ? -1 : 1;
    }
    c = memcmp(a->b, b->b, sizeof a->b);
    if (c) {
        return c < 0 ? -1 : 1;
    }
    return a->plen < b->plen ? -1 : a->plen > b->plen;
}

bool
prefix_is_host(const struct prefix *p)
{
    return p->plen == max_plen(p);
}

void
prefix_broadcast(const struct prefix *net, struct prefix *bcast)
{
    *bcast = *net;
    for (int bit = net->plen; bit < max_plen(net); bit++) {
        bcast->b[bit / 8] |= 0x80 >> (bit % 8);
    }
    bcast->plen = max_plen(net);
}

bool
prefix_is_multicast(const struct prefix *p)
{
    return (p->family == AF_INET ? (p->b[0] & 0xf0) == 0xe0
            : p->b[0] == 0xff);
}

bool
prefix_is_link_local(const struct prefix *p)
{
    return p->family == AF_INET6 && p->b[0] == 0xfe
           && (p->b[1] & 0xc0) == 0x80;
}

bool
prefix_is_unspecified(const struct prefix *p)
{
    static const uint8_t zero[16];
    return !memcmp(p->b, zero, p->family == AF_INET ? 4 : 16);
}
