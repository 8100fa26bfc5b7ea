/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_xdp_prog.c - vgw's XDP program (lib/xdp/vgw_xdp.bpf.c, the object
 * meson builds as app/vgwd/vgw_xdp.o, given as argv[1]) run by the kernel on
 * crafted frames with BPF_PROG_TEST_RUN, ingress_ifindex 1 (lo), queue 0.
 *
 * Proves, verdict and per-CPU counters (vgw_xdp_stats) for each frame:
 * EIP and VIP addresses are steered whatever the protocol; a VTEP address
 * only for UDP to its VXLAN port (IP options or not, first fragment or
 * whole), while TCP, ICMP, other UDP ports and non-first fragments to it
 * pass; an entry of another ifindex does not steer on lo (and, when the
 * namespace has a second interface, does steer there, where lo's entries
 * do not); ARP, IPv6, VLAN-tagged frames and unknown addresses pass; frames
 * truncated in the IPv4 or (VTEP) UDP header, and a VTEP frame with
 * ihl < 5, count as short (frames under 14 bytes too, if the kernel lets a
 * test run them: 6.18 refuses them with EINVAL). With no socket in xsks_map
 * a steered frame falls back to XDP_PASS and counts as no_socket; with an
 * AF_XDP socket on queue 0 it is XDP_REDIRECT and counts as redirect. The
 * program never changes the frame.
 *
 * The steering map's pinning is switched off before loading: the test never
 * touches /sys/fs/bpf. Needs root and a kernel with BPF: exits 77 (meson's
 * "skipped") when not root or when the kernel refuses the load with EPERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "unit.h"
#include "xdp/xdp_abi.h"

#define SKIP 77
#define LO 1 /* lo's ifindex in every network namespace */
#define VXLAN 4789

/* addresses in the steering map */
#define A_EIP 0xcb00710au   /* 203.0.113.10, EIP on lo */
#define A_VIP 0xc6336414u   /* 198.51.100.20, VIP on lo */
#define A_VTEP 0xc0000201u  /* 192.0.2.1, VTEP (UDP 4789) on lo */
#define A_BOTH 0xc0000202u  /* 192.0.2.2, EIP and VTEP on lo */
#define A_OTHER 0xcb00714du /* 203.0.113.77, EIP on another interface only */
#define A_NONE 0x0a090909u  /* 10.9.9.9, not the gateway's */

static struct bpf_object *obj;
static int prog_fd = -1, addrs_fd = -1, stats_fd = -1, xsks_fd = -1;
static int ncpu;
/* another interface of this namespace (its ifindex), 2 when there is none */
static uint32_t other_if = 2;
static bool other_real;

struct frame {
	uint8_t b[256];
	size_t len;
};

static void eth(struct frame *f, uint16_t type)
{
	static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 0x01}, src[6] = {0x02, 0, 0, 0, 0, 0x02};
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, src, 6);
	f->b[12] = (uint8_t)(type >> 8);
	f->b[13] = (uint8_t)type;
	f->len = 14;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Ethernet + IPv4 (ihl words, options NOPs) + an L4 header for proto
 * (UDP, TCP with dport, ICMP echo, else 8 bytes) + 8 bytes of payload. */
static struct frame ip4(uint32_t daddr, uint8_t proto, uint16_t dport, uint8_t ihl,
			uint16_t frag_off)
{
	struct frame f;
	memset(&f, 0, sizeof(f));
	eth(&f, ETH_P_IP);
	uint8_t *ip = f.b + 14;
	size_t hl = (ihl >= 5 ? ihl : 5) * 4u; /* room for a real header either way */
	size_t l4 = proto == IPPROTO_TCP ? 20 : 8;
	size_t tot = hl + l4 + 8;
	ip[0] = (uint8_t)(0x40 | (ihl & 0xf));
	put16(ip + 2, (uint16_t)tot);
	put16(ip + 4, 0x1234);
	put16(ip + 6, frag_off);
	ip[8] = 64;
	ip[9] = proto;
	uint32_t s = htonl(0x0a090909u), d = htonl(daddr);
	memcpy(ip + 12, &s, 4);
	memcpy(ip + 16, &d, 4);
	for (size_t i = 20; i < hl; i++)
		ip[i] = 1; /* NOP options */
	put16(ip + 10, unit_cksum(ip, hl));
	uint8_t *t = ip + hl;
	if (proto == IPPROTO_UDP) {
		put16(t, 43210);
		put16(t + 2, dport);
		put16(t + 4, (uint16_t)(8 + 8));
		t[8] = 0x08; /* a VXLAN header: I flag, VNI 100 */
		t[14] = 100;
	} else if (proto == IPPROTO_TCP) {
		put16(t, 43210);
		put16(t + 2, dport);
		t[12] = 0x50;
		t[13] = 0x02; /* SYN */
	} else if (proto == IPPROTO_ICMP) {
		t[0] = 8; /* echo request */
	}
	f.len = 14 + tot;
	return f;
}

static struct frame udp(uint32_t daddr, uint16_t dport)
{
	return ip4(daddr, IPPROTO_UDP, dport, 5, 0);
}

static struct frame truncated(struct frame f, size_t len)
{
	f.len = len;
	return f;
}

static void read_counters(uint64_t c[VGW_XDP_ST_MAX])
{
	uint64_t *v = calloc((size_t)ncpu, sizeof(*v));
	for (uint32_t i = 0; i < VGW_XDP_ST_MAX; i++) {
		c[i] = 0;
		if (bpf_map_lookup_elem(stats_fd, &i, v) != 0) {
			fprintf(stderr, "\n  reading counter %u: %s\n", i, strerror(errno));
			CU_FAIL("counter read");
			continue;
		}
		for (int k = 0; k < ncpu; k++)
			c[i] += v[k];
	}
	free(v);
}

static const char *const stat_names[] = {
#define X(id, name, help) name,
	VGW_XDP_STATS(X)
#undef X
};

/* Runs f `repeat` times on (ifindex, queue 0); checks the verdict, that
 * only counter `stat` moved, by `repeat`, and that the frame came back
 * unchanged. */
static void check_at(const char *file, int line, const char *what, const struct frame *f,
		     uint32_t ifindex, int repeat, uint32_t verdict, int stat)
{
	uint8_t out[300];
	const uint8_t *in = f->b;
	size_t n = f->len;
	struct xdp_md ctx = {.data_end = (__u32)n, .ingress_ifindex = ifindex,
			     .rx_queue_index = 0};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (__u32)n,
		    .data_out = out, .data_size_out = sizeof(out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = repeat);
	uint64_t before[VGW_XDP_ST_MAX], after[VGW_XDP_ST_MAX];
	read_counters(before);
	int rc = bpf_prog_test_run_opts(prog_fd, &o);
	read_counters(after);
	bool ok = rc == 0 && o.retval == verdict;
	char moved[128] = "";
	size_t m = 0;
	for (int i = 0; i < VGW_XDP_ST_MAX; i++) {
		uint64_t d = after[i] - before[i];
		if (d)
			m += (size_t)snprintf(moved + m, sizeof(moved) - m, " %s+%llu", stat_names[i],
					      (unsigned long long)d);
		ok &= d == (i == stat ? (uint64_t)repeat : 0);
	}
	bool same = rc == 0 && o.data_size_out == n && memcmp(in, out, n) == 0;
	ok &= same;
	if (!ok)
		fprintf(stderr, "\n  %s:%d: %s: rc %d (%s), verdict %u (want %u), counters:%s (want "
			"%s+%d)%s\n", file, line, what, rc, rc ? strerror(-rc) : "ok", o.retval,
			verdict, moved, stat_names[stat], repeat, same ? "" : ", frame CHANGED");
	CU_assertImplementation(ok, line, what, file, "", CU_FALSE);
}
#define CHECK_ON(ifindex, what, f, verdict, stat)                                         \
	do {                                                                              \
		struct frame f_ = (f);                                                    \
		check_at(__FILE__, __LINE__, what, &f_, ifindex, 1, verdict,              \
			 VGW_XDP_ST_##stat);                                              \
	} while (0)
#define CHECK(what, f, verdict, stat) CHECK_ON(LO, what, f, verdict, stat)
#define STEERED(what, f) CHECK(what, f, XDP_PASS, NO_SOCKET)
#define PASSED(what, f) CHECK(what, f, XDP_PASS, PASS)
#define SHORT(what, f) CHECK(what, f, XDP_PASS, SHORT)

static void test_eip_vip(void)
{
	STEERED("EIP, UDP", udp(A_EIP, 53));
	STEERED("EIP, UDP to the VXLAN port", udp(A_EIP, VXLAN));
	STEERED("EIP, TCP", ip4(A_EIP, IPPROTO_TCP, 22, 5, 0));
	STEERED("EIP, ICMP", ip4(A_EIP, IPPROTO_ICMP, 0, 5, 0));
	STEERED("EIP, GRE", ip4(A_EIP, 47, 0, 5, 0));
	STEERED("EIP, non-first fragment", ip4(A_EIP, IPPROTO_UDP, 53, 5, 185));
	STEERED("EIP, IP options", ip4(A_EIP, IPPROTO_TCP, 80, 7, 0));
	/* no L4 header needed */
	STEERED("EIP, IP header only", truncated(udp(A_EIP, 53), 14 + 20));
	STEERED("VIP, TCP", ip4(A_VIP, IPPROTO_TCP, 443, 5, 0));
	STEERED("VIP, UDP", udp(A_VIP, 53));
	STEERED("VIP, ICMP", ip4(A_VIP, IPPROTO_ICMP, 0, 5, 0));
	/* an address that is EIP and VTEP takes everything, as an EIP */
	STEERED("EIP+VTEP, TCP", ip4(A_BOTH, IPPROTO_TCP, 22, 5, 0));
	STEERED("EIP+VTEP, UDP 4789", udp(A_BOTH, VXLAN));
	/* many in a row: counted each time */
	struct frame f = udp(A_EIP, 53);
	check_at(__FILE__, __LINE__, "EIP x100", &f, LO, 100, XDP_PASS, VGW_XDP_ST_NO_SOCKET);
}

static void test_vtep(void)
{
	STEERED("VTEP, UDP to the VXLAN port", udp(A_VTEP, VXLAN));
	STEERED("VTEP, IP options (ihl 6)", ip4(A_VTEP, IPPROTO_UDP, VXLAN, 6, 0));
	STEERED("VTEP, IP options (ihl 15)", ip4(A_VTEP, IPPROTO_UDP, VXLAN, 15, 0));
	STEERED("VTEP, first fragment (MF)", ip4(A_VTEP, IPPROTO_UDP, VXLAN, 5, 0x2000));
	STEERED("VTEP, DF set", ip4(A_VTEP, IPPROTO_UDP, VXLAN, 5, 0x4000));
	/* exactly the UDP header, no payload */
	STEERED("VTEP, UDP header only", truncated(udp(A_VTEP, VXLAN), 14 + 20 + 8));
	/* the host's own traffic to the same address stays with the kernel */
	PASSED("VTEP, UDP to another port", udp(A_VTEP, 4790));
	PASSED("VTEP, UDP to port 179", udp(A_VTEP, 179));
	PASSED("VTEP, TCP to the VXLAN port number", ip4(A_VTEP, IPPROTO_TCP, VXLAN, 5, 0));
	PASSED("VTEP, TCP 22", ip4(A_VTEP, IPPROTO_TCP, 22, 5, 0));
	PASSED("VTEP, ICMP", ip4(A_VTEP, IPPROTO_ICMP, 0, 5, 0));
	PASSED("VTEP, GRE", ip4(A_VTEP, 47, 0, 5, 0));
	/* non-first fragments carry no UDP header */
	PASSED("VTEP, non-first fragment", ip4(A_VTEP, IPPROTO_UDP, VXLAN, 5, 185));
	PASSED("VTEP, last fragment", ip4(A_VTEP, IPPROTO_UDP, VXLAN, 5, 1));
	PASSED("VTEP, non-first fragment with MF", ip4(A_VTEP, IPPROTO_UDP, VXLAN, 5, 0x2000 | 1));
	/* the UDP port is read after the options: 4789 where a 20-byte header
	 * would put the destination port, 1234 where it is */
	struct frame f = ip4(A_VTEP, IPPROTO_UDP, 1234, 6, 0);
	put16(f.b + 14 + 22, VXLAN);
	PASSED("VTEP, options, the VXLAN port only where ihl 5 would put it", f);
}

static void test_not_ours(void)
{
	PASSED("unknown address", udp(A_NONE, VXLAN));
	PASSED("another ifindex's EIP", udp(A_OTHER, 53));
	PASSED("another ifindex's EIP, TCP", ip4(A_OTHER, IPPROTO_TCP, 80, 5, 0));
	struct frame f;
	eth(&f, ETH_P_ARP);
	memset(f.b + 14, 0, 28);
	f.len = 14 + 28;
	PASSED("ARP", f);
	eth(&f, ETH_P_IPV6);
	memset(f.b + 14, 0, 48);
	f.b[14] = 0x60;
	f.len = 14 + 48;
	PASSED("IPv6", f);
	/* an 802.1Q tag in front of an IPv4 frame to the EIP */
	struct frame in = udp(A_EIP, 53);
	eth(&f, ETH_P_8021Q);
	put16(f.b + 14, 100);
	memcpy(f.b + 16, in.b + 12, in.len - 12);
	f.len = in.len + 4;
	PASSED("VLAN-tagged IPv4 to the EIP", f);
	f.b[12] = 0x88;
	f.b[13] = 0xa8;
	PASSED("802.1ad-tagged IPv4 to the EIP", f);
}

/* The same frames received on the other interface: its entry steers there,
 * lo's entries do not. Needs a second interface the kernel lets the test
 * run claim as ingress. */
static void test_other_ifindex(void)
{
	if (!other_real) {
		fprintf(stderr, "\n  (no second interface: only lo checked)");
		return;
	}
	struct frame f = udp(A_OTHER, 53);
	struct xdp_md ctx = {.data_end = (__u32)f.len, .ingress_ifindex = other_if};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f.b, .data_size_in = (__u32)f.len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	int rc = bpf_prog_test_run_opts(prog_fd, &o);
	if (rc != 0) {
		fprintf(stderr, "\n  (ifindex %u refused as ingress: %s; only lo checked)", other_if,
			strerror(-rc));
		return;
	}
	CHECK_ON(other_if, "its EIP on its own interface", udp(A_OTHER, 53), XDP_PASS, NO_SOCKET);
	CHECK_ON(other_if, "lo's EIP on another interface", udp(A_EIP, 53), XDP_PASS, PASS);
	CHECK_ON(other_if, "lo's VTEP on another interface", udp(A_VTEP, VXLAN), XDP_PASS, PASS);
}

static void test_short(void)
{
	struct frame f = udp(A_EIP, 53);
	/* The kernel refuses test input under an Ethernet header (EINVAL,
	 * metadata ahead of it or not), as drivers drop such runts: the
	 * program's first check cannot be run here. Should a kernel accept
	 * them, they must count as short. */
	static const size_t runts[] = {1, 6, 13};
	for (size_t i = 0; i < sizeof(runts) / sizeof(runts[0]); i++) {
		struct frame r = truncated(f, runts[i]);
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = r.b, .data_size_in = (__u32)r.len,
			    .repeat = 1);
		if (bpf_prog_test_run_opts(prog_fd, &o) == -EINVAL) {
			if (i == 0)
				fprintf(stderr, "\n  (the kernel refuses frames under 14 bytes: "
						"Ethernet-short not run)");
			continue;
		}
		SHORT("runt frame", r);
	}
	SHORT("Ethernet header only", truncated(f, 14));
	SHORT("IPv4 header cut (EIP)", truncated(f, 14 + 19));
	SHORT("IPv4 header cut (VTEP)", truncated(udp(A_VTEP, VXLAN), 14 + 1));
	SHORT("UDP header cut (VTEP)", truncated(udp(A_VTEP, VXLAN), 14 + 20 + 7));
	SHORT("UDP header missing (VTEP)", truncated(udp(A_VTEP, VXLAN), 14 + 20));
	/* options say the UDP header is further than the frame goes */
	SHORT("VTEP, ihl 15, frame ends in the options",
	      truncated(ip4(A_VTEP, IPPROTO_UDP, VXLAN, 15, 0), 14 + 40));
	SHORT("VTEP, ihl 8, UDP header cut",
	      truncated(ip4(A_VTEP, IPPROTO_UDP, VXLAN, 8, 0), 14 + 32 + 4));
	/* a header length below the minimum */
	SHORT("VTEP, ihl 4", ip4(A_VTEP, IPPROTO_UDP, VXLAN, 4, 0));
	SHORT("VTEP, ihl 0", ip4(A_VTEP, IPPROTO_UDP, VXLAN, 0, 0));
	/* what is not ours is passed before its length matters */
	PASSED("unknown address, UDP header cut", truncated(udp(A_NONE, VXLAN), 14 + 20 + 2));
	PASSED("VTEP, TCP, ihl 4", ip4(A_VTEP, IPPROTO_TCP, VXLAN, 4, 0));
	eth(&f, ETH_P_ARP);
	PASSED("ARP, Ethernet header only", f);
}

/* With an AF_XDP socket in xsks_map at queue 0, steered frames are
 * redirected (the test run stops at the verdict: nothing is received). */
static void test_redirect(void)
{
	int xs = socket(AF_XDP, SOCK_RAW, 0);
	if (xs < 0) {
		fprintf(stderr, "\n  no AF_XDP socket (%s): redirect not checked\n", strerror(errno));
		return;
	}
	uint32_t q = 0, v = (uint32_t)xs;
	if (bpf_map_update_elem(xsks_fd, &q, &v, BPF_ANY) != 0) {
		fprintf(stderr, "\n  xsks_map refuses an unbound socket (%s): redirect not checked\n",
			strerror(errno));
		close(xs);
		return;
	}
	CHECK("EIP with a socket", udp(A_EIP, 53), XDP_REDIRECT, REDIRECT);
	CHECK("VIP with a socket", ip4(A_VIP, IPPROTO_TCP, 80, 5, 0), XDP_REDIRECT, REDIRECT);
	CHECK("VTEP with a socket", udp(A_VTEP, VXLAN), XDP_REDIRECT, REDIRECT);
	PASSED("VTEP, TCP, with a socket", ip4(A_VTEP, IPPROTO_TCP, 22, 5, 0));
	PASSED("unknown address with a socket", udp(A_NONE, VXLAN));
	SHORT("cut frame with a socket", truncated(udp(A_VTEP, VXLAN), 14 + 20 + 4));
	ASSERT_EQ(bpf_map_delete_elem(xsks_fd, &q), 0);
	STEERED("EIP, socket gone", udp(A_EIP, 53));
	close(xs);
}

/* The steering map is this test's own: entries of ifindex 1 and 2 only. */
static void test_map_private(void)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, VGW_XDP_ADDRS_MAP);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT(!bpf_map__is_pinned(m));
	CU_ASSERT(bpf_map__pin_path(m) == NULL);
	struct vgw_xdp_key k, next;
	void *cur = NULL;
	int n = 0;
	while (bpf_map_get_next_key(addrs_fd, cur, &next) == 0) {
		k = next;
		cur = &k;
		CU_ASSERT(k.ifindex == LO || k.ifindex == other_if);
		n++;
	}
	ASSERT_EQ(n, 5);
}

static int add(uint32_t ifindex, uint32_t addr, uint8_t kind, uint16_t port)
{
	struct vgw_xdp_key k = {.ifindex = ifindex, .addr = htonl(addr)};
	struct vgw_xdp_val v = {.kind = kind, .vxlan_port = htons(port)};
	return bpf_map_update_elem(addrs_fd, &k, &v, BPF_NOEXIST);
}

/* Opens and loads the object, steering map unpinned. 0, SKIP, or 1. */
static int load(const char *path)
{
	if (geteuid() != 0) {
		fprintf(stderr, "test_xdp_prog: not root: skipped (BPF_PROG_TEST_RUN needs it)\n");
		return SKIP;
	}
	obj = bpf_object__open_file(path, NULL);
	long oe = libbpf_get_error(obj);
	if (oe) {
		fprintf(stderr, "test_xdp_prog: cannot open %s: %s\n", path, strerror((int)-oe));
		obj = NULL;
		return 1;
	}
	struct bpf_map *m = bpf_object__find_map_by_name(obj, VGW_XDP_ADDRS_MAP);
	if (!m || bpf_map__set_pin_path(m, NULL) != 0 || bpf_map__pin_path(m)) {
		fprintf(stderr, "test_xdp_prog: cannot unpin %s in %s\n", VGW_XDP_ADDRS_MAP, path);
		return 1;
	}
	/* the production size would allocate on demand anyway; keep it small */
	bpf_map__set_max_entries(m, 64);
	int rc = bpf_object__load(obj);
	if (rc == -EPERM || rc == -ENOSYS) {
		fprintf(stderr, "test_xdp_prog: the kernel refuses to load BPF (%s): skipped\n",
			strerror(-rc));
		return SKIP;
	}
	if (rc) {
		fprintf(stderr, "test_xdp_prog: loading %s: %s\n", path, strerror(-rc));
		return 1;
	}
	struct bpf_program *p = bpf_object__find_program_by_name(obj, VGW_XDP_PROG_NAME);
	struct bpf_map *s = bpf_object__find_map_by_name(obj, VGW_XDP_STATS_MAP);
	struct bpf_map *x = bpf_object__find_map_by_name(obj, "xsks_map");
	if (!p || !s || !x) {
		fprintf(stderr, "test_xdp_prog: %s lacks %s, %s or xsks_map\n", path,
			VGW_XDP_PROG_NAME, VGW_XDP_STATS_MAP);
		return 1;
	}
	prog_fd = bpf_program__fd(p);
	addrs_fd = bpf_map__fd(m);
	stats_fd = bpf_map__fd(s);
	xsks_fd = bpf_map__fd(x);
	struct if_nameindex *ifs = if_nameindex();
	for (struct if_nameindex *i = ifs; i && i->if_index; i++)
		if (i->if_index != LO) {
			other_if = i->if_index;
			other_real = true;
			break;
		}
	if (ifs)
		if_freenameindex(ifs);
	ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0) {
		fprintf(stderr, "test_xdp_prog: possible CPUs: %s\n", strerror(-ncpu));
		return 1;
	}
	if (add(LO, A_EIP, VGW_XDP_EIP, 0) || add(LO, A_VIP, VGW_XDP_VIP, 0) ||
	    add(LO, A_VTEP, VGW_XDP_VTEP, VXLAN) ||
	    add(LO, A_BOTH, VGW_XDP_EIP | VGW_XDP_VTEP, VXLAN) ||
	    add(other_if, A_OTHER, VGW_XDP_EIP, 0)) {
		fprintf(stderr, "test_xdp_prog: filling the steering map: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_xdp_prog PATH/vgw_xdp.o\n");
		return 1;
	}
	/* the pinned map of a vgwd on this host must not appear or change */
	struct stat st;
	bool pinned_before = stat(VGW_XDP_PIN_ROOT "/" VGW_XDP_ADDRS_MAP, &st) == 0;
	int rc = load(argv[1]);
	if (rc != 0) {
		bpf_object__close(obj);
		return rc;
	}
	static const struct unit_test tests[] = {
		{"steering map is private (not pinned)", test_map_private},
		{"EIP and VIP: every protocol steered", test_eip_vip},
		{"VTEP: UDP to the VXLAN port only", test_vtep},
		{"ARP, IPv6, VLAN, other addresses and ifindexes pass", test_not_ours},
		{"entries steer on their own interface only", test_other_ifindex},
		{"truncated frames and ihl < 5 count as short", test_short},
		{"redirect with a socket on the queue", test_redirect},
	};
	rc = unit_run("xdp-prog", tests, sizeof(tests) / sizeof(tests[0]));
	bpf_object__close(obj);
	if (!pinned_before && stat(VGW_XDP_PIN_ROOT "/" VGW_XDP_ADDRS_MAP, &st) == 0) {
		fprintf(stderr, "test_xdp_prog: %s/%s appeared\n", VGW_XDP_PIN_ROOT, VGW_XDP_ADDRS_MAP);
		rc = 1;
	}
	return rc;
}
