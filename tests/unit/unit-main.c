/* SPDX-License-Identifier: Apache-2.0 */
/* unit-main.c -- runs every CUnit suite (see unit.h); exit status 1 if
 * any assertion failed. */
#include <CUnit/Basic.h>
#include <stdio.h>

#include "unit.h"

int
main(void)
{
    unsigned int failures;

    if (CU_initialize_registry() != CUE_SUCCESS) {
        return 2;
    }
    test_addr_register();
    test_check_register();
    test_pipeline_register();
    test_partial_register();
    test_strbuf_register();
    CU_basic_set_mode(CU_BRM_VERBOSE);
    CU_basic_run_tests();
    failures = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
    CU_cleanup_registry();
    return failures ? 1 : 0;
}
