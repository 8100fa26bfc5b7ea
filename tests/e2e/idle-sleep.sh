#!/usr/bin/env bash
# e2e idle-sleep: `worker idle-sleep US` lets an idle worker sleep instead of
# polling. The worker thread's CPU time (utime + stime of its task in
# /proc/PID/task, over 3 s) of an idle vgwd: without the setting the worker
# polls (close to a whole core), with `worker idle-sleep 200` it uses less
# than half a core and less than half of what it used without; show runtime
# counts the sleeps; running-config keeps the setting; pings through vgwd are
# still answered (the first packet after an idle spell waits at most a sleep).
# usage: idle-sleep.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
topo_init "${1:-}"
topo_create
TCK=$(getconf CLK_TCK)

# worker_task: the TID of vgwd's worker lcore thread (DPDK 22.11 names it rte-worker-N)
worker_task() {
  local t
  for t in /proc/"$VGWD_PID"/task/*; do
    grep -q '^rte-worker' "$t/comm" 2>/dev/null && { basename "$t"; return 0; }
  done
  return 1
}
# cpu_ticks TID: utime + stime (fields 14 and 15; comm has no spaces here)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$VGWD_PID/task/$1/stat"; }
# worker_cpu_pct SECS: the worker thread's CPU use over SECS, in % of a core
worker_cpu_pct() {
  local tid a b s=$1
  tid=$(worker_task) || { echo -1; return; }
  a=$(cpu_ticks "$tid"); sleep "$s"; b=$(cpu_ticks "$tid")
  echo $(( (b - a) * 100 / (s * TCK) ))
}

say "== idle vgwd, no idle-sleep: the worker polls"
vgwd_config 1
vgwd_start || die "vgwd did not become ready"
n=$(ping_count "$NS_C" 10.2.0.11 3)
check "ping r1 through vgwd (${n:-0}/3)" [ "${n:-0}" -ge 2 ]
sleep 1
busy=$(worker_cpu_pct 3)
info "worker CPU without idle-sleep: $busy% of a core"
check "the worker thread found and measured ($busy%)" [ "$busy" -ge 0 ]
check "running-config has no idle-sleep" bash -c "! $(printf '%q ' "$VGWCTL") -s '$VGW_SOCK' show running-config | grep -q 'idle-sleep'"
vgwd_stop

say "== idle vgwd with worker idle-sleep 200"
echo "worker idle-sleep 200" >>"$VGW_CONF"
vgwd_start || die "vgwd did not become ready with worker idle-sleep 200"
n=$(ping_count "$NS_C" 10.2.0.11 5)
check "ping r1 through a sleeping-when-idle vgwd (${n:-0}/5)" [ "${n:-0}" -ge 4 ]
sleep 1
vctl runtime clear >/dev/null
lazy=$(worker_cpu_pct 3)
info "worker CPU with idle-sleep 200: $lazy% of a core (without: $busy%)"
ok=false; [ "$lazy" -ge 0 ] && [ "$lazy" -lt 50 ] && ok=true
check "idle worker uses less than 50% of a core with idle-sleep ($lazy%)" $ok
check "and less than half of what it used without ($lazy% vs $busy%)" [ $((lazy * 2)) -lt "$busy" ]
s=$(vctl -j show runtime | json_get "d['workers'][0]['sleeps']")
check "show runtime counts the sleeps (${s:-none})" [ "${s:-0}" -gt 100 ]
cfg=$(vctl show running-config)
check "running-config keeps 'worker idle-sleep 200'" grep -qx 'worker idle-sleep 200' <<<"$cfg"
check "a 2 MiB TCP transfer through vgwd with idle-sleep" tcp_transfer 2 10.2.0.11 5003
vgwd_stop

say "== bad values are refused with the setting's range"
for v in 0 10001 abc; do
  sed -i '$d' "$VGW_CONF"; echo "worker idle-sleep $v" >>"$VGW_CONF"
  out=$(nsx "$NS_G" timeout 20 "$VGWD" -c "$VGW_CONF" 2>&1); rc=$?
  info "idle-sleep $v: exit $rc: $(tail -n 1 <<<"$out")"
  ok=false; [ "$rc" -ne 0 ] && grep -q "worker idle-sleep" <<<"$out" && ok=true
  check "worker idle-sleep $v refused, naming the setting" $ok
done
finish
