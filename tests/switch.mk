# tests/switch.mk -- the tests that need a real switch (root; each brings
# up its own private lab and removes it): dumps of every topology equal
# the switch's, ofproto/trace of attacks and their twins, and namespace
# scenarios with real packets.
TESTS += \
	tests/load-examples.sh \
	tests/trace-attacks.sh \
	tests/flowd-runtime.sh \
	tests/lab-twice.sh \
	tests/flowd-taps.sh \
	test-topologies/nat-lan-block/run.sh \
	test-topologies/nat-next-hop/run.sh \
	test-topologies/host-only/run.sh \
	test-topologies/vps-antispoof/run.sh \
	test-topologies/two-bridge-mitm/run.sh \
	test-topologies/monitor-mirror/run.sh \
	test-topologies/ipv6-first-hop/run.sh \
	test-topologies/rogue-dhcp/run.sh \
	test-topologies/faults/run.sh
EXTRA_DIST += \
	tests/load-examples.sh tests/trace-attacks.sh tests/flowd-runtime.sh \
	tests/lab-twice.sh tests/flowd-taps.sh \
	tests/flowd/topology.json \
	tests/scenario-lib.sh tests/flowc-lib.sh \
	tests/trace/topology.json \
	test-topologies
