/* AF_XDP ports: see xdp_port.h. */
#include "xdp_port.h"

#include <errno.h>
#include <ifaddrs.h>
#include <libgen.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <linux/sockios.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <rte_log.h>

#include "../core/gw.h"
#include "../core/log.h"
#include "../net/ip4.h"
#include "../port/port_mtu.h"
#include "vgw_version.h"

static struct vgw_xdp_port_info info[VGW_MAX_PORTS];
static char prog_path[PATH_MAX];

bool vgw_xdp_any(void)
{
	for (int i = 0; i < vgw_gw.n_ports; i++)
		if (vgw_gw.ports[i].xdp_iface[0])
			return true;
	return false;
}

const struct vgw_xdp_port_info *vgw_xdp_port_info(uint16_t port)
{
	return port < VGW_MAX_PORTS ? &info[port] : NULL;
}

const char *vgw_xdp_program_path(void)
{
	return prog_path;
}

const char *vgw_xdp_mode_name(uint8_t mode)
{
	switch (mode) {
	case XDP_ATTACHED_DRV:
		return "native";
	case XDP_ATTACHED_SKB:
		return "generic";
	case XDP_ATTACHED_HW:
		return "offload";
	case XDP_ATTACHED_MULTI:
		return "multi";
	default:
		return "-";
	}
}

/* libbpf's messages (the verifier's log among them) go to vgwd's log */
static int libbpf_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	/* formatted here so that the line carries vgw.xdp's name */
	char line[512];
	vsnprintf(line, sizeof(line), fmt, ap);
	return VGW_LOG_AT(level == LIBBPF_WARN ? RTE_LOG_WARNING : RTE_LOG_INFO, xdp, "%s", line);
}

/* `xdp program PATH`, else vgw_xdp.o next to vgwd (a build tree), else the
 * installed one. */
static int find_program(char *err)
{
	if (vgw_xdp_conf.program[0]) {
		snprintf(prog_path, sizeof(prog_path), "%s", vgw_xdp_conf.program);
	} else {
		char exe[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		prog_path[0] = '\0';
		if (n > 0) {
			exe[n] = '\0';
			snprintf(prog_path, sizeof(prog_path), "%s/vgw_xdp.o", dirname(exe));
		}
		if (!prog_path[0] || access(prog_path, R_OK) != 0)
			snprintf(prog_path, sizeof(prog_path), "%s", VGW_XDP_INSTALL_PATH);
	}
	if (access(prog_path, R_OK) != 0) {
		snprintf(err, VGW_ERR_LEN,
			 "XDP program %s: %s (build it with ninja, or set 'xdp program PATH')",
			 prog_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The steering map is pinned by name under /sys/fs/bpf; under `ip netns
 * exec` (a fresh /sys) or on a minimal host bpffs is not mounted there. */
static int ensure_bpffs(char *err)
{
	struct statfs st;
	if (statfs(VGW_XDP_PIN_ROOT, &st) == 0 && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mkdir(VGW_XDP_PIN_ROOT, 0700) < 0 && errno != EEXIST) {
		snprintf(err, VGW_ERR_LEN, "cannot create %s for bpffs: %s", VGW_XDP_PIN_ROOT,
			 strerror(errno));
		return -1;
	}
	if (mount("bpf", VGW_XDP_PIN_ROOT, "bpf", 0, "mode=0700") < 0) {
		snprintf(err, VGW_ERR_LEN,
			 "bpffs is not mounted on %s and mounting it failed: %s (vgwd needs "
			 "CAP_SYS_ADMIN for that; or mount it first: mount -t bpf bpf %s)",
			 VGW_XDP_PIN_ROOT, strerror(errno), VGW_XDP_PIN_ROOT);
		return -1;
	}
	VGW_LOG(NOTICE, xdp, "mounted bpffs on %s\n", VGW_XDP_PIN_ROOT);
	return 0;
}

static uint8_t mask_len(uint32_t m)
{
	return (uint8_t)__builtin_popcount(m);
}

/* The kernel owns the interface's addresses: the port's must be among them,
 * or its neighbours would answer ARP for an address nobody holds. */
static int check_addresses(const struct vgw_port *p, char *err)
{
	struct ifaddrs *ifs;
	if (getifaddrs(&ifs) < 0) {
		snprintf(err, VGW_ERR_LEN, "port %s: cannot list addresses: %s", p->name,
			 strerror(errno));
		return -1;
	}
	int rc = 0;
	for (int a = 0; a < p->n_addrs && rc == 0; a++) {
		bool found = false;
		for (struct ifaddrs *i = ifs; i && !found; i = i->ifa_next) {
			if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !i->ifa_netmask ||
			    strcmp(i->ifa_name, p->xdp_iface) != 0)
				continue;
			uint32_t ip = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
			uint32_t m = ntohl(((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr);
			found = ip == p->addrs[a].ip && mask_len(m) == p->addrs[a].plen;
		}
		if (!found) {
			char s[VGW_PREFIX_STRLEN];
			vgw_prefix_str(p->addrs[a].ip, p->addrs[a].plen, s);
			snprintf(err, VGW_ERR_LEN,
				 "port %s: %s is not an address of %s; in af-xdp mode the kernel "
				 "owns the interface: add it there (ip addr add %s dev %s)",
				 p->name, s, p->xdp_iface, s, p->xdp_iface);
			rc = -1;
		}
	}
	freeifaddrs(ifs);
	return rc;
}

/* Receive queues of the interface, and how many of them the af_xdp PMD can
 * bind (it counts combined channels only; 1 when the driver has none, like
 * veth). */
static int iface_queues(const char *ifname, unsigned int *rx, unsigned int *bindable,
			unsigned int *mtu, char *err)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, VGW_ERR_LEN, "socket: %s", strerror(errno));
		return -1;
	}
	struct ethtool_channels ch = {.cmd = ETHTOOL_GCHANNELS};
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ch;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0 || (ch.max_combined == 0 && ch.rx_count == 0)) {
		*rx = *bindable = 1;
	} else if (ch.max_combined == 0) {
		*rx = ch.rx_count;
		*bindable = 1;
	} else {
		*rx = ch.combined_count + ch.rx_count;
		*bindable = ch.combined_count;
	}
	close(fd);
	return vgw_port_iface_mtu(ifname, mtu, err);
}

static uint32_t attached_id(const struct bpf_xdp_query_opts *q)
{
	return q->prog_id ? q->prog_id
	       : q->drv_prog_id ? q->drv_prog_id
	       : q->skb_prog_id ? q->skb_prog_id
				: q->hw_prog_id;
}

static uint32_t mode_flags(uint8_t mode)
{
	return mode == XDP_ATTACHED_DRV ? XDP_FLAGS_DRV_MODE
	       : mode == XDP_ATTACHED_SKB ? XDP_FLAGS_SKB_MODE
	       : mode == XDP_ATTACHED_HW  ? XDP_FLAGS_HW_MODE
					  : 0;
}

/* The kernel's name of program id (at most 15 characters), "" if unknown. */
static void program_name(uint32_t id, char name[BPF_OBJ_NAME_LEN])
{
	name[0] = '\0';
	int fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0)
		return;
	struct bpf_prog_info pi;
	memset(&pi, 0, sizeof(pi));
	__u32 len = sizeof(pi);
	if (bpf_obj_get_info_by_fd(fd, &pi, &len) == 0)
		snprintf(name, BPF_OBJ_NAME_LEN, "%s", pi.name);
	close(fd);
}

/* Detaches what the interface runs if it is vgw's program. 1: detached,
 * 0: nothing attached, -1: someone else's (name filled). */
static int detach_ours(int ifindex, char other[BPF_OBJ_NAME_LEN], uint32_t *id_out)
{
	struct bpf_xdp_query_opts q = {.sz = sizeof(q)};
	if (bpf_xdp_query(ifindex, 0, &q) < 0)
		return 0;
	uint32_t id = attached_id(&q);
	*id_out = id;
	if (!id)
		return 0;
	program_name(id, other);
	if (q.attach_mode == XDP_ATTACHED_MULTI || strcmp(other, VGW_XDP_PROG_NAME) != 0)
		return -1;
	bpf_xdp_detach(ifindex, mode_flags(q.attach_mode), NULL);
	return 1;
}

/* Loads the program and attaches it natively (generic if the driver has no
 * native XDP), then detaches it: every refusal the PMD would only log is
 * reported here in words. The pinned steering map is created (or reused)
 * by this load. */
static int dry_run(const struct vgw_port *p, char *err)
{
	struct bpf_object *obj = bpf_object__open_file(prog_path, NULL);
	long oe = libbpf_get_error(obj);
	if (oe) {
		snprintf(err, VGW_ERR_LEN, "cannot open XDP program %s: %s", prog_path,
			 strerror((int)-oe));
		return -1;
	}
	int rc = bpf_object__load(obj);
	if (rc < 0) {
		int e = -rc;
		if (e == EPERM || e == EACCES)
			snprintf(err, VGW_ERR_LEN,
				 "the kernel refused to load %s: %s (vgwd needs root: CAP_BPF, "
				 "CAP_NET_ADMIN and CAP_SYS_ADMIN)", prog_path, strerror(e));
		else
			snprintf(err, VGW_ERR_LEN,
				 "the kernel refused to load %s: %s (a kernel without BPF/XDP, or "
				 "%s/%s pinned by another vgw version: remove that file)",
				 prog_path, strerror(e), VGW_XDP_PIN_ROOT, VGW_XDP_ADDRS_MAP);
		bpf_object__close(obj);
		return -1;
	}
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, VGW_XDP_PROG_NAME);
	if (!prog) {
		snprintf(err, VGW_ERR_LEN, "%s has no program %s: not vgw's XDP object", prog_path,
			 VGW_XDP_PROG_NAME);
		bpf_object__close(obj);
		return -1;
	}
	int fd = bpf_program__fd(prog);
	uint32_t flags = XDP_FLAGS_DRV_MODE;
	rc = bpf_xdp_attach(p->xdp_ifindex, fd, flags | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	if (rc == -EOPNOTSUPP) {
		flags = XDP_FLAGS_SKB_MODE;
		rc = bpf_xdp_attach(p->xdp_ifindex, fd, flags | XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
		if (rc == 0)
			VGW_LOG(WARNING, xdp,
				"port %s: the driver of %s has no native XDP: generic mode (works; "
				"every packet costs the kernel an skb first)\n", p->name, p->xdp_iface);
	}
	if (rc == 0)
		bpf_xdp_detach(p->xdp_ifindex, flags, NULL);
	bpf_object__close(obj);
	if (rc < 0) {
		int e = -rc;
		const char *why = e == EPERM || e == EACCES ? " (vgwd needs CAP_NET_ADMIN)"
				  : e == ERANGE || e == EINVAL
					  ? " (the interface's MTU may be too large for XDP on this "
					    "driver: lower it)"
				  : e == EBUSY || e == EEXIST ? " (another XDP program was attached)"
							      : "";
		snprintf(err, VGW_ERR_LEN, "port %s: cannot attach XDP to %s: %s%s", p->name,
			 p->xdp_iface, strerror(e), why);
		return -1;
	}
	return 0;
}

static int prepare_one(struct vgw_port *p, char *err)
{
	p->xdp_ifindex = (int)if_nametoindex(p->xdp_iface);
	if (!p->xdp_ifindex) {
		snprintf(err, VGW_ERR_LEN, "port %s: no interface %s (af-xdp): %s", p->name,
			 p->xdp_iface, strerror(errno));
		return -1;
	}
	unsigned int rx, bindable, mtu, nw = vgw_gw.n_workers;
	if (iface_queues(p->xdp_iface, &rx, &bindable, &mtu, err) < 0)
		return -1;
	if (bindable < nw) {
		snprintf(err, VGW_ERR_LEN,
			 "port %s: %s has %u queue(s) AF_XDP can bind, vgwd needs one per worker "
			 "(%u): ethtool -L %s combined %u, or fewer workers",
			 p->name, p->xdp_iface, bindable, nw, p->xdp_iface, nw);
		return -1;
	}
	if (rx > nw) {
		snprintf(err, VGW_ERR_LEN,
			 "port %s: %s receives on %u queues but vgwd binds %u (one per worker): "
			 "traffic on the others would miss vgwd; ethtool -L %s combined %u",
			 p->name, p->xdp_iface, rx, nw, p->xdp_iface, nw);
		return -1;
	}
	if (mtu < 576 || mtu > 9000) {
		snprintf(err, VGW_ERR_LEN, "port %s: %s has MTU %u; vgwd supports 576-9000",
			 p->name, p->xdp_iface, mtu);
		return -1;
	}
	p->mtu = (uint16_t)mtu;
	if (check_addresses(p, err) < 0)
		return -1;
	char other[BPF_OBJ_NAME_LEN];
	uint32_t id = 0;
	int d = detach_ours(p->xdp_ifindex, other, &id);
	if (d < 0) {
		snprintf(err, VGW_ERR_LEN,
			 "port %s: %s already runs XDP program %u ('%s'); vgwd does not replace "
			 "another program: remove it (ip link set dev %s xdp off) or use another "
			 "interface", p->name, p->xdp_iface, id, other, p->xdp_iface);
		return -1;
	}
	if (d > 0)
		VGW_LOG(WARNING, xdp,
			"port %s: detached vgw's XDP program %u that an earlier vgwd left on %s\n",
			p->name, id, p->xdp_iface);
	if (dry_run(p, err) < 0)
		return -1;
	int n = snprintf(p->dev, sizeof(p->dev),
			 "net_af_xdp_%s,iface=%s,start_queue=0,queue_count=%u,xdp_prog=%s",
			 p->xdp_iface, p->xdp_iface, nw, prog_path);
	if (n < 0 || (size_t)n >= sizeof(p->dev)) {
		snprintf(err, VGW_ERR_LEN, "port %s: XDP program path too long for the devargs",
			 p->name);
		return -1;
	}
	return 0;
}

int vgw_xdp_prepare(char *err)
{
	for (int i = 0; i < VGW_MAX_PORTS; i++)
		info[i] = (struct vgw_xdp_port_info){.stats_fd = -1};
	if (!vgw_xdp_any())
		return 0;
	libbpf_set_print(libbpf_log);
	if (find_program(err) < 0 || ensure_bpffs(err) < 0)
		return -1;
	for (int i = 0; i < vgw_gw.n_ports; i++)
		if (vgw_gw.ports[i].xdp_iface[0] && prepare_one(&vgw_gw.ports[i], err) < 0)
			return -1;
	return 0;
}

/* The attachment's counters: the program's map named VGW_XDP_STATS_MAP. */
static int find_stats(uint32_t prog_id)
{
	int pfd = bpf_prog_get_fd_by_id(prog_id);
	if (pfd < 0)
		return -1;
	__u32 ids[8];
	struct bpf_prog_info pi;
	memset(&pi, 0, sizeof(pi));
	pi.nr_map_ids = 8;
	pi.map_ids = (__u64)(uintptr_t)ids;
	__u32 len = sizeof(pi);
	int found = -1;
	if (bpf_obj_get_info_by_fd(pfd, &pi, &len) == 0) {
		for (__u32 i = 0; i < pi.nr_map_ids && i < 8 && found < 0; i++) {
			int mfd = bpf_map_get_fd_by_id(ids[i]);
			if (mfd < 0)
				continue;
			struct bpf_map_info mi;
			memset(&mi, 0, sizeof(mi));
			__u32 ml = sizeof(mi);
			if (bpf_obj_get_info_by_fd(mfd, &mi, &ml) == 0 &&
			    strcmp(mi.name, VGW_XDP_STATS_MAP) == 0)
				found = mfd;
			else
				close(mfd);
		}
	}
	close(pfd);
	return found;
}

int vgw_xdp_started(char *err)
{
	for (int i = 0; i < vgw_gw.n_ports; i++) {
		struct vgw_port *p = &vgw_gw.ports[i];
		if (!p->xdp_iface[0])
			continue;
		struct bpf_xdp_query_opts q = {.sz = sizeof(q)};
		uint32_t id = bpf_xdp_query(p->xdp_ifindex, 0, &q) == 0 ? attached_id(&q) : 0;
		char name[BPF_OBJ_NAME_LEN] = "";
		if (id)
			program_name(id, name);
		if (!id || strcmp(name, VGW_XDP_PROG_NAME) != 0) {
			snprintf(err, VGW_ERR_LEN,
				 "port %s: vgw's XDP program is not attached to %s after set-up "
				 "(found %u '%s')", p->name, p->xdp_iface, id, name);
			return -1;
		}
		info[i].prog_id = id;
		info[i].mode = q.attach_mode;
		info[i].queues = p->nb_rxq;
		info[i].stats_fd = find_stats(id);
		VGW_LOG(NOTICE, xdp, "port %s: XDP program %u on %s (%s), %u AF_XDP socket(s)\n",
			p->name, id, p->xdp_iface, vgw_xdp_mode_name(q.attach_mode), p->nb_rxq);
	}
	return 0;
}

void vgw_xdp_port_counters(uint16_t port, uint64_t c[VGW_XDP_ST_MAX])
{
	memset(c, 0, sizeof(uint64_t) * VGW_XDP_ST_MAX);
	if (port >= VGW_MAX_PORTS || info[port].stats_fd < 0)
		return;
	int ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0 || ncpu > 4096)
		return;
	uint64_t v[ncpu];
	for (__u32 k = 0; k < VGW_XDP_ST_MAX; k++)
		if (bpf_map_lookup_elem(info[port].stats_fd, &k, v) == 0)
			for (int cpu = 0; cpu < ncpu; cpu++)
				c[k] += v[cpu];
}

void vgw_xdp_close(void)
{
	for (int i = 0; i < vgw_gw.n_ports; i++) {
		struct vgw_port *p = &vgw_gw.ports[i];
		if (!p->xdp_iface[0] || !p->xdp_ifindex)
			continue;
		char other[BPF_OBJ_NAME_LEN];
		uint32_t id = 0;
		if (detach_ours(p->xdp_ifindex, other, &id) > 0)
			VGW_LOG(WARNING, xdp, "port %s: XDP program %u was still on %s: detached\n",
				p->name, id, p->xdp_iface);
		if (info[i].stats_fd >= 0)
			close(info[i].stats_fd);
		info[i] = (struct vgw_xdp_port_info){.stats_fd = -1};
	}
}
