# tests/unit.mk -- the CUnit unit tests (tests/unit/).
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
