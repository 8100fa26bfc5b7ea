-- vip-in.lua: clients -> a load-balanced VIP, for pktgen-dpdk 23.03+ (range mode).
--
--   pktgen -l ... [EAL] -- -P -m "..." -f pktgen-scripts/vip-in.lua
--
-- Port TX_PORT sends TCP ACK segments (pktgen's range packets carry the ACK
-- flag by default) from CLIENT_IPS x CLIENT_PORTS clients to VIP:VIP_PORT
-- towards vgwd's public port; vgwd picks one of the service's backends (Maglev +
-- conntrack), DNATs and sends VXLAN out of its underlay port, cabled to
-- RX_PORT. The addresses of tests/bench/gen_pcap.py vip-in; 64-byte frames.
--
-- Established flows without a handshake: vgwd picks up a TCP segment that has
-- no SYN and no connection entry "mid-flow" (as after an ECMP change): it goes
-- to the backend Maglev picks and gets an ESTABLISHED entry (`vgwctl show
-- conntrack`: midflow). So the warm-up at WARMUP_RATE sends every flow once and
-- creates its entry; the measured run that follows (same start, same packets,
-- only the pace changes) hits established entries -- what the bench pcap does
-- on its second replay. No SYN phase: with no backend answering, SYNs would
-- leave SYN_SENT entries (4-min transitory timeout) that client ACKs never move
-- to ESTABLISHED. PROTO = "udp" is the other honest choice; it needs a udp
-- service (README.md).
--
-- Every parameter below can be overridden from the environment: VGW_<NAME>.

local P = {
    TX_PORT = 0,                       -- pktgen port cabled to vgwd's public port
    RX_PORT = 1,                       -- pktgen port cabled to vgwd's underlay port
    GW_PUBLIC_MAC = "02:00:00:00:00:01", -- dst MAC: vgwd's public port (gen_pcap P0_MAC)
    SRC_MAC = "02:00:00:00:00:fe",     -- src MAC (gen_pcap NH_MAC); "" keeps pktgen's
    CLIENT_IP = "100.64.0.0",          -- first client address (gen_pcap CLIENT_BASE)
    CLIENT_IPS = 8192,                 -- 100.64.0.0 .. 100.64.31.255
    CLIENT_PORT = 1024,                -- first client source port
    CLIENT_PORTS = 3,                  -- 1024 .. 1026
    -- 8192 and 3 are coprime: every (address, port) pair occurs, 24576 flows --
    -- exactly the 24576 packets pktgen 23.03 builds per TX queue, so every start
    -- sends all of them, each equally often (README.md, "How many flows").
    VIP = "198.51.100.80",             -- the service `bench` (gen_pcap VIP)
    VIP_PORT = 80,
    PROTO = "tcp",                     -- "tcp": ACK segments; "udp": needs a udp service
    FRAME_SIZE = 64,                   -- bytes with the FCS, as pktgen counts
    TTL = 64,
    RATE = 100,                        -- percent of the TX link speed
    DURATION_SECS = 10,                -- measured run
    WARMUP_RATE = 1,                   -- percent: creates the conntrack entries
    WARMUP_SECS = 3,                   -- must send every flow once (checked against pktgen's pps)
    SETTLE_MS = 2500,
    RESULTS = "vgw-pktgen-results.txt",
    VGWCTL = "",                       -- e.g. "vgwctl -s /run/vgw/vgwd.sock" (same host only):
                                       -- stats clear, show conntrack after the warm-up, show stats
    VGWCTL_LOG = "vgw-stats.txt",
    SCREEN_OFF = true,
    QUIT = false,
}

local here = (debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./")
-- one vgwlib for all scripts of a pktgen session (rfc2544.lua loads a workload script)
VGW_LIB = VGW_LIB or dofile(here .. "vgwlib.lua")
local vgw = VGW_LIB
vgw.env(P)

local function range_conf(P)
    return {
        port = P.TX_PORT, proto = P.PROTO, dst_mac = P.GW_PUBLIC_MAC, src_mac = P.SRC_MAC,
        src_ip = P.CLIENT_IP, src_ips = P.CLIENT_IPS, sport = P.CLIENT_PORT,
        sports = P.CLIENT_PORTS, dst_ip = P.VIP, dst_ips = 1, dport = P.VIP_PORT,
        size = P.FRAME_SIZE, ttl = P.TTL,
    }
end

if VGW_LOAD_ONLY then
    return { name = "vip-in", P = P, stateful = true, setup = function(size)
        local c = range_conf(P)
        c.size = size or P.FRAME_SIZE
        vgw.setup_range(c)
        return c
    end }
end

vgw.start(P)
local c = range_conf(P)
vgw.log("vip-in: %s from %s x%d ports %d x%d -> VIP %s:%d, %d-byte frames, dst MAC %s",
        P.PROTO == "tcp" and "TCP ACK" or P.PROTO, P.CLIENT_IP, P.CLIENT_IPS, P.CLIENT_PORT,
        P.CLIENT_PORTS, P.VIP, P.VIP_PORT, P.FRAME_SIZE, P.GW_PUBLIC_MAC)
vgw.setup_range(c)
vgw.describe_flows(c)
local period, cap = vgw.range_flows(c)
local flows = period < cap and period or cap
vgw.fixed_run("vip-in", P, flows, function()
    vgw.log("  after the warm-up vgwd should hold %d entries (show conntrack: entries, midflow)",
            flows)
    vgw.vgwctl_log(P.VGWCTL, "vip-in after the warm-up", "show conntrack", P.VGWCTL_LOG)
end)
-- the measured run should have created nothing: same entries as after the warm-up
vgw.vgwctl_log(P.VGWCTL, "vip-in after the run", "show conntrack", P.VGWCTL_LOG)
vgw.finish(P)
