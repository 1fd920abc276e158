# lab/automake.mk -- `ovs-flowc lab`: the lab script and its planner,
# copied next to ovs-flowc in the build tree (where ovs-flowc looks first)
# and installed in pkglibexecdir.
pkglibexec_SCRIPTS = ovs-flowc-lab ovs-flowc-lab-plan.py
EXTRA_DIST += lab/ovs-flowc-lab.sh lab/ovs-flowc-lab-plan.py
CLEANFILES += ovs-flowc-lab ovs-flowc-lab-plan.py

ovs-flowc-lab: lab/ovs-flowc-lab.sh
	$(AM_V_GEN)cp $(srcdir)/lab/ovs-flowc-lab.sh $@ && chmod +x $@
ovs-flowc-lab-plan.py: lab/ovs-flowc-lab-plan.py
	$(AM_V_GEN)cp $(srcdir)/lab/ovs-flowc-lab-plan.py $@ && chmod +x $@
