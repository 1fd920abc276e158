# tests/unit.mk -- the CUnit unit tests (tests/unit/), and the test of
# ovs-flowd's flow parser (tests/flowd/test-parse.c).
check_PROGRAMS += tests/unit/unit-tests
tests_unit_unit_tests_SOURCES = \
	tests/unit/unit.h tests/unit/unit-main.c \
	tests/unit/test-addr.c tests/unit/test-check.c \
	tests/unit/test-pipeline.c tests/unit/test-partial.c \
	tests/unit/test-strbuf.c
tests_unit_unit_tests_CPPFLAGS = $(AM_CPPFLAGS) $(CUNIT_CFLAGS)
tests_unit_unit_tests_LDADD = compiler/libflowc.a lib/libflowcutil.a \
	$(JANSSON_LIBS) $(CUNIT_LIBS)
TESTS += tests/unit/unit-tests

# ovs-flowd's parser of the pipeline's text equals libopenvswitch's
# (no switch needed).
check_PROGRAMS += tests/flowd/test-parse
tests_flowd_test_parse_SOURCES = tests/flowd/test-parse.c \
	tests/flowd/test-main.h runtime/rt-parse.c runtime/rt.h
tests_flowd_test_parse_CPPFLAGS = $(AM_CPPFLAGS) $(OVS_CFLAGS) \
	-I$(srcdir)/runtime
EXTRA_tests_flowd_test_parse_DEPENDENCIES = lib/libopenvswitch-flowc.a
tests_flowd_test_parse_LDADD = compiler/libflowc.a lib/libflowcutil.a \
	$(JANSSON_LIBS) $(OVS_LIBS) $(LIBNL_LIBS)
# ovs-flowd's desired and installed tables share their flows (no switch
# needed either; run by flowd-parse.sh).
check_PROGRAMS += tests/flowd/test-tables
tests_flowd_test_tables_SOURCES = tests/flowd/test-tables.c \
	tests/flowd/test-main.h runtime/rt-flows.c runtime/rt-parse.c \
	runtime/rt.h
tests_flowd_test_tables_CPPFLAGS = $(AM_CPPFLAGS) $(OVS_CFLAGS) \
	-I$(srcdir)/runtime
EXTRA_tests_flowd_test_tables_DEPENDENCIES = lib/libopenvswitch-flowc.a
tests_flowd_test_tables_LDADD = compiler/libflowc.a lib/libflowcutil.a \
	$(JANSSON_LIBS) $(OVS_LIBS) $(LIBNL_LIBS)
TESTS += tests/flowd-parse.sh
EXTRA_DIST += tests/flowd-parse.sh
