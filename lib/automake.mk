# lib/automake.mk -- small pieces shared by the compiler and the runtime.
noinst_LIBRARIES += lib/libflowcutil.a
lib_libflowcutil_a_SOURCES = \
	lib/addr.c lib/addr.h \
	lib/diag.c lib/diag.h \
	lib/strbuf.c lib/strbuf.h
