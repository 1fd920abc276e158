/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz-replay.c -- runs the fuzz target (fuzz-topology.c) over every file
 * named on the command line, so that inputs the fuzzer once crashed on
 * (tests/fuzz/regressions/) are replayed by `make check` under whatever
 * sanitizers the build has.  Prints "fuzz-replay: N passed, 0 failed". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char *argv[])
{
    int n = 0;

    for (int i = 1; i < argc; i++) {
        struct strbuf sb = STRBUF_INIT;
        char buf[65536];
        size_t got;
        FILE *f = fopen(argv[i], "rb");

        if (!f) {
            perror(argv[i]);
            return 1;
        }
        while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
            strbuf_put(&sb, buf, got);
        }
        fclose(f);
        LLVMFuzzerTestOneInput((const uint8_t *) (sb.s ? sb.s : ""), sb.len);
        strbuf_destroy(&sb);
        n++;
    }
    printf("fuzz-replay: %d passed, 0 failed\n", n);
    return 0;
}
