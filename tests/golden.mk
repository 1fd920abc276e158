# tests/golden.mk -- golden tests of the compiler's output: every example
# compiles to its checked-in flows and meters (tests/golden/).
TESTS += tests/golden-flows.sh
EXTRA_DIST += tests/golden-flows.sh tests/golden
