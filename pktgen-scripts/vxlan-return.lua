-- vxlan-return.lua: VXLAN replies from the hypervisors, for pktgen-dpdk 23.03+
-- (pcap mode).
--
--   python3 tests/bench/gen_pcap.py vxlan-return 65536 /tmp/vxlan-return.pcap
--   pktgen -l ... [EAL] -- -P -m "..." -s 1:/tmp/vxlan-return.pcap \
--       -f pktgen-scripts/vxlan-return.lua
--
-- pktgen's range mode cannot build VXLAN-in-UDP with an inner Ethernet/IPv4/UDP
-- packet, so this workload replays the pcap tests/bench/gen_pcap.py writes:
-- 110-byte frames from hypervisor 10.2.0.21..24 to vgwd's VTEP 10.2.0.1 (VNI
-- 100), inner VM 192.168.0.j:80 -> client. `-s 1:FILE` loads it on port 1
-- (cabled to vgwd's underlay port); vgwd decapsulates, SNATs the VM to its EIP
-- and routes it out of its public port, cabled to RX_PORT. pktgen replays the
-- pcap in a loop at RATE percent of the link.
--
-- Every parameter below can be overridden from the environment: VGW_<NAME>.

local P = {
    TX_PORT = 1,                       -- the port given the pcap with -s 1:FILE (vgwd underlay side)
    RX_PORT = 0,                       -- cabled to vgwd's public port
    PCAP_FRAME = 110,                  -- gen_pcap vxlan-return frames (without FCS): a sanity check
                                       -- that the pcap is what pktgen sends
    RATE = 100,                        -- percent of the TX link speed
    DURATION_SECS = 10,
    WARMUP_RATE = 1,                   -- a short slow start, also used for the check above
    WARMUP_SECS = 1,
    SETTLE_MS = 2500,
    RESULTS = "vgw-pktgen-results.txt",
    VGWCTL = "",                       -- e.g. "vgwctl -s /run/vgw/vgwd.sock" (same host only)
    VGWCTL_LOG = "vgw-stats.txt",
    SCREEN_OFF = true,
    QUIT = false,
}

local here = (debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./")
-- one vgwlib for all scripts of a pktgen session (rfc2544.lua loads a workload script)
VGW_LIB = VGW_LIB or dofile(here .. "vgwlib.lua")
local vgw = VGW_LIB
vgw.env(P)

local function setup()
    local p = tostring(P.TX_PORT)
    pktgen.set_range(p, "off")
    pktgen.pcap(p, "on") -- does nothing unless a pcap was loaded with -s
end

-- Average frame length pktgen sent since the last clear (pktgen's byte
-- counters, as DPDK's, do not include the FCS).
local function check_frames()
    local t = vgw.totals(P.TX_PORT)
    if t.tx == 0 then -- pktgen's counters are sampled once a second
        pktgen.delay(1100)
        t = vgw.totals(P.TX_PORT)
    end
    if t.tx == 0 then
        vgw.log("  NOTE: nothing sent yet, cannot check the frame size")
        return
    end
    if t.tx_bytes == 0 then
        vgw.log("  NOTE: port %d counts no bytes (its driver does not): cannot check the frame size",
                P.TX_PORT)
        return
    end
    local avg = t.tx_bytes / t.tx
    if math.abs(avg - P.PCAP_FRAME) > 1 then
        vgw.log("  WARNING: port %d sends %.1f-byte frames, the pcap has %d: was it loaded "
                .. "with -s %d:FILE?", P.TX_PORT, avg, P.PCAP_FRAME, P.TX_PORT)
    else
        vgw.log("  port %d sends the pcap's %.0f-byte frames", P.TX_PORT, avg)
    end
end

if VGW_LOAD_ONLY then
    return { name = "vxlan-return", P = P, pcap = true, setup = function() setup() end,
             check = check_frames }
end

vgw.start(P)
vgw.log("vxlan-return: pcap replay on port %d (load it with -s %d:FILE)", P.TX_PORT, P.TX_PORT)
setup()
vgw.fixed_run("vxlan-return", P, nil, check_frames)
vgw.finish(P)
