# tests/automake.mk -- the test suite (`make check`), in four parts:
#   tests/switch.mk  on real switches (root): dumps equal the compiler's,
#                    ofproto/trace of attacks, the runtime, namespace
#                    scenarios with real packets;
#   tests/robust.mk  fuzz-target replay, `make fuzz`, hostile inputs;
#   tests/golden.mk  the compiler's output and diagnostics, byte for byte;
#   tests/unit.mk    CUnit unit tests.
include tests/switch.mk
include tests/robust.mk
include tests/golden.mk
include tests/unit.mk
