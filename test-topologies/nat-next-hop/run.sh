#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# NAT whose next hop's MAC is not in the topology: ovs-flowd asks for it
# (an ARP request from the NAT address out of the uplink), the flows learn
# it from the router's reply, and the guest reaches the internet host;
# nothing is routed before (the nat-no-next-hop drop).
. "$(dirname "$0")/../../tests/scenario-lib.sh"
scenario_begin nat-next-hop "$(dirname "$0")/topology.json"
[ -f "$sc_dir/run/ovs-flowd.pid" ] || { echo "nat-next-hop: needs ovs-flowd, skipped"; exit 77; }
"$OVS_FLOWC" check "$(dirname "$0")/topology.json" 2>&1 | grep -q "note: .*next_hop.*ovs-flowd resolves" \
    && ok "check says the runtime resolves the next hop" || bad "no note from check"
for _ in $(seq 60); do
    ovs-ofctl -O OpenFlow15 dump-flows nhbr table=47 | grep -q "dl_dst\|eth_dst" && break
    sleep 0.25
done
ovs-ofctl -O OpenFlow15 dump-flows nhbr table=47 | grep -q "02:00:00:00:fe:01" \
    && ok "the next hop's MAC was learned (table 47)" \
    || { bad "the next hop's MAC was not learned"; ovs-ofctl -O OpenFlow15 dump-flows nhbr table=47; }
legit "n1 reaches the internet host through NAT" lx n1 ping -c 2 -W 2 203.0.113.10
scenario_end
