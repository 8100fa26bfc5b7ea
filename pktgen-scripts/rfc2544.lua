-- rfc2544.lua: RFC 2544 (section 26.1) style throughput: the highest rate at
-- which vgwd forwards every frame, per frame size, by binary search over
-- pktgen's rate percentage. For pktgen-dpdk 23.03+.
--
--   pktgen -l ... [EAL] -- -P -m "..." -f pktgen-scripts/rfc2544.lua
--   VGW_WORKLOAD=vip-in pktgen ... -f pktgen-scripts/rfc2544.lua
--   VGW_WORKLOAD=vxlan-return pktgen ... -s 1:/tmp/vxlan-return.pcap -f pktgen-scripts/rfc2544.lua
--
-- The traffic is one of the workload scripts next to this one (its parameters:
-- addresses, ports, MACs, TX/RX ports, warm-up). A trial: clear the counters;
-- start at a trickle until packets flow (pktgen builds its packets at start,
-- then catches up at full speed: see vgwlib.lua), then the trial rate for
-- TRIAL_SECS; stop, wait SETTLE_MS, and compare the frames sent on the
-- workload's TX port with those received on its RX port (the priming
-- included in both). A stateful workload (vip-in) is first warmed up once per
-- frame size, outside the trials: WARMUP_SECS at its WARMUP_RATE, so every
-- flow has its conntrack entry before the first trial.
-- A trial passes when lost <= LOSS_TOLERANCE percent of sent (0: not a single
-- frame). The search starts at START_RATE; a pass raises the lower bound, a
-- failure lowers the upper bound (MAX_RATE at first); it stops when they are
-- RESOLUTION apart.
-- vxlan-return replays a pcap: one row, at the pcap's frame size.
--
-- Every parameter below can be overridden from the environment: VGW_<NAME>
-- (FRAME_SIZES as a list: VGW_FRAME_SIZES=64,512,1518).

local P = {
    WORKLOAD = "eip-in",               -- eip-in | vip-in | vxlan-return (the script of that name)
    FRAME_SIZES = { 64, 128, 256, 512, 1024, 1280, 1518 }, -- with the FCS, as pktgen counts
    TRIAL_SECS = 10,                   -- RFC 2544 asks for at least 60 s in a final report
    RESOLUTION = 0.5,                  -- percent of the link: stop when the bounds are this close
    LOSS_TOLERANCE = 0,                -- percent of sent frames that may be lost; 0 = RFC 2544
    MAX_RATE = 100,                    -- upper bound of the search, percent of the link (memif
                                       -- reports 100 Gbit/s: a lower bound saves trials)
    START_RATE = 100,                  -- first trial, percent of the link (<= MAX_RATE)
    MAX_TRIALS = 20,                   -- per frame size
    CONFIRM_SECS = 0,                  -- > 0: re-run the result for this long (e.g. 60)
    WARMUP_EACH_TRIAL = false,         -- stateful workloads: warm up before every trial (counted
                                       -- in it) instead of once per frame size (not counted)
    SETTLE_MS = 2500,                  -- after clear/stop: pktgen samples counters once a second
    RESULTS = "rfc2544-results.txt",   -- appended; "" for the console only
    VGWCTL = "",                       -- e.g. "vgwctl -s /run/vgw/vgwd.sock" (same host only):
                                       -- stats clear before each trial, show stats after it
    VGWCTL_LOG = "rfc2544-vgw-stats.txt",
    SCREEN_OFF = true,
    QUIT = false,
}

local here = (debug.getinfo(1, "S").source:match("^@(.*[/\\])") or "./")
-- one vgwlib for all scripts of a pktgen session (rfc2544.lua loads a workload script)
VGW_LIB = VGW_LIB or dofile(here .. "vgwlib.lua")
local vgw = VGW_LIB
vgw.env(P)

VGW_LOAD_ONLY = true
local W = dofile(here .. P.WORKLOAD .. ".lua")
VGW_LOAD_ONLY = nil
if type(W) ~= "table" or not W.setup then error(P.WORKLOAD .. ".lua is not a workload script") end
local WP = W.P
local TX, RX = WP.TX_PORT, WP.RX_PORT
local txs = tostring(TX)

-- One trial at `rate` percent for `secs` seconds. Returns a table with pass.
local function trial(label, rate, secs)
    vgw.vgwctl(P.VGWCTL, "stats clear")
    pktgen.clear("all")
    pktgen.delay(500)
    -- start at a trickle until packets flow (vgwlib.lua, "starting traffic"),
    -- warm up stateful workloads, then the trial rate on the same packets
    vgw.begin((W.stateful and P.WARMUP_EACH_TRIAL) and WP or { TX_PORT = TX, WARMUP_SECS = 0 },
              W.flows, nil, rate)
    pktgen.set(txs, "rate", vgw.rate_str(rate))
    local target = vgw.target_pps(TX) or 0
    pktgen.delay(secs * 1000)
    local a, b = vgw.rates(TX), vgw.rates(RX) -- the last second at the trial rate
    pktgen.stop(txs)
    pktgen.delay(P.SETTLE_MS)
    local t, r = vgw.totals(TX), vgw.totals(RX)
    local lost = t.tx - r.rx
    local res = {
        rate = rate, tx = t.tx, rx = r.rx, lost = lost, target = target,
        tx_pps = a.tx_pps, rx_pps = b.rx_pps, tx_mbps = a.tx_mbps, rx_mbps = b.rx_mbps,
        loss_pct = t.tx > 0 and math.max(lost, 0) * 100.0 / t.tx or 100,
    }
    res.pass = t.tx > 0 and math.max(lost, 0) <= t.tx * P.LOSS_TOLERANCE / 100.0
    vgw.check_pace(TX, a.tx_pps, target)
    vgw.log("  %-9s %8.3f%%  sent %12d  received %12d  lost %10d (%.4f%%)  tx %10d pps  "
            .. "rx %10d pps  %s%s", label, rate, t.tx, r.rx, lost, res.loss_pct, a.tx_pps,
            b.rx_pps, res.pass and "pass" or "FAIL",
            lost < 0 and " (more received than sent: other frames reach port " .. RX .. ")" or "")
    vgw.vgwctl_log(P.VGWCTL, string.format("%s %s rate %.3f%%", P.WORKLOAD, label, rate),
                   "show stats", P.VGWCTL_LOG)
    return res
end

-- Stateful workloads: one warm-up (not a trial) so every flow has its state.
-- Every later start sends the same flows as long as they fit pktgen's mbufs
-- (vgwlib.describe_flows says when they do not: then use WARMUP_EACH_TRIAL).
local function warmup()
    pktgen.clear("all")
    pktgen.delay(500)
    vgw.begin(WP, W.flows)
    pktgen.stop(txs)
    pktgen.delay(P.SETTLE_MS)
    local t, r = vgw.totals(TX), vgw.totals(RX)
    vgw.log("  warm-up  %8.3f%%  sent %12d  received %12d  lost %10d  (not a trial)",
            WP.WARMUP_RATE, t.tx, r.rx, t.tx - r.rx)
    if t.tx > r.rx then
        vgw.log("  NOTE: the warm-up lost frames: lower WARMUP_RATE (%g%%) or some flows have no "
                .. "state yet", WP.WARMUP_RATE)
    end
end

local function search(size)
    local lo, hi, rate, best, n = 0, P.MAX_RATE, math.min(P.START_RATE, P.MAX_RATE), nil, 0
    while n < P.MAX_TRIALS do
        n = n + 1
        local r = trial("trial " .. n, rate, P.TRIAL_SECS)
        if r.pass then
            lo, best = rate, r
        else
            hi = rate
        end
        if hi - lo <= P.RESOLUTION then break end
        rate = (lo + hi) / 2
    end
    local confirmed = "-"
    if best and P.CONFIRM_SECS > 0 then
        local c = trial("confirm", best.rate, P.CONFIRM_SECS)
        confirmed = c.pass and "yes" or "NO"
    end
    return { size = size, best = best, trials = n, hi = hi, confirmed = confirmed }
end

vgw.start(P)
vgw.wait_links(TX, RX, 10)
vgw.log("rfc2544: workload %s, port %d (link %s) -> vgwd -> port %d (link %s)", P.WORKLOAD, TX,
        vgw.link(TX), RX, vgw.link(RX))
vgw.log("  trials of %d s, resolution %g%%, loss tolerance %g%%, search 0..%g%% from %g%%%s",
        P.TRIAL_SECS, P.RESOLUTION, P.LOSS_TOLERANCE, P.MAX_RATE,
        math.min(P.START_RATE, P.MAX_RATE),
        W.stateful and string.format(", %d s warm-up at %g%% %s", WP.WARMUP_SECS, WP.WARMUP_RATE,
                                     P.WARMUP_EACH_TRIAL and "in every trial"
                                     or "per frame size") or "")

local sizes = W.pcap and { "pcap" } or P.FRAME_SIZES
local rows = {}
for _, size in ipairs(sizes) do
    if W.pcap then
        W.setup()
        vgw.log("frame size: the pcap's (%d bytes + FCS)", WP.PCAP_FRAME)
    else
        local c = W.setup(size)
        vgw.log("frame size %d", size)
        if size == sizes[1] then vgw.describe_flows(c) end
        local period, cap = vgw.range_flows(c)
        W.flows = math.min(period, cap)
    end
    if W.stateful and WP.WARMUP_SECS > 0 and not P.WARMUP_EACH_TRIAL then warmup() end
    rows[#rows + 1] = search(size)
    if W.pcap and W.check then
        -- the last trial's counters: was it the pcap that went out?
        W.check()
    end
end

vgw.log("")
vgw.log("RFC 2544 throughput, %s, %d-s trials, loss tolerance %g%%:", P.WORKLOAD, P.TRIAL_SECS,
        P.LOSS_TOLERANCE)
vgw.log("| frame | zero-loss rate %% | pktgen target pps | tx pps | rx pps | rx Mbit/s (L1) | "
        .. "trials | confirmed |")
vgw.log("|---|---|---|---|---|---|---|---|")
for _, row in ipairs(rows) do
    local b = row.best
    local size = W.pcap and tostring(WP.PCAP_FRAME + 4) or tostring(row.size)
    if b then
        local limited = (b.target > 0 and b.tx_pps < 0.98 * b.target) and " (pktgen short)" or ""
        vgw.log("| %s | %.3f | %d | %d%s | %d | %d | %d | %s |", size, b.rate, b.target, b.tx_pps,
                limited, b.rx_pps, b.rx_mbps, row.trials, row.confirmed)
    else
        vgw.log("| %s | < %.3f (loss at every rate tried) | - | - | - | - | %d | - |", size, row.hi,
                row.trials)
    end
end
vgw.log("tx/rx pps: pktgen's last one-second sample of the passing trial. \"pktgen short\": "
        .. "pktgen sent under 98%% of its own target, so the limit may be the generator.")
for _, row in ipairs(rows) do
    local b = row.best
    vgw.log("RESULT rfc2544 workload=%s frame=%s rate_pct=%s tx_pps=%s rx_pps=%s trials=%d",
            P.WORKLOAD, W.pcap and tostring(WP.PCAP_FRAME + 4) or tostring(row.size),
            b and string.format("%.3f", b.rate) or "none", b and tostring(b.tx_pps) or "-",
            b and tostring(b.rx_pps) or "-", row.trials)
end
vgw.finish(P)
