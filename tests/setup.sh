#!/usr/bin/env bash
# Installs every Debian 12 package the build, the tests and the demo need, and
# prepares hugepages when the kernel allows it (vgwd falls back to --no-huge).
set -euo pipefail
PKGS=(build-essential meson ninja-build pkg-config
      libdpdk-dev libbpf-dev libxdp-dev libcunit1-dev libmnl-dev libpcap-dev
      python3 python3-scapy iproute2 ethtool iputils-ping netcat-openbsd
      tcpdump procps dpdk-dev)  # dpdk-dev: dpdk-testpmd, the benchmark's ceiling
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
fi
