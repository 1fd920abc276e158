# SPDX-License-Identifier: Apache-2.0
# flowc-lib.sh -- reading ofproto/trace verdicts with port names, for the
# real-switch tests (source it; OVS_RUNDIR must name the switch's run
# directory, as scenario-lib.sh sets it).

PYTHON3=${PYTHON3:-python3}

# trace_actions BRIDGE FLOW
#   Prints the "Datapath actions:" verdict of ofproto/trace for FLOW,
#   with datapath port numbers replaced by port names; after a
#   recirculation (conntrack), those of every pass, in order.
trace_actions() {
    _tf=$(mktemp)
    ovs-appctl ofproto/trace "$1" "$2" > "$_tf" 2>&1
    _acts=$(sed -n 's/^Datapath actions: //p' "$_tf" | paste -sd, -)
    if [ -z "$_acts" ]; then
        cat "$_tf" >&2
        rm -f "$_tf"
        echo "ERROR"
        return 1
    fi
    # Map datapath port numbers to names.
    ovs-appctl dpif/show \
        | sed -n 's/^ *\([^ ]*\) [0-9]*\/\([0-9][0-9]*\).*/\2 \1/p' > "$_tf"
    echo "$_acts" | "$PYTHON3" -c '
import re, sys
names = dict(line.split() for line in open(sys.argv[1]))
acts = sys.stdin.read().strip()
parts = re.split(r",(?![^()]*\))", acts)
print(",".join(names.get(p, p) for p in parts))' "$_tf"
    rm -f "$_tf"
}
