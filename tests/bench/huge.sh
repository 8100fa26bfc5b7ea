# shellcheck shell=bash
# The bench's DPDK memory (sourced by lib.sh and fib-scale.sh): 2 MiB
# hugepages, as a deployment runs, when the harness can reserve them (root);
# else --no-huge, the fallback.
#
#   huge_setup MEM [WHY]
#                    reserve MEM MiB of 2 MiB pages (the largest -m of the
#                    run) and mount hugetlbfs on a temporary directory if no
#                    2 MiB hugetlbfs is mounted. Sets EAL_HUGE (the EAL
#                    arguments but -m: the same for every DPDK process of the
#                    run, vgwd and testpmd) and MEM_MODE (the report's words).
#                    WHY: a reason to use --no-huge instead (profile.sh
#                    --callgrind).
#   huge_cleanup     give back what huge_setup took: unmount, then lower
#                    nr_hugepages by the pages it added, which restores the
#                    previous count (and stays right if another harness
#                    reserved pages meanwhile). Call it from the EXIT trap,
#                    after the DPDK processes are gone.
#
# The pages are added to what the machine has, not taken from its free ones:
# two harnesses at once each own theirs. The EAL unlinks its hugepage files
# (--huge-unlink), so a process's pages go back to the pool when it exits.
# VGW_BENCH_NO_HUGE=1 forces --no-huge (bench-smoke tests the fallback).
# The count is the 2 MiB size's own (HUGE_SYS), which is
# /proc/sys/vm/nr_hugepages when 2 MiB is the default size.
HUGE_SYS=/sys/kernel/mm/hugepages/hugepages-2048kB
HUGE_ADDED=0 HUGE_MNT='' EAL_HUGE=--no-huge MEM_MODE=no-huge

# the first hugetlbfs mount of 2 MiB pages (pagesize=2M, or no pagesize
# option when the default size is 2 MiB)
huge_find_mount() {
  local def
  def=$(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo)
  awk -v def="$def" '$3 == "hugetlbfs" &&
    ($4 ~ /pagesize=2M/ || ($4 !~ /pagesize=/ && def == 2048)) {print $2; exit}' /proc/mounts
}

huge_release() {
  [ "$HUGE_ADDED" -gt 0 ] || return 0
  (
    flock 9
    echo $(( $(cat "$HUGE_SYS/nr_hugepages") - HUGE_ADDED )) >"$HUGE_SYS/nr_hugepages"
  ) 9>/tmp/vgw-hugepages.lock || echo "huge.sh: could not give back $HUGE_ADDED hugepages" >&2
  HUGE_ADDED=0
}

huge_setup() {
  local need=$(( ($1 + 1) / 2 )) why=${2:-} dir
  EAL_HUGE=--no-huge
  if [ -n "$why" ]; then
    :
  elif [ "${VGW_BENCH_NO_HUGE:-0}" = 1 ]; then
    why="VGW_BENCH_NO_HUGE=1"
  elif [ "$(id -u)" != 0 ] || [ ! -w "$HUGE_SYS/nr_hugepages" ]; then
    why="cannot reserve hugepages (not root)"
  else
    # the read-modify-write of the count, one harness at a time
    {
      HUGE_ADDED=$(
        flock 9
        prev=$(cat "$HUGE_SYS/nr_hugepages")
        echo $((prev + need)) 2>/dev/null >"$HUGE_SYS/nr_hugepages" || true
        echo $(( $(cat "$HUGE_SYS/nr_hugepages") - prev ))
      )
    } 9>/tmp/vgw-hugepages.lock
    HUGE_ADDED=${HUGE_ADDED:-0}
    if [ "$HUGE_ADDED" -lt "$need" ]; then
      why="only $HUGE_ADDED of $need 2 MiB pages could be reserved"
      huge_release
    else
      dir=$(huge_find_mount)
      if [ -z "$dir" ]; then
        HUGE_MNT=$(mktemp -d /tmp/vgw-huge.XXXXXX)
        if mount -t hugetlbfs -o pagesize=2M nodev "$HUGE_MNT"; then
          dir=$HUGE_MNT
        else
          rmdir "$HUGE_MNT"; HUGE_MNT=''
          why="cannot mount hugetlbfs"
          huge_release
        fi
      fi
    fi
  fi
  if [ -n "$why" ]; then
    MEM_MODE="no-huge ($why)"
    echo "bench: $MEM_MODE; DPDK runs with --no-huge" >&2
    return 0
  fi
  EAL_HUGE="--huge-dir $dir --huge-unlink"
  MEM_MODE="hugepages $need x 2 MiB (reserved by the bench, hugetlbfs at $dir)"
}

huge_cleanup() {
  if [ -n "$HUGE_MNT" ]; then
    # lazily if a DPDK process the trap could not wait for still maps it
    umount "$HUGE_MNT" 2>/dev/null || umount -l "$HUGE_MNT" || true
    rmdir "$HUGE_MNT" 2>/dev/null || true
    HUGE_MNT=''
  fi
  huge_release
}
