#!/usr/bin/env bash
# Installs every Debian 12 package the build, the tests and the demo need, and
# prepares hugepages when the kernel allows it (vgwd falls back to --no-huge).
set -euo pipefail
PKGS=(build-essential meson ninja-build pkg-config
      libdpdk-dev libbpf-dev libxdp-dev libcunit1-dev libmnl-dev libpcap-dev
      python3 python3-scapy iproute2 ethtool iputils-ping netcat-openbsd
      tcpdump procps dpdk-dev  # dpdk-dev: dpdk-testpmd (the benchmark's ceiling), dpdk-dumpcap (e2e capture)
      bird2 frr                # BGP daemons of the BGP e2e tests (conf/bird, conf/frr)
      clang llvm bpftool       # vgw's XDP program (bpf target); bpftool: the XDP e2e test reads its maps
      libasan8 libubsan1       # gcc 12's ASan (with LSan) and UBSan runtimes: the build-asan tests
      libclang-rt-14-dev       # libFuzzer and the sanitizer runtimes of the fuzz build (tests/fuzz)
      valgrind                 # callgrind: tests/bench/profile.sh --callgrind (instructions per packet)
      prometheus curl          # the metrics e2e test: a real scraper, promtool, HTTP queries
      libedit-dev              # vgwctl's interactive prompt (line editing, history, completion)
      groff-base man-db        # the generated man pages render (unit-docgen)
      debhelper dpkg-dev fakeroot lintian systemd)  # the package test (tests/pkg): dpkg-buildpackage, lintian, systemd-analyze verify
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages: ${missing[*]} (run as root to install)" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  # Routing daemons and Prometheus installed here are for the tests, which
  # run their own instances (in namespaces, on loopback ports of their own):
  # the package's system service must not run (a container's policy-rc.d may
  # already have kept it from starting).
  for p in "${missing[@]}"; do
    case $p in
      bird2) svc=bird ;;
      frr) svc=frr ;;
      prometheus) svc=prometheus ;;
      *) continue ;;
    esac
    if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
      systemctl disable --now "$svc.service" >/dev/null 2>&1 || true
    elif [ -x "/etc/init.d/$svc" ]; then
      "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
    fi
  done
fi
