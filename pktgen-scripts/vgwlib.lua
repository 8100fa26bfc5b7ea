-- vgwlib.lua: helpers shared by the vgw pktgen-dpdk scripts (eip-in.lua,
-- vip-in.lua, vxlan-return.lua, rfc2544.lua). Not a script to run by itself:
-- the scripts load it with dofile() from their own directory.
--
-- Written against the Lua API of pktgen-dpdk 23.03 (app/lpktgenlib.c):
--   pktgen.set(ports, "size"|"rate"|"count"|..., value)
--   pktgen.set_range(ports, "on"|"off")   pktgen.pcap(ports, "on"|"off")
--   pktgen.range.{dst_mac,src_mac,src_ip,dst_ip,src_port,dst_port,ttl,pkt_size}
--       (ports, "start"|"min"|"max"|"inc", value)
--   pktgen.range.set_type(ports, "ipv4")  pktgen.range.ip_proto(ports, "udp"|"tcp")
--   pktgen.start/stop/clear(ports)  pktgen.delay(ms)  pktgen.screen("on"|"off")
--   pktgen.portStats(ports, "port"|"rate")[pid].{opackets,ipackets,pkts_tx,...}
--   pktgen.portInfo(pid)[pid].info.tx_debug.tx_pps  pktgen.linkState(ports)[pid]
--   pktgen.info.maxMbufsPerPort  pktgen.quit()
--
-- Facts about pktgen 23.03 that shape these scripts (from its source; see also
-- "starting traffic" below and README.md, Caveats):
--  * pktgen's port counters are sampled once a second by its timer thread:
--    portStats(p, "port") lags by up to 1 s, portStats(p, "rate") is the last
--    one-second delta. After a stop the scripts wait SETTLE_MS (> 1 s) before
--    reading totals.
--  * Range mode builds the packets when a port starts: each of the TX queue's
--    mbufs (pktgen.info.maxMbufsPerPort = 24576 per queue in 23.03) gets the
--    next value of every range field, then the same mbufs are sent over and
--    over. Every field steps on its own (no carry from one field to the next),
--    so the distinct flows are lcm(field periods), capped by the mbufs.

local M = {}

-- Parameters: every key of P may be overridden from the environment as
-- VGW_<KEY> (numbers and booleans converted), e.g. VGW_RATE=50 VGW_DURATION_SECS=30.
function M.env(P)
    for k, v in pairs(P) do
        local e = os.getenv("VGW_" .. k)
        if e ~= nil and e ~= "" then
            if type(v) == "number" then
                local n = tonumber(e)
                if n == nil then error("VGW_" .. k .. "=" .. e .. ": not a number") end
                P[k] = n
            elseif type(v) == "boolean" then
                P[k] = (e == "1" or e == "true" or e == "yes" or e == "on")
            elseif type(v) == "table" then -- a list of numbers: "64,128,256"
                local t = {}
                for x in e:gmatch("[^,%s]+") do t[#t + 1] = tonumber(x) end
                P[k] = t
            else
                P[k] = e
            end
        end
    end
    return P
end

-- ---- addresses ---------------------------------------------------------------
function M.ip2n(s)
    local a, b, c, d = s:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
    if not a then error("not an IPv4 address: " .. tostring(s)) end
    return ((tonumber(a) * 256 + tonumber(b)) * 256 + tonumber(c)) * 256 + tonumber(d)
end

function M.n2ip(n)
    return string.format("%d.%d.%d.%d", (n >> 24) & 0xff, (n >> 16) & 0xff,
                         (n >> 8) & 0xff, n & 0xff)
end

function M.gcd(a, b)
    while b ~= 0 do a, b = b, a % b end
    return a
end

function M.lcm(a, b) return a // M.gcd(a, b) * b end

-- ---- output ------------------------------------------------------------------
local results_file = nil

function M.open_results(path)
    if path and path ~= "" then
        results_file = io.open(path, "a")
        if not results_file then print("cannot append to " .. path .. "; results on the console only") end
    end
end

function M.log(fmt, ...)
    local s = string.format(fmt, ...)
    print(s)
    if results_file then
        results_file:write(s, "\n")
        results_file:flush()
    end
end

function M.close_results()
    if results_file then results_file:close() end
    results_file = nil
end

-- Optional: run a vgwctl command (one-host lab, where vgwd's socket is reachable).
-- cmd is P.VGWCTL, e.g. "vgwctl -s /run/vgw/vgwd.sock"; empty: do nothing.
function M.vgwctl(cmd, args, append_to)
    if cmd == nil or cmd == "" then return end
    local line = cmd .. " " .. args
    if append_to and append_to ~= "" then line = line .. " >> " .. append_to .. " 2>&1" end
    os.execute(line)
end

-- The same, with a "== title" line before the output in the log.
function M.vgwctl_log(cmd, title, args, log)
    if cmd == nil or cmd == "" then return end
    if log and log ~= "" then
        local f = io.open(log, "a")
        if f then
            f:write("== ", title, ": ", args, "\n")
            f:close()
        end
    end
    M.vgwctl(cmd, args, log)
end

-- ---- range mode --------------------------------------------------------------
local function range4(fn, port, first, last, inc)
    fn(port, "start", first)
    fn(port, "min", first)
    fn(port, "max", last)
    fn(port, "inc", inc)
end

-- Configure range mode on one port. c:
--   dst_mac, src_mac (nil: keep the port's own MAC), proto "udp"|"tcp",
--   src_ip, src_ips (count), sport, sports (count),
--   dst_ip, dst_ips (count), dport, size (frame size with the 4-byte FCS), ttl
function M.setup_range(c)
    local p = tostring(c.port)
    if c.src_ips < 1 or c.sports < 1 or c.dst_ips < 1 then error("range counts must be >= 1") end
    if c.sport + c.sports - 1 > 65535 then error("source ports beyond 65535") end
    pktgen.set_range(p, "off")                 -- ranges can only be changed while stopped
    pktgen.range.set_type(p, "ipv4")
    pktgen.range.ip_proto(p, c.proto)
    pktgen.range.dst_mac(p, "start", c.dst_mac)
    pktgen.range.dst_mac(p, "inc", "00:00:00:00:00:00")
    if c.src_mac and c.src_mac ~= "" then
        pktgen.range.src_mac(p, "start", c.src_mac)
        pktgen.range.src_mac(p, "inc", "00:00:00:00:00:00")
    end
    local s0, d0 = M.ip2n(c.src_ip), M.ip2n(c.dst_ip)
    range4(pktgen.range.src_ip, p, c.src_ip, M.n2ip(s0 + c.src_ips - 1),
           c.src_ips > 1 and "0.0.0.1" or "0.0.0.0")
    range4(pktgen.range.dst_ip, p, c.dst_ip, M.n2ip(d0 + c.dst_ips - 1),
           c.dst_ips > 1 and "0.0.0.1" or "0.0.0.0")
    range4(pktgen.range.src_port, p, c.sport, c.sport + c.sports - 1, c.sports > 1 and 1 or 0)
    range4(pktgen.range.dst_port, p, c.dport, c.dport, 0)
    range4(pktgen.range.ttl, p, c.ttl, c.ttl, 0)
    M.set_size(c.port, c.size)
    pktgen.set_range(p, "on")
end

-- Frame size (with FCS, as pktgen counts it: 64 = a 60-byte frame on the wire
-- before the FCS). In range mode pktgen computes the rate from the *single*
-- packet size, so both are set.
function M.set_size(port, size)
    local p = tostring(port)
    pktgen.set(p, "size", size)
    pktgen.range.pkt_size(p, "start", size)
    pktgen.range.pkt_size(p, "min", size)
    pktgen.range.pkt_size(p, "max", size)
    pktgen.range.pkt_size(p, "inc", 0)
end

-- Distinct flows a range setup sends: every field steps once per packet, so
-- the tuple repeats after lcm of the periods; a port start fills at most
-- maxMbufsPerPort mbufs per TX queue with successive values.
function M.range_flows(c)
    local period = M.lcm(M.lcm(c.src_ips, c.sports), c.dst_ips)
    local cap = (pktgen and pktgen.info and pktgen.info.maxMbufsPerPort) or 24576
    return period, cap
end

function M.describe_flows(c)
    local period, cap = M.range_flows(c)
    M.log("  flows: %d client IPs x %d ports x %d destinations step together: %d distinct "
          .. "5-tuples (lcm); the product would be %d", c.src_ips, c.sports, c.dst_ips, period,
          c.src_ips * c.sports * c.dst_ips)
    if period > cap then
        M.log("  NOTE: pktgen builds %d packets per TX queue at start: only that many of the "
              .. "%d flows are sent (per queue), the same ones until the next start", cap, period)
    elseif cap % period ~= 0 then
        M.log("  NOTE: %d mbufs per TX queue is not a multiple of %d flows: all flows are sent, "
              .. "a few more often than others", cap, period)
    end
end

-- ---- counters ----------------------------------------------------------------
-- Totals since the last pktgen.clear() as of pktgen's last 1-second sample.
function M.totals(port)
    local s = pktgen.portStats(tostring(port), "port")[port]
    return { tx = s.opackets, rx = s.ipackets, tx_bytes = s.obytes, rx_bytes = s.ibytes,
             missed = s.imissed, ierrors = s.ierrors, oerrors = s.oerrors,
             nombuf = s.rx_nombuf }
end

-- The last one-second rates: packets/s and Mbit/s (pktgen's Mbit/s count the
-- 20 bytes of preamble + inter-frame gap and the FCS, i.e. line rate).
function M.rates(port)
    local s = pktgen.portStats(tostring(port), "rate")[port]
    return { tx_pps = s.pkts_tx, rx_pps = s.pkts_rx, tx_mbps = s.mbits_tx, rx_mbps = s.mbits_rx }
end

-- pktgen paces an lcore's ports by the first port it serves: with one lcore
-- for ports 0 and 1 (-m "1.[0-1]"), port 1 goes at port 0's rate. Give each
-- port its own lcore (-m "1.0,2.1"). This notices the symptom.
function M.check_pace(tx, sent_pps, target)
    if target and target > 0 and sent_pps > 1.1 * target then
        M.log("  WARNING: port %d sent %d pps, pktgen's own target is %d: does it share an "
              .. "lcore with a lower-numbered port? (-m: one lcore per port)", tx, sent_pps, target)
        return false
    end
    return true
end

function M.link(port)
    local l = pktgen.linkState(tostring(port))
    return l and l[port] or "?"
end

-- Wait (up to secs) until both ports report their link up: a memif client
-- connects a moment after pktgen has started and run the script.
function M.wait_links(a, b, secs)
    for _ = 1, secs * 10 do
        if M.link(a):find("UP", 1, true) and M.link(b):find("UP", 1, true) then return true end
        pktgen.delay(100)
    end
    M.log("  WARNING: link down after %d s: port %d %s, port %d %s", secs, a, M.link(a), b,
          M.link(b))
    return false
end

-- the packets per second pktgen aims at for the port's current rate and size
function M.target_pps(port)
    local ok, info = pcall(pktgen.portInfo, tostring(port))
    if ok and info and info[port] and info[port].info and info[port].info.tx_debug then
        return info[port].info.tx_debug.tx_pps
    end
    return nil
end

local function mpps(x) return x / 1e6 end

-- ---- starting traffic ---------------------------------------------------------
-- pktgen 23.03 builds the packets of every TX mbuf when a port starts (range
-- and single modes; a pcap is built once at load). Building 24576 packets
-- takes from tens of milliseconds to seconds, and its TX loop then catches up
-- on the time lost: it sends the bursts it "owes" back to back, at full speed.
-- At a trial rate of 50% that burst alone can overflow the gateway's queues.
-- So every run starts at a trickle of about PRIME_PPS packets per second (or
-- the rate that follows, if lower), waits until packets flow, then only
-- changes the pace (pktgen.set "rate" while sending rebuilds nothing). Not
-- slower than that: pktgen applies a new rate only after the burst interval
-- of the old one has passed (64 packets at 640 pps: 0.1 s).
M.PRIME_PPS = 640
M.PRIME_MAX_SECS = 15

local function rate_str(r) return string.format("%.6f", r) end
M.rate_str = rate_str

-- The priming rate in percent: PRIME_PPS at the port's current frame size,
-- at most next_rate (percent).
function M.prime_rate(tx, next_rate)
    pktgen.set(tostring(tx), "rate", "1")
    local pps1 = M.target_pps(tx) -- packets per second at 1%
    local r = 0.01
    if pps1 and pps1 > 0 then r = M.PRIME_PPS / pps1 end
    if next_rate and next_rate < r then r = next_rate end
    return r
end

function M.prime(tx, next_rate)
    local txs = tostring(tx)
    pktgen.set(txs, "rate", rate_str(M.prime_rate(tx, next_rate)))
    pktgen.start(txs)
    for _ = 1, M.PRIME_MAX_SECS do
        pktgen.delay(1000)
        if M.totals(tx).tx > 0 then return true end
    end
    M.log("  WARNING: port %d sent nothing in %d s after start", tx, M.PRIME_MAX_SECS)
    return false
end

-- Prime, then warm up at P.WARMUP_RATE for P.WARMUP_SECS (0: none). flows
-- (optional): distinct flows the warm-up must send once each (checked against
-- pktgen's target pps). after_warmup (optional): called at its end. next_rate:
-- the rate set after this (percent), so that priming is not faster.
function M.begin(P, flows, after_warmup, next_rate)
    local tx = P.TX_PORT
    local txs = tostring(tx)
    local warm = P.WARMUP_SECS > 0
    M.prime(tx, warm and math.min(P.WARMUP_RATE, next_rate or P.WARMUP_RATE) or next_rate)
    if warm then
        pktgen.set(txs, "rate", rate_str(P.WARMUP_RATE))
        local wp = M.target_pps(tx)
        if flows and wp and wp > 0 and flows > wp * P.WARMUP_SECS then
            M.log("  NOTE: %d flows at %d pps need %.1f s: raise WARMUP_SECS or WARMUP_RATE",
                  flows, wp, flows / wp)
        end
        pktgen.delay(P.WARMUP_SECS * 1000)
        if after_warmup then after_warmup() end
    end
end

-- ---- a fixed-rate run ----------------------------------------------------------
-- P: TX_PORT, RX_PORT, RATE, DURATION_SECS, WARMUP_RATE, WARMUP_SECS, SETTLE_MS,
--    VGWCTL, VGWCTL_LOG. flows, after_warmup: see M.begin. Returns the summary.
-- Loss counts everything sent (priming and warm-up included) against
-- everything received after the stop; rates are the mean of pktgen's
-- one-second samples during the measured part (the first sample, which may
-- straddle the warm-up, is skipped).
function M.fixed_run(name, P, flows, after_warmup)
    local tx, rx = P.TX_PORT, P.RX_PORT
    local txs = tostring(tx)
    M.wait_links(tx, rx, 10)
    M.log("%s: port %d link %s -> vgwd -> port %d link %s", name, tx, M.link(tx), rx, M.link(rx))
    M.vgwctl(P.VGWCTL, "stats clear")
    pktgen.clear("all")
    pktgen.delay(P.SETTLE_MS)
    if P.WARMUP_SECS > 0 then
        M.log("  warm-up: %g%% for %d s", P.WARMUP_RATE, P.WARMUP_SECS)
    end
    M.begin(P, flows, after_warmup, P.RATE)
    pktgen.set(txs, "rate", rate_str(P.RATE))
    local tp = M.target_pps(tx)
    M.log("  running: %g%% of the link (pktgen's target %s pps) for %d s", P.RATE,
          tp and tostring(tp) or "?", P.DURATION_SECS)
    M.log("  %4s %12s %12s %10s %10s", "sec", "tx pps", "rx pps", "tx Mbit/s", "rx Mbit/s")
    local n, sum_tx, sum_rx, sum_txm, sum_rxm = 0, 0, 0, 0, 0
    for sec = 1, P.DURATION_SECS do
        pktgen.delay(1000)
        local a, b = M.rates(tx), M.rates(rx)
        M.log("  %4d %12d %12d %10d %10d", sec, a.tx_pps, b.rx_pps, a.tx_mbps, b.rx_mbps)
        if sec > 1 or P.DURATION_SECS == 1 then
            n = n + 1
            sum_tx, sum_rx = sum_tx + a.tx_pps, sum_rx + b.rx_pps
            sum_txm, sum_rxm = sum_txm + a.tx_mbps, sum_rxm + b.rx_mbps
        end
    end
    pktgen.stop(txs)
    pktgen.delay(P.SETTLE_MS)
    local t, r = M.totals(tx), M.totals(rx)
    local lost = t.tx - r.rx
    local res = {
        tx_pkts = t.tx, rx_pkts = r.rx, lost = lost,
        loss_pct = t.tx > 0 and (lost > 0 and lost or 0) * 100.0 / t.tx or 0,
        tx_pps = n > 0 and sum_tx / n or 0, rx_pps = n > 0 and sum_rx / n or 0,
        tx_mbps = n > 0 and sum_txm / n or 0, rx_mbps = n > 0 and sum_rxm / n or 0,
        rx_missed = r.missed, tx_errors = t.oerrors,
    }
    M.check_pace(tx, res.tx_pps, tp)
    M.log("  totals: sent %d (port %d), received %d (port %d), lost %d (%.4f%%)%s", res.tx_pkts,
          tx, res.rx_pkts, rx, lost, res.loss_pct,
          lost < 0 and " -- more received than sent: something else sends to port " .. rx or "")
    M.log("  mean of the 1-s samples: tx %.3f Mpps %.0f Mbit/s, rx %.3f Mpps %.0f Mbit/s",
          mpps(res.tx_pps), res.tx_mbps, mpps(res.rx_pps), res.rx_mbps)
    M.log("  pktgen: port %d tx errors %d; port %d rx missed %d, rx no-mbuf %d", tx, t.oerrors,
          rx, r.missed, r.nombuf)
    M.log("RESULT %s rate_pct=%g secs=%d tx_pkts=%d rx_pkts=%d lost=%d loss_pct=%.6f "
          .. "tx_mpps=%.4f rx_mpps=%.4f", name, P.RATE, P.DURATION_SECS, res.tx_pkts,
          res.rx_pkts, lost, res.loss_pct, mpps(res.tx_pps), mpps(res.rx_pps))
    M.vgwctl_log(P.VGWCTL, name .. " after the run", "show stats", P.VGWCTL_LOG)
    return res
end

-- Common ending: screen back on (or quit when asked).
function M.finish(P)
    M.close_results()
    if P.QUIT then
        pktgen.quit()
    elseif P.SCREEN_OFF then
        pktgen.screen("on")
    end
end

function M.start(P)
    if P.SCREEN_OFF then pktgen.screen("off") end
    M.open_results(P.RESULTS)
end

return M
