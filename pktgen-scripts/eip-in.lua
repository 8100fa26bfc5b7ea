-- eip-in.lua: Internet clients -> elastic IPs, for pktgen-dpdk 23.03+ (range mode).
--
--   pktgen -l ... [EAL] -- -P -m "..." -f pktgen-scripts/eip-in.lua
--
-- Port TX_PORT sends UDP from CLIENT_IPS client addresses x CLIENT_PORTS source
-- ports to EIPS elastic IPs (port DST_PORT) towards vgwd's public port; vgwd
-- DNATs each to its VM and sends it VXLAN-encapsulated out of its underlay port,
-- which is cabled to RX_PORT. The same addresses as tests/bench/gen_pcap.py
-- eip-in (its .conf configures vgwd to match; see README.md), 64-byte frames
-- (60 bytes + FCS, like the pcap). Prints per-second and total rx/tx, writes a
-- RESULT line to RESULTS, then stops (and quits with QUIT).
--
-- Every parameter below can be overridden from the environment: VGW_<NAME>,
-- e.g. VGW_RATE=50 VGW_DURATION_SECS=30 pktgen ... -f eip-in.lua

local P = {
    TX_PORT = 0,                       -- pktgen port cabled to vgwd's public port
    RX_PORT = 1,                       -- pktgen port cabled to vgwd's underlay port
    GW_PUBLIC_MAC = "02:00:00:00:00:01", -- dst MAC: vgwd's public port (gen_pcap P0_MAC)
    SRC_MAC = "02:00:00:00:00:fe",     -- src MAC: the Internet next hop as vgwd knows it
                                       -- (gen_pcap NH_MAC); "" keeps pktgen's port MAC
    CLIENT_IP = "100.64.0.0",          -- first client address (gen_pcap CLIENT_BASE)
    CLIENT_IPS = 255,                  -- client addresses: 100.64.0.0 .. 100.64.0.254
    CLIENT_PORT = 1024,                -- first client source port (gen_pcap: 1024 + (i & 0xff))
    CLIENT_PORTS = 256,                -- source ports 1024 .. 1279
    EIP = "198.18.0.0",                -- first elastic IP (gen_pcap EIP_BASE)
    EIPS = 256,                        -- EIPs 198.18.0.0 .. 198.18.0.255 (all configured)
    DST_PORT = 80,                     -- UDP destination port (gen_pcap VM_PORT)
    PROTO = "udp",                     -- gen_pcap eip-in is UDP; "tcp" sends ACKs
    FRAME_SIZE = 64,                   -- bytes with the FCS, as pktgen counts
    TTL = 64,
    RATE = 100,                        -- percent of the TX link speed
    DURATION_SECS = 10,                -- measured run
    WARMUP_RATE = 1,                   -- percent, before the measured run
    WARMUP_SECS = 1,                   -- 0: no warm-up
    SETTLE_MS = 2500,                  -- after clear/stop: pktgen samples counters once a second
    RESULTS = "vgw-pktgen-results.txt", -- appended; "" for the console only
    VGWCTL = "",                       -- e.g. "vgwctl -s /run/vgw/vgwd.sock" (same host only):
                                       -- stats clear before, show stats after, into VGWCTL_LOG
    VGWCTL_LOG = "vgw-stats.txt",
    SCREEN_OFF = true,                 -- pause pktgen's screen so the report is readable
    QUIT = false,                      -- quit pktgen when done (unattended runs)
}

-- with the 255 x 256 default, source address and port step together and the
-- 5-tuples repeat after lcm(255, 256) = 65280 packets: 65280 distinct flows,
-- capped at 24576 by pktgen's range mbufs (see README.md, "How many flows").

local here = (debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./")
-- one vgwlib for all scripts of a pktgen session (rfc2544.lua loads a workload script)
VGW_LIB = VGW_LIB or dofile(here .. "vgwlib.lua")
local vgw = VGW_LIB
vgw.env(P)

local function range_conf(P)
    return {
        port = P.TX_PORT, proto = P.PROTO, dst_mac = P.GW_PUBLIC_MAC, src_mac = P.SRC_MAC,
        src_ip = P.CLIENT_IP, src_ips = P.CLIENT_IPS, sport = P.CLIENT_PORT,
        sports = P.CLIENT_PORTS, dst_ip = P.EIP, dst_ips = P.EIPS, dport = P.DST_PORT,
        size = P.FRAME_SIZE, ttl = P.TTL,
    }
end

-- rfc2544.lua loads this file for its parameters and setup only
if VGW_LOAD_ONLY then
    return { name = "eip-in", P = P, setup = function(size)
        local c = range_conf(P)
        c.size = size or P.FRAME_SIZE
        vgw.setup_range(c)
        return c
    end }
end

vgw.start(P)
local c = range_conf(P)
vgw.log("eip-in: %s from %s x%d ports %d x%d -> EIP %s x%d port %d, %d-byte frames, dst MAC %s",
        P.PROTO, P.CLIENT_IP, P.CLIENT_IPS, P.CLIENT_PORT, P.CLIENT_PORTS, P.EIP, P.EIPS,
        P.DST_PORT, P.FRAME_SIZE, P.GW_PUBLIC_MAC)
vgw.setup_range(c)
vgw.describe_flows(c)
vgw.fixed_run("eip-in", P)
vgw.finish(P)
