/* SPDX-License-Identifier: Apache-2.0 */
/* test-main.h -- the start that the flowd test programs run over
 * topology files (test-parse.c, test-tables.c) have in common. */
#ifndef TEST_MAIN_H
#define TEST_MAIN_H 1

#include "openvswitch/vlog.h"
#include "util.h"

/* Names the program, silences the library's console log and exits with
 * the usage if no TOPOLOGY.json is among 'argv'. */
static inline void
test_main_init(int argc, char *argv[])
{
    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_OFF);
    if (argc < 2) {
        ovs_fatal(0, "usage: %s TOPOLOGY.json...", argv[0]);
    }
}

#endif /* test-main.h */
