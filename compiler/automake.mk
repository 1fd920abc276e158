# compiler/automake.mk -- the compiler library (one stage per file) and the
# ovs-flowc front end.
noinst_LIBRARIES += compiler/libflowc.a
compiler_libflowc_a_SOURCES = \
	compiler/topo.h \
	compiler/topo-parse.c \
	compiler/topo-pos.c compiler/topo-pos.h \
	compiler/topo-check-priv.h \
	compiler/topo-check.c \
	compiler/topo-check-port.c \
	compiler/topo-check-refs.c \
	compiler/topo-check-policy.c \
	compiler/topo-check-nat.c \
	compiler/topo-check-names.c \
	compiler/model.c compiler/model.h \
	compiler/pipe.h compiler/pipe-priv.h \
	compiler/pipe.c \
	compiler/pipe-guard.c \
	compiler/pipe-respond.c \
	compiler/pipe-border.c \
	compiler/pipe-announce.c \
	compiler/pipe-conntrack.c \
	compiler/pipe-forward.c \
	compiler/emit.h \
	compiler/emit-ofctl.c \
	compiler/emit-json.c
compiler_libflowc_a_CPPFLAGS = $(AM_CPPFLAGS)

# The one part of the compiler that needs libopenvswitch: the canonical
# dump is printed by OVS's own code.
noinst_LIBRARIES += compiler/libflowc-ovs.a
compiler_libflowc_ovs_a_SOURCES = compiler/emit-dump.c
compiler_libflowc_ovs_a_CPPFLAGS = $(AM_CPPFLAGS) $(OVS_CFLAGS)

bin_PROGRAMS += ovs-flowc
ovs_flowc_SOURCES = compiler/ovs-flowc.c
ovs_flowc_CPPFLAGS = $(AM_CPPFLAGS) -DPKGLIBEXECDIR='"$(pkglibexecdir)"'
EXTRA_ovs_flowc_DEPENDENCIES = lib/libopenvswitch-flowc.a
ovs_flowc_LDADD = compiler/libflowc-ovs.a compiler/libflowc.a lib/libflowcutil.a \
	$(JANSSON_LIBS) $(OVS_LIBS)
