# tests/automake.mk -- the test suite.
