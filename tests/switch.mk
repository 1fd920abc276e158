# tests/switch.mk -- the tests that need a real switch (root; each brings
# up its own private lab and removes it): dumps of every topology equal
# the switch's, ofproto/trace of attacks and their twins, and namespace
# scenarios with real packets.
TESTS += \
	tests/load-examples.sh \
	tests/trace-attacks.sh \
	tests/flowd-runtime.sh \
	tests/flowd-busy.sh \
	tests/lab-twice.sh \
	tests/readme-demo.sh \
	tests/flowd-taps.sh \
	tests/nd-no-ext.sh \
	test-topologies/nat-lan-block/run.sh \
	test-topologies/nat-next-hop/run.sh \
	test-topologies/host-only/run.sh \
	test-topologies/vps-antispoof/run.sh \
	test-topologies/two-bridge-mitm/run.sh \
	test-topologies/monitor-mirror/run.sh \
	test-topologies/ipv6-first-hop/run.sh \
	test-topologies/rogue-dhcp/run.sh \
	test-topologies/faults/run.sh
# rt_bundle_transact() and rt_bulk_load() against the switch of
# tests/flowd-runtime.sh.
check_PROGRAMS += tests/flowd/test-bundle
tests_flowd_test_bundle_SOURCES = tests/flowd/test-bundle.c \
	runtime/rt-bundle.c runtime/rt-bulk.c runtime/rt-queue.c runtime/rt.h
tests_flowd_test_bundle_CPPFLAGS = $(AM_CPPFLAGS) $(OVS_CFLAGS) \
	-I$(srcdir)/runtime
EXTRA_tests_flowd_test_bundle_DEPENDENCIES = lib/libopenvswitch-flowc.a
tests_flowd_test_bundle_LDADD = $(OVS_LIBS) $(LIBNL_LIBS)
EXTRA_DIST += \
	tests/load-examples.sh tests/trace-attacks.sh tests/flowd-runtime.sh \
	tests/flowd-busy.sh tests/lab-twice.sh tests/readme-demo.sh \
	tests/flowd-taps.sh tests/nd-no-ext.sh \
	tests/flowd/topology.json \
	tests/scenario-lib.sh tests/flowc-lib.sh \
	tests/trace/topology.json \
	test-topologies
