# tests/golden.mk -- golden tests of the compiler's output: every example
# compiles to its checked-in flows and meters (tests/golden/).
TESTS += tests/golden-flows.sh
EXTRA_DIST += tests/golden-flows.sh tests/golden

# Every example and test topology validates against the JSON Schema.
TESTS += tests/schema-validate.py
EXTRA_DIST += tests/schema-validate.py

# Every bad topology gives exactly its checked-in diagnostics.
TESTS += tests/golden-check.sh
EXTRA_DIST += tests/golden-check.sh tests/bad

# Every man page renders without a warning from groff.
TESTS += tests/man-lint.sh
EXTRA_DIST += tests/man-lint.sh
