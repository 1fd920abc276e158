/* SPDX-License-Identifier: Apache-2.0 */
/* test-strbuf.c -- CUnit tests of lib/strbuf-format.c: its fast path must
 * write exactly what snprintf writes, for every conversion it takes, over
 * edge values; formats it does not take must still come out right. */
#include <CUnit/CUnit.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "unit.h"

/* Formats with both and compares; 'fmt' must be a literal so that the
 * compiler checks the arguments. */
#define SAME(...)                                                    \
    do {                                                             \
        char want[256];                                              \
        struct strbuf sb = STRBUF_INIT;                              \
        snprintf(want, sizeof want, __VA_ARGS__);                    \
        strbuf_printf(&sb, __VA_ARGS__);                             \
        CU_ASSERT_STRING_EQUAL(strbuf_cstr(&sb), want);              \
        CU_ASSERT_EQUAL(sb.len, strlen(want));                       \
        strbuf_destroy(&sb);                                         \
    } while (0)

static void
test_fast_conversions(void)
{
    static const long long ints[] = {
        0, 1, -1, 9, 10, 99, 100, 255, 256, 4095, 65535, -65536,
        INT_MAX, INT_MIN, (long long) INT_MAX + 1, LLONG_MAX, LLONG_MIN,
    };

    SAME("%s", "");
    SAME("plain text, no conversion");
    SAME("in_port=%s,dl_src=%s actions=%s", "17", "52:54:00:00:00:01",
         "resubmit(,10)");
    SAME("100%% %c%c", 'o', 'k');
    SAME("[%5s|%1s]", "ab", "long");
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
        long long v = ints[i];

        SAME("%d %i %u %x %X", (int) v, (int) v, (unsigned int) v,
             (unsigned int) v, (unsigned int) v);
        SAME("%02x %04x %08X %3d %05d %03u", (unsigned int) v & 0xff,
             (unsigned int) v, (unsigned int) v, (int) v, (int) v,
             (unsigned int) v);
        SAME("%ld %lu %lx", (long) v, (unsigned long) v, (unsigned long) v);
        SAME("%lld %llu %016llx", v, (unsigned long long) v,
             (unsigned long long) v);
        SAME("%zu %zx %hu %hd", (size_t) v, (size_t) v,
             (unsigned short) v, (short) v);
        SAME("0x%016"PRIx64" %"PRIu64, (uint64_t) v, (uint64_t) v);
    }
}

static void
test_fallback(void)
{
    /* Not on the fast path: precision, '-' and '+' flags, floats. */
    SAME("%.3s|%-6s|%+d|%.2f|%#x", "abcdef", "ab", 5, 1.5, 255u);
    SAME("%s then %.*s", "x", 2, "yzw");
}

static void
test_long_and_appending(void)
{
    struct strbuf sb = STRBUF_INIT;
    char big[5000];

    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    strbuf_printf(&sb, "<%s>", big);
    CU_ASSERT_EQUAL(sb.len, sizeof big + 1);
    strbuf_printf(&sb, "%u", 42u);
    CU_ASSERT_STRING_EQUAL(strbuf_cstr(&sb) + sb.len - 3, ">42");
    strbuf_clear(&sb);
    strbuf_put_uint(&sb, 18446744073709551615ull);
    strbuf_putc(&sb, ' ');
    strbuf_put_hex(&sb, 0xab, 4);
    strbuf_putc(&sb, ' ');
    strbuf_put_hex(&sb, 0, 0);
    CU_ASSERT_STRING_EQUAL(strbuf_cstr(&sb), "18446744073709551615 00ab 0");
    strbuf_destroy(&sb);

    strbuf_printf(&sb, "%s", "");
    CU_ASSERT_PTR_NOT_NULL(sb.s);
    CU_ASSERT_STRING_EQUAL(strbuf_cstr(&sb), "");
    strbuf_destroy(&sb);
}

void
test_strbuf_register(void)
{
    CU_pSuite s = CU_add_suite("strbuf", NULL, NULL);

    CU_add_test(s, "fast path equals snprintf", test_fast_conversions);
    CU_add_test(s, "other formats fall back", test_fallback);
    CU_add_test(s, "long output and appending", test_long_and_appending);
}
