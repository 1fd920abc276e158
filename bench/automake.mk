# bench/automake.mk -- `make bench` (root): ovs-flowc and ovs-flowd
# measured against ovs-ofctl on the same private switch; the report is
# what BENCHMARKS.md shows.  Not part of `make check`.
EXTRA_DIST += bench/run.sh bench/incremental.sh bench/gen-topology.py \
	bench/add-ports.py bench/barrier-probe.py
bench: all
	srcdir='$(abs_top_srcdir)' builddir='$(abs_top_builddir)' \
	    $(SHELL) $(top_srcdir)/bench/run.sh
.PHONY: bench
