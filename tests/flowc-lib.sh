# SPDX-License-Identifier: Apache-2.0
# flowc-lib.sh -- helpers the real-switch tests share, on top of
# tests/ovs-sandbox.sh: build a topology's bridges and ports in a sandbox,
# load compiled flows, and read ofproto/trace verdicts.  Source it after
# ovs-sandbox.sh.

PYTHON3=${PYTHON3:-python3}

# sandbox_load_topology FLOWC TOPO.json DIR
#   Creates every bridge and port of TOPO.json in the running sandbox
#   (patch ports as OVS patch pairs, all others as ports ovs-ofctl can
#   name) with OpenFlow port numbers fixed by position.
sandbox_load_topology() {
    _flowc=$1 _topo=$2 _dir=$3
    "$PYTHON3" "${srcdir:-.}/tests/topo-ports.py" "$_topo" > "$_dir/ports" \
        || return 1
    while read -r _br _port _role _peer; do
        if [ "$_role" = bridge ]; then
            sandbox_add_bridge "$_br" || return 1
        elif [ "$_role" = patch ]; then
            ovs-vsctl add-port "$_br" "$_port" -- set interface "$_port" \
                type=patch options:peer="$_peer" || return 1
        else
            sandbox_add_port "$_br" "$_port" || return 1
        fi
    done < "$_dir/ports"
}

# trace_actions BRIDGE FLOW
#   Prints the "Datapath actions:" verdict of ofproto/trace for FLOW,
#   with datapath port numbers replaced by port names.
trace_actions() {
    _tf=$(mktemp)
    ovs-appctl ofproto/trace "$1" "$2" > "$_tf" 2>&1
    _acts=$(sed -n 's/^Datapath actions: //p' "$_tf")
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
