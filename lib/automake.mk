# lib/automake.mk -- small pieces shared by the compiler and the runtime.
noinst_LIBRARIES += lib/libflowcutil.a
lib_libflowcutil_a_SOURCES = \
	lib/addr.c lib/addr.h \
	lib/diag.c lib/diag.h \
	lib/strbuf.c lib/strbuf-format.c lib/strbuf.h

# libopenvswitch, with the few symbols of its own JSON library that clash
# with jansson's (json_object, json_string, ...) renamed, so that the
# compiler's jansson calls and OVS's internal ones each reach their own
# code.  The list is computed, not hard-coded: whatever both define.
noinst_DATA = lib/libopenvswitch-flowc.a
CLEANFILES += lib/libopenvswitch-flowc.a lib/ovs-rename.map
lib/libopenvswitch-flowc.a: $(OVS_ARCHIVE)
	$(AM_V_GEN)nm -D --defined-only $(JANSSON_SO) \
	    | awk 'NF == 3 { sub(/@.*/, "", $$3); print $$3 }' | sort -u \
	    > lib/jansson.syms && \
	nm -g --defined-only $(OVS_ARCHIVE) 2>/dev/null \
	    | awk 'NF == 3 { print $$3 }' | sort -u > lib/ovs.syms && \
	comm -12 lib/jansson.syms lib/ovs.syms \
	    | awk '{ print $$1, "ovs_" $$1 }' > lib/ovs-rename.map && \
	rm -f lib/jansson.syms lib/ovs.syms && \
	objcopy --redefine-syms=lib/ovs-rename.map $(OVS_ARCHIVE) $@
