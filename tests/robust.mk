# tests/robust.mk -- robustness: the fuzz target's replay of its
# regression corpus (run by `make check`), `make fuzz`, and hostile
# topology inputs.
check_PROGRAMS += tests/fuzz/fuzz-replay
tests_fuzz_fuzz_replay_SOURCES = \
	tests/fuzz/fuzz-topology.c tests/fuzz/fuzz-replay.c
tests_fuzz_fuzz_replay_LDADD = compiler/libflowc.a lib/libflowcutil.a \
	$(JANSSON_LIBS)
TESTS += tests/fuzz/fuzz-replay.sh tests/hostile.sh tests/valgrind.sh
EXTRA_DIST += tests/fuzz/fuzz-replay.sh tests/fuzz/run-fuzz.sh \
	tests/fuzz/regressions tests/hostile.sh tests/valgrind.sh

FUZZ_SECONDS = 60
fuzz:
	srcdir='$(abs_top_srcdir)' FUZZ_SECONDS=$(FUZZ_SECONDS) \
	    $(SHELL) $(top_srcdir)/tests/fuzz/run-fuzz.sh
.PHONY: fuzz
