# runtime/automake.mk -- ovs-flowd, the runtime daemon (see runtime/rt.h),
# and its systemd unit.
sbin_PROGRAMS += ovs-flowd
ovs_flowd_SOURCES = \
	runtime/rt.h \
	runtime/ovs-flowd.c \
	runtime/rt-ovsdb.c \
	runtime/rt-switch.c \
	runtime/rt-work.c \
	runtime/rt-sync.c \
	runtime/rt-verify.c \
	runtime/rt-queue.c \
	runtime/rt-bundle.c \
	runtime/rt-bulk.c \
	runtime/rt-dump.c \
	runtime/rt-digest.c \
	runtime/rt-flows.c \
	runtime/rt-parse.c \
	runtime/rt-log.c \
	runtime/rt-taps.c
ovs_flowd_CPPFLAGS = $(AM_CPPFLAGS) $(OVS_CFLAGS) $(LIBNL_CFLAGS)
EXTRA_ovs_flowd_DEPENDENCIES = lib/libopenvswitch-flowc.a
ovs_flowd_LDADD = compiler/libflowc.a lib/libflowcutil.a $(JANSSON_LIBS) \
	$(OVS_LIBS) $(LIBNL_LIBS)
EXTRA_DIST += runtime/ovs-flowd.service
