# doc/automake.mk -- man pages.
dist_man_MANS += doc/ovs-flowc.8 doc/ovs-flowc-topology.5 doc/ovs-flowd.8
