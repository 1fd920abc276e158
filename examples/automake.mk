# examples/automake.mk -- example topologies, one per real setup.
EXAMPLES = \
	examples/host-only.json \
	examples/vps-antispoof.json \
	examples/two-bridge-lab.json \
	examples/monitor-mirror.json \
	examples/nat-lan-block.json \
	examples/topology-md.json
EXTRA_DIST += $(EXAMPLES)
