/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dp_stages.c - each stage of the worker data path (lib/dp/dp.h: stages
 * over vectors) run on a stub worker (dp_fixture.h: EAL, two net_null ports,
 * p0 10.1.0.1/24 public, p1 10.2.0.1/24 underlay, one worker, the
 * configuration below applied through the CLI), the way Katran's fixture
 * tables do: one table row per behaviour, {name, stage, input frame, what the
 * stage is told, expected outcome}.
 *
 * A direct row puts its frame in its stage's vector (vgw_dp_push), calls the
 * stage, empties that vector as the dispatcher would, and checks where the
 * packet went: another stage's vector with which struct vgw_pkt fields
 * (obj/arg/out; in_port and seq kept), the TX buffer of a port, a punt ring,
 * or freed; which drop counter moved (exactly that one, on in_port); and the
 * bytes it left as, built independently by the frame builder below (full
 * checksums from scratch, so the stages' incremental updates are checked).
 * Bytes in a vector are compared from offset 12: eth-out writes the MACs.
 * A classify row receives its frame on a port through vgw_dp_rx_burst, which
 * runs every stage: its outcome is the end of the whole path (transmitted
 * with these bytes, MACs included, a drop, a punt).
 *
 * After every row the worker is emptied (vectors freed, TX flushed to
 * net_null, punt rings drained) and the mbuf pool must be full again.
 * Failures name the row.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dp_fixture.h"
#include "fib/fib_dp.h"
#include "ct/ct.h"
#include "lb/lb_dp.h"
#include "net/ip4.h"
#include "net/vxlan.h"
#include "snat/snat_engine.h"
#include "snat/snat_module.h"
#include "vpc/vpc_dp.h"

/* ---- the gateway ---- */

#define PORT0 A4(10, 1, 0, 1)
#define VTEP A4(10, 2, 0, 1)
#define ROUTER A4(10, 1, 0, 254) /* the default route's next hop, on p0 */
#define HV1 A4(10, 2, 0, 20)
#define HV2 A4(10, 2, 0, 21)
#define VM1 A4(192, 168, 1, 10) /* EIP1, on HV1 */
#define VM2 A4(192, 168, 1, 11) /* backend of web:80 (port 8080), on HV2 */
#define VM3 A4(192, 168, 1, 12) /* no EIP, on HV1 */
#define EIP1 A4(10, 1, 0, 100)
#define EIP2 A4(10, 1, 0, 101) /* to 192.168.1.99: no endpoint */
#define VIP A4(10, 1, 0, 50)   /* web: tcp 80 */
#define VIP2 A4(10, 1, 0, 51)  /* empty: tcp 80, no backend */
#define CLIENT A4(203, 0, 113, 5)
#define REMOTE A4(8, 8, 8, 8)
#define PEER0 A4(10, 1, 0, 77) /* connected on p0, no neighbour */
#define VNI 100

static const char *const config[] = {
	"vpc add blue vni 100",
	"vtep add 10.2.0.1",
	"endpoint add blue 192.168.1.10 mac 52:54:00:00:01:0a vtep 10.2.0.20",
	"endpoint add blue 192.168.1.11 mac 52:54:00:00:01:0b vtep 10.2.0.21",
	"endpoint add blue 192.168.1.12 mac 52:54:00:00:01:0c vtep 10.2.0.20",
	"eip add 10.1.0.100 vpc blue ip 192.168.1.10",
	"eip add 10.1.0.101 vpc blue ip 192.168.1.99",
	"service add web vip 10.1.0.50 port 80 proto tcp",
	"backend add web vpc blue ip 192.168.1.11 port 8080",
	"service add empty vip 10.1.0.51 port 80 proto tcp",
	"neigh add 10.1.0.254 02:00:5e:00:01:fe",
	"neigh add 10.2.0.20 02:00:5e:00:02:14",
	"neigh add 10.2.0.21 02:00:5e:00:02:15",
	"route add 0.0.0.0/0 via 10.1.0.254",
	"snat pool add nat addresses 10.1.0.200",
	"snat bind blue pool nat subnet 192.168.1.12/32",
};

static const uint8_t MAC_ROUTER[6] = {0x02, 0x00, 0x5e, 0x00, 0x01, 0xfe};
static const uint8_t MAC_HV1[6] = {0x02, 0x00, 0x5e, 0x00, 0x02, 0x14};
static const uint8_t MAC_HV2[6] = {0x02, 0x00, 0x5e, 0x00, 0x02, 0x15};
static const uint8_t MAC_VM1[6] = {0x52, 0x54, 0x00, 0x00, 0x01, 0x0a};
static const uint8_t MAC_VM2[6] = {0x52, 0x54, 0x00, 0x00, 0x01, 0x0b};
static const uint8_t MAC_VPCGW[6] = {0x02, 0x76, 0x67, 0x00, 0x00, 100}; /* VNI 100's default */
static const uint8_t MAC_OTHER[6] = {0x02, 0xee, 0, 0, 0, 0x99};

/* ---- frames, described ---- */

#define DF 0x4000
#define MF 0x2000
#define SYN 0x02
#define RST 0x04
#define ACK 0x10

/* One frame: Ethernet, IPv4 (20 bytes), and TCP (20), UDP (8), ICMP (8) or
 * raw payload. inner: for UDP, a VXLAN header (vni) and that inner frame;
 * for ICMP, the quoted packet (its IPv4 header and 8 bytes). */
struct fd {
	const uint8_t *dmac, *smac; /* NULL: zeros */
	uint16_t ethertype;         /* 0: IPv4; 0x0806: an ARP request */
	uint32_t src, dst;
	uint8_t proto, ttl; /* ttl 0: 64 */
	uint16_t id, frag;  /* flags | fragment offset */
	uint16_t sport, dport;
	uint8_t flags;           /* TCP */
	uint32_t seq, ack;       /* TCP (seq 0: 1000) */
	uint8_t type, code;      /* ICMP */
	uint32_t rest;           /* ICMP bytes 4-7 (echo: id << 16 | seq) */
	uint16_t payload;        /* bytes after the L4 header (a pattern) */
	const struct fd *inner;  /* VXLAN: the inner frame; ICMP: the quoted packet */
	uint32_t vni;            /* VXLAN */
	bool no_i_flag;          /* VXLAN: I flag clear */
	bool hash_sport;         /* UDP source port: the gateway's, from the flow hash
				  * of the row's input (vgw_vxlan_src_port) */
	int16_t ulen_off;        /* added to the UDP length (malformed) */
	uint16_t pad;            /* Ethernet padding */
	bool bad_cksum;          /* IPv4 header checksum off by one */
};

static uint16_t hashed_sport; /* for hash_sport, set per row */

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)), put16(p + 2, (uint16_t)v); }

static uint16_t l4_cksum(uint32_t src, uint32_t dst, uint8_t proto, const uint8_t *l4, size_t len)
{
	uint8_t b[12 + 2048];
	put32(b, src), put32(b + 4, dst);
	b[8] = 0, b[9] = proto;
	put16(b + 10, (uint16_t)len);
	memcpy(b + 12, l4, len);
	return unit_cksum(b, 12 + len);
}

static size_t frame_build(const struct fd *d, uint8_t *f);

/* The IPv4 packet of d at ip; its total length. */
static size_t ip_build(const struct fd *d, uint8_t *ip)
{
	uint8_t *l4 = ip + 20;
	size_t n = 0;
	if (d->proto == 6) {
		memset(l4, 0, 20);
		put16(l4, d->sport), put16(l4 + 2, d->dport);
		put32(l4 + 4, d->seq ? d->seq : 1000), put32(l4 + 8, d->ack);
		l4[12] = 5 << 4, l4[13] = d->flags;
		put16(l4 + 14, 65535);
		n = 20;
	} else if (d->proto == 17) {
		put16(l4, d->hash_sport ? hashed_sport : d->sport), put16(l4 + 2, d->dport);
		l4[6] = l4[7] = 0;
		n = 8;
		if (d->inner) {
			memset(l4 + 8, 0, 8);
			l4[8] = d->no_i_flag ? 0 : VGW_VXLAN_FLAG_I;
			l4[12] = (uint8_t)(d->vni >> 16), l4[13] = (uint8_t)(d->vni >> 8);
			l4[14] = (uint8_t)d->vni;
			n += 8 + frame_build(d->inner, l4 + 16);
		}
	} else if (d->proto == 1) {
		l4[0] = d->type, l4[1] = d->code, l4[2] = l4[3] = 0;
		put32(l4 + 4, d->rest);
		n = 8;
		if (d->inner) {
			uint8_t q[2048];
			size_t qn = ip_build(d->inner, q);
			size_t take = qn < 28 ? qn : 28;
			memcpy(l4 + 8, q, take);
			n += take;
		}
	}
	for (uint16_t i = 0; i < d->payload; i++)
		l4[n + i] = (uint8_t)(i * 7 + 1);
	n += d->payload;

	ip[0] = 0x45, ip[1] = 0;
	put16(ip + 2, (uint16_t)(20 + n));
	put16(ip + 4, d->id), put16(ip + 6, d->frag);
	ip[8] = d->ttl ? d->ttl : 64, ip[9] = d->proto;
	ip[10] = ip[11] = 0;
	put32(ip + 12, d->src), put32(ip + 16, d->dst);
	uint16_t ck = unit_cksum(ip, 20);
	put16(ip + 10, d->bad_cksum ? (uint16_t)(ck + 1) : ck);

	if (d->proto == 6) {
		put16(l4 + 16, l4_cksum(d->src, d->dst, 6, l4, n));
	} else if (d->proto == 17) {
		put16(l4 + 4, (uint16_t)(n + d->ulen_off));
		if (!d->inner) { /* VXLAN: UDP checksum 0 (RFC 7348) */
			uint16_t c = l4_cksum(d->src, d->dst, 17, l4, n);
			put16(l4 + 6, c ? c : 0xffff);
		}
	} else if (d->proto == 1) {
		put16(l4 + 2, unit_cksum(l4, n));
	}
	return 20 + n;
}

/* The frame of d at f; its length. */
static size_t frame_build(const struct fd *d, uint8_t *f)
{
	static const uint8_t zero[6];
	memcpy(f, d->dmac ? d->dmac : zero, 6);
	memcpy(f + 6, d->smac ? d->smac : zero, 6);
	put16(f + 12, d->ethertype ? d->ethertype : 0x0800);
	size_t n;
	if (d->ethertype == 0x0806) {
		uint8_t *a = f + 14;
		put16(a, 1), put16(a + 2, 0x0800);
		a[4] = 6, a[5] = 4;
		put16(a + 6, 1);
		memcpy(a + 8, d->smac ? d->smac : zero, 6);
		put32(a + 14, d->src);
		memset(a + 18, 0, 6);
		put32(a + 24, d->dst);
		n = 28;
	} else {
		n = ip_build(d, f + 14);
	}
	memset(f + 14 + n, 0, d->pad);
	return 14 + n + d->pad;
}

static struct rte_mbuf *frame_mbuf(const struct fd *d)
{
	uint8_t b[2048];
	size_t n = frame_build(d, b);
	struct rte_mbuf *m = rte_pktmbuf_alloc(vgw_gw.pool);
	CU_ASSERT_PTR_NOT_NULL_FATAL(m);
	memcpy(rte_pktmbuf_append(m, (uint16_t)n), b, n);
	return m;
}

/* ---- the table ---- */

/* An object of the tables (the vgw_pkt obj a stage is told or tells). */
enum ref_kind { REF_NONE, REF_EIP, REF_SVC, REF_ROUTE };
struct ref {
	enum ref_kind kind;
	uint32_t ip;
	uint16_t port; /* SVC (tcp) */
};
#define EIP(a) {REF_EIP, a, 0}
#define SVC(a, p) {REF_SVC, a, p}
#define ROUTE(a) {REF_ROUTE, a, 0}

static const void *ref_obj(const struct ref *r)
{
	switch (r->kind) {
	case REF_EIP: return vgw_vpc_eip_find(r->ip);
	case REF_SVC: return vgw_lb_service(r->ip, r->port, 6);
	case REF_ROUTE: return vgw_fib_lookup(vgw_fib_main, r->ip);
	default: return NULL;
	}
}

enum where { UNSET, TO_VEC, TO_TX, TO_PUNT, FREED };

struct want {
	enum where where;
	enum vgw_stage stage;      /* TO_VEC: the vector */
	uint16_t port;             /* TO_TX: the port (its TX buffer) */
	enum vgw_punt_reason punt; /* TO_PUNT: the ring */
	struct ref obj;            /* TO_VEC: the vgw_pkt it is pushed with */
	uint32_t arg;              /* ... (TO_PUNT neigh-miss: priv.nh_ip) */
	uint16_t out;              /* ... (TO_PUNT neigh-miss: priv.out_port) */
	const char *drop;          /* the one drop counter that moved on in_port */
	const struct fd *frame;    /* its bytes (NULL: not compared) */
	bool same;                 /* its bytes are the input's */
};

struct stage_case {
	const char *name;
	enum vgw_stage stage; /* VGW_STAGE_CLASSIFY: vgw_dp_rx_burst on in_port, all stages */
	uint8_t in_port;
	const struct fd *in;
	struct ref obj; /* what the stage is told (direct rows) */
	uint32_t arg;
	uint16_t out;
	void (*before)(void); /* state the row needs (an LB connection) */
	void (*after)(void);  /* more checks (the connection table) */
	struct want want;
};

#define ICMP_OUT(type, code) ((uint16_t)((type) << 8 | (code)))

static void open_flow(uint16_t cport);
static void open_40010(void) { open_flow(40010); }
static void open_40020(void) { open_flow(40020); }
static void ct_has_40000(void);
static void snat_has_vm3(void);

/* Frames used by several rows */

/* VM1's UDP to the Internet, as vxlan-in leaves it (and vpc-out gets it) */
static const struct fd vm1_out = {.dmac = MAC_VPCGW, .smac = MAC_VM1, .src = VM1, .dst = REMOTE,
				  .proto = 17, .sport = 5000, .dport = 53, .payload = 30};
/* ... and SNAT'd by vpc-out */
static const struct fd vm1_out_snat = {.dmac = MAC_VPCGW, .smac = MAC_VM1, .src = EIP1, .dst = REMOTE,
				       .proto = 17, .ttl = 63, .sport = 5000, .dport = 53,
				       .payload = 30};
/* backend VM2's SYN-ACK to CLIENT:40010, decapsulated */
static const struct fd be_synack = {.dmac = MAC_VPCGW, .smac = MAC_VM2, .src = VM2, .dst = CLIENT,
				    .proto = 6, .sport = 8080, .dport = 40010, .flags = SYN | ACK,
				    .seq = 5000, .ack = 1001};
/* ... and to a port no flow has */
static const struct fd be_nothing = {.dmac = MAC_VPCGW, .smac = MAC_VM2, .src = VM2, .dst = CLIENT,
				     .proto = 6, .sport = 8080, .dport = 40011, .flags = ACK};
/* a client's TCP to EIP1:22 */
static const struct fd to_eip1 = {.dmac = DP_MAC0, .smac = MAC_ROUTER, .src = CLIENT, .dst = EIP1,
				  .proto = 6, .sport = 40000, .dport = 22, .flags = SYN,
				  .payload = 10};
/* ... DNAT'd and in VXLAN to HV1 */
static const struct fd to_eip1_vx = {
	.src = VTEP, .dst = HV1, .proto = 17, .hash_sport = true, .dport = 4789, .frag = DF,
	.vni = VNI,
	.inner = &(const struct fd){.dmac = MAC_VM1, .smac = MAC_VPCGW, .src = CLIENT, .dst = VM1,
				    .proto = 6, .ttl = 63, .sport = 40000, .dport = 22,
				    .flags = SYN, .payload = 10}};
/* a client's TCP to the Internet (routed), and forwarded */
static const struct fd fwd_in = {.dmac = DP_MAC0, .smac = MAC_ROUTER, .src = CLIENT, .dst = REMOTE,
				 .proto = 6, .sport = 40000, .dport = 443, .flags = ACK,
				 .payload = 100};
static const struct fd fwd_out = {.dmac = MAC_ROUTER, .smac = DP_MAC0, .src = CLIENT, .dst = REMOTE,
				  .proto = 6, .ttl = 63, .sport = 40000, .dport = 443,
				  .flags = ACK, .payload = 100};
static const struct fd fwd_ttl1 = {.dmac = DP_MAC0, .smac = MAC_ROUTER, .src = CLIENT, .dst = REMOTE,
				   .proto = 6, .ttl = 1, .sport = 40000, .dport = 443,
				   .flags = ACK, .payload = 100};
/* a client's SYN to the VIP, and the same to the backend in VXLAN */
static const struct fd vip_syn = {.dmac = DP_MAC0, .smac = MAC_ROUTER, .src = CLIENT, .dst = VIP,
				  .proto = 6, .sport = 40000, .dport = 80, .flags = SYN};
static const struct fd vip_syn_vx = {
	.src = VTEP, .dst = HV2, .proto = 17, .hash_sport = true, .dport = 4789, .frag = DF,
	.vni = VNI,
	.inner = &(const struct fd){.dmac = MAC_VM2, .smac = MAC_VPCGW, .src = CLIENT, .dst = VM2,
				    .proto = 6, .ttl = 63, .sport = 40000, .dport = 8080,
				    .flags = SYN}};
/* an echo request to p0 */
static const struct fd ping0 = {.dmac = DP_MAC0, .smac = MAC_ROUTER, .src = CLIENT, .dst = PORT0,
				.proto = 1, .type = 8, .rest = 0x12340001, .payload = 56};
static const struct fd pong0 = {.src = PORT0, .dst = CLIENT, .proto = 1, .frag = DF, .type = 0,
				.rest = 0x12340001, .payload = 56};

/* VXLAN from hv (outer source) to our VTEP in vni, around inner */
#define VX(hv, vni_, inner_, ...)                                                         \
	(&(const struct fd){.dmac = DP_MAC1, .smac = MAC_HV1, .src = hv, .dst = VTEP,         \
			    .proto = 17, .sport = 50000, .dport = 4789, .vni = vni_,          \
			    .inner = inner_, __VA_ARGS__})
/* an inner frame from VM ip (MAC mac) to REMOTE */
#define INNER(ip, mac, ...)                                                               \
	(&(const struct fd){.dmac = MAC_VPCGW, .smac = mac, .src = ip, .dst = REMOTE,         \
			    .proto = 17, .sport = 5000, .dport = 53, .payload = 30, __VA_ARGS__})

static const struct stage_case cases[] = {
	/* ---- vxlan-in (received on p1) ---- */
	{.name = "vxlan-in: a VM's packet is decapsulated to vpc-out with its VNI",
	 .stage = VGW_STAGE_VXLAN_IN, .in_port = 1, .in = VX(HV1, VNI, &vm1_out),
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_VPC_OUT, .arg = VNI, .frame = &vm1_out}},
	{.name = "vxlan-in: a backend's reply goes to lb (reply, VNI)",
	 .stage = VGW_STAGE_VXLAN_IN, .in_port = 1, .in = VX(HV2, VNI, &be_synack),
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_LB, .arg = VNI, .out = VGW_LB_REPLY,
		  .frame = &be_synack}},
	{.name = "vxlan-in: unknown VTEP", .stage = VGW_STAGE_VXLAN_IN, .in_port = 1,
	 .in = VX(A4(10, 2, 0, 99), VNI, &vm1_out),
	 .want = {.where = FREED, .drop = "vxlan_unknown_vtep"}},
	{.name = "vxlan-in: unknown VNI", .stage = VGW_STAGE_VXLAN_IN, .in_port = 1,
	 .in = VX(HV1, 999, &vm1_out), .want = {.where = FREED, .drop = "vxlan_unknown_vni"}},
	{.name = "vxlan-in: inner MAC not the VPC gateway's", .stage = VGW_STAGE_VXLAN_IN,
	 .in_port = 1,
	 .in = VX(HV1, VNI,
		  &(const struct fd){.dmac = MAC_OTHER, .smac = MAC_VM1, .src = VM1, .dst = REMOTE,
				     .proto = 17, .sport = 5000, .dport = 53}),
	 .want = {.where = FREED, .drop = "vxlan_inner_wrong_mac"}},
	{.name = "vxlan-in: inner source no endpoint", .stage = VGW_STAGE_VXLAN_IN, .in_port = 1,
	 .in = VX(HV1, VNI, INNER(A4(192, 168, 1, 77), MAC_VM1)),
	 .want = {.where = FREED, .drop = "vxlan_src_not_endpoint"}},
	{.name = "vxlan-in: inner source behind another VTEP", .stage = VGW_STAGE_VXLAN_IN,
	 .in_port = 1, .in = VX(HV1, VNI, INNER(VM2, MAC_VM2)),
	 .want = {.where = FREED, .drop = "vxlan_src_wrong_vtep"}},
	{.name = "vxlan-in: UDP length inconsistent (malformed)", .stage = VGW_STAGE_VXLAN_IN,
	 .in_port = 1, .in = VX(HV1, VNI, &vm1_out, .ulen_off = 4),
	 .want = {.where = FREED, .drop = "vxlan_malformed"}},
	{.name = "vxlan-in: I flag clear", .stage = VGW_STAGE_VXLAN_IN, .in_port = 1,
	 .in = VX(HV1, VNI, &vm1_out, .no_i_flag = true),
	 .want = {.where = FREED, .drop = "vxlan_no_i_flag"}},
	{.name = "vxlan-in: outer fragment", .stage = VGW_STAGE_VXLAN_IN, .in_port = 1,
	 .in = VX(HV1, VNI, &vm1_out, .frag = MF),
	 .want = {.where = FREED, .drop = "vxlan_outer_fragment"}},

	/* ---- vpc-out (arg = VNI) ---- */
	{.name = "vpc-out: SNAT to the EIP, TTL decremented, to ip4-route",
	 .stage = VGW_STAGE_VPC_OUT, .in_port = 1, .in = &vm1_out, .arg = VNI,
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_IP4_ROUTE, .frame = &vm1_out_snat}},
	{.name = "vpc-out: a VM without an EIP goes to the NAT gateway",
	 .stage = VGW_STAGE_VPC_OUT, .in_port = 1, .in = INNER(VM3, MAC_VM1), .arg = VNI,
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_SNAT, .arg = VNI,
		  .frame = INNER(VM3, MAC_VM1)}},
	/* (tests/unit/test_snat_dp.c has the NAT gateway's own rows) */
	{.name = "snat: a VM no binding covers", .stage = VGW_STAGE_SNAT, .in_port = 1,
	 .in = INNER(VM2, MAC_VM2), .arg = VNI, .want = {.where = FREED, .drop = "vpc_no_eip"}},
	{.name = "snat: a bound VM's UDP gets a pool address and port, to ip4-route",
	 .stage = VGW_STAGE_SNAT, .in_port = 1, .in = INNER(VM3, MAC_VM1), .arg = VNI,
	 .after = snat_has_vm3, .want = {.where = TO_VEC, .stage = VGW_STAGE_IP4_ROUTE}},
	{.name = "vpc-out: TTL 1 is dropped without an ICMP error into the tunnel",
	 .stage = VGW_STAGE_VPC_OUT, .in_port = 1, .in = INNER(VM1, MAC_VM1, .ttl = 1),
	 .arg = VNI, .want = {.where = FREED, .drop = "ttl_exceeded"}},

	/* ---- ip4-route ---- */
	{.name = "ip4-route: to an EIP goes to eip-in", .stage = VGW_STAGE_IP4_ROUTE,
	 .in = &to_eip1, .want = {.where = TO_VEC, .stage = VGW_STAGE_EIP_IN, .obj = EIP(EIP1), .same = true}},
	{.name = "ip4-route: to a VIP:port goes to lb", .stage = VGW_STAGE_IP4_ROUTE,
	 .in = &vip_syn,
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_LB, .obj = SVC(VIP, 80), .out = VGW_LB_VIP,
		  .same = true}},
	{.name = "ip4-route: to our address goes to ip4-local", .stage = VGW_STAGE_IP4_ROUTE,
	 .in = &ping0, .want = {.where = TO_VEC, .stage = VGW_STAGE_IP4_LOCAL, .same = true}},
	{.name = "ip4-route: routed goes to ip4-forward, TTL handled", .stage = VGW_STAGE_IP4_ROUTE,
	 .in = &fwd_in,
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_IP4_FORWARD, .obj = ROUTE(REMOTE), .same = true}},

	/* ---- ip4-local ---- */
	{.name = "ip4-local: echo request becomes the reply, to ip4-route",
	 .stage = VGW_STAGE_IP4_LOCAL, .in = &ping0,
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_IP4_ROUTE, .frame = &pong0}},
	{.name = "ip4-local: TCP to us without a host port", .stage = VGW_STAGE_IP4_LOCAL,
	 .in = &(const struct fd){.src = CLIENT, .dst = PORT0, .proto = 6, .sport = 40000,
				  .dport = 179, .flags = SYN},
	 .want = {.where = FREED, .drop = "local_unsupported"}},

	/* ---- lb ---- */
	{.name = "lb: a new flow gets an entry and goes to the backend in VXLAN",
	 .stage = VGW_STAGE_LB, .in = &vip_syn, .obj = SVC(VIP, 80), .out = VGW_LB_VIP,
	 .after = ct_has_40000,
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_ETH_OUT, .arg = HV2, .out = 1,
		  .frame = &vip_syn_vx}},
	{.name = "lb: a backend's reply gets the VIP back, to ip4-route", .stage = VGW_STAGE_LB,
	 .in_port = 1, .in = &be_synack, .arg = VNI, .out = VGW_LB_REPLY, .before = open_40010,
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_IP4_ROUTE,
		  .frame = &(const struct fd){.dmac = MAC_VPCGW, .smac = MAC_VM2, .src = VIP,
					      .dst = CLIENT, .proto = 6, .ttl = 63, .sport = 80,
					      .dport = 40010, .flags = SYN | ACK, .seq = 5000,
					      .ack = 1001}}},
	{.name = "lb: a backend's packet of no flow is its own traffic (vpc-out)",
	 .stage = VGW_STAGE_LB, .in_port = 1, .in = &be_nothing, .arg = VNI, .out = VGW_LB_REPLY,
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_VPC_OUT, .arg = VNI, .frame = &be_nothing}},
	{.name = "lb: an ICMP error about a flow is translated and tunnelled to the backend",
	 .stage = VGW_STAGE_LB, .before = open_40020, .out = VGW_LB_ICMP,
	 .in = &(const struct fd){.src = ROUTER, .dst = VIP, .proto = 1, .type = 3, .code = 4,
				  .rest = 1400,
				  .inner = &(const struct fd){.src = VIP, .dst = CLIENT, .proto = 6,
							      .ttl = 63, .sport = 80, .dport = 40020,
							      .flags = ACK, .payload = 1400}},
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_ETH_OUT, .arg = HV2, .out = 1,
		  .frame = &(const struct fd){
			  .src = VTEP, .dst = HV2, .proto = 17, .hash_sport = true, .dport = 4789,
			  .frag = DF, .vni = VNI,
			  .inner = &(const struct fd){
				  .dmac = MAC_VM2, .smac = MAC_VPCGW, .src = ROUTER, .dst = VM2,
				  .proto = 1, .ttl = 63, .type = 3, .code = 4, .rest = 1400,
				  .inner = &(const struct fd){.src = VM2, .dst = CLIENT,
							      .proto = 6, .ttl = 63, .sport = 8080,
							      .dport = 40020, .flags = ACK,
							      .payload = 1400}}}}},
	{.name = "lb: an ICMP error about no flow", .stage = VGW_STAGE_LB, .out = VGW_LB_ICMP,
	 .in = &(const struct fd){.src = ROUTER, .dst = VIP, .proto = 1, .type = 3, .code = 4,
				  .inner = &(const struct fd){.src = VIP, .dst = CLIENT, .proto = 6,
							      .sport = 80, .dport = 40099}},
	 .want = {.where = FREED, .drop = "nat_icmp_untranslatable"}},
	{.name = "lb: a service without a backend", .stage = VGW_STAGE_LB,
	 .in = &(const struct fd){.src = CLIENT, .dst = VIP2, .proto = 6, .sport = 40000,
				  .dport = 80, .flags = SYN},
	 .obj = SVC(VIP2, 80), .out = VGW_LB_VIP, .want = {.where = FREED, .drop = "lb_no_backend"}},
	{.name = "lb: TTL 1 to a VIP becomes time exceeded", .stage = VGW_STAGE_LB,
	 .in = &(const struct fd){.src = CLIENT, .dst = VIP, .proto = 6, .ttl = 1, .sport = 40001,
				  .dport = 80, .flags = SYN},
	 .obj = SVC(VIP, 80), .out = VGW_LB_VIP,
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_ICMP_ERROR,
		  .out = ICMP_OUT(11, 0), .drop = "ttl_exceeded", .same = true}},

	/* ---- eip-in (obj = the EIP) ---- */
	{.name = "eip-in: DNAT and VXLAN to the VM's hypervisor, to eth-out",
	 .stage = VGW_STAGE_EIP_IN, .in = &to_eip1, .obj = EIP(EIP1),
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_ETH_OUT, .arg = HV1, .out = 1,
		  .frame = &to_eip1_vx}},
	{.name = "eip-in: TTL 1 becomes time exceeded (icmp-error, type 11)",
	 .stage = VGW_STAGE_EIP_IN, .obj = EIP(EIP1),
	 .in = &(const struct fd){.src = CLIENT, .dst = EIP1, .proto = 6, .ttl = 1,
				  .sport = 40000, .dport = 22, .flags = SYN},
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_ICMP_ERROR, .out = ICMP_OUT(11, 0),
		  .drop = "ttl_exceeded",
		  .frame = &(const struct fd){.src = CLIENT, .dst = EIP1, .proto = 6, .ttl = 1,
					      .sport = 40000, .dport = 22, .flags = SYN}}},
	{.name = "eip-in: an EIP whose VM has no endpoint", .stage = VGW_STAGE_EIP_IN,
	 .obj = EIP(EIP2),
	 .in = &(const struct fd){.src = CLIENT, .dst = EIP2, .proto = 6, .sport = 40000,
				  .dport = 22, .flags = SYN},
	 .want = {.where = FREED, .drop = "eip_no_endpoint"}},
	{.name = "eip-in: over the tunnel MTU with DF asks for 1450", .stage = VGW_STAGE_EIP_IN,
	 .obj = EIP(EIP1),
	 .in = &(const struct fd){.src = CLIENT, .dst = EIP1, .proto = 6, .frag = DF,
				  .sport = 40000, .dport = 22, .flags = ACK, .payload = 1420},
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_ICMP_ERROR, .arg = 1450,
		  .out = ICMP_OUT(3, 4), .drop = "vxlan_mtu_exceeded", .same = true}},

	/* ---- ip4-forward (obj = the route) ---- */
	{.name = "ip4-forward: TTL decremented, to eth-out via the route's next hop",
	 .stage = VGW_STAGE_IP4_FORWARD, .in = &fwd_in, .obj = ROUTE(REMOTE), .out = VGW_DP_FWD_TTL,
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_ETH_OUT, .arg = ROUTER, .out = 0,
		  .frame = &fwd_out}},
	{.name = "ip4-forward: a connected destination is its own next hop",
	 .stage = VGW_STAGE_IP4_FORWARD, .obj = ROUTE(PEER0), .out = VGW_DP_FWD_TTL,
	 .in = &(const struct fd){.src = CLIENT, .dst = PEER0, .proto = 17, .sport = 1,
				  .dport = 2},
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_ETH_OUT, .arg = PEER0, .out = 0}},
	{.name = "ip4-forward: TTL already handled (out 0) is not checked again",
	 .stage = VGW_STAGE_IP4_FORWARD, .in = &fwd_ttl1, .obj = ROUTE(REMOTE), .out = 0,
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_ETH_OUT, .arg = ROUTER, .frame = &fwd_ttl1}},
	{.name = "ip4-forward: TTL 1 becomes time exceeded", .stage = VGW_STAGE_IP4_FORWARD,
	 .in = &fwd_ttl1, .obj = ROUTE(REMOTE), .out = VGW_DP_FWD_TTL,
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_ICMP_ERROR, .out = ICMP_OUT(11, 0),
		  .drop = "ttl_exceeded", .frame = &fwd_ttl1}},
	{.name = "ip4-forward: over the MTU with DF: fragmentation needed, MTU 1500",
	 .stage = VGW_STAGE_IP4_FORWARD, .obj = ROUTE(REMOTE), .out = VGW_DP_FWD_TTL,
	 .in = &(const struct fd){.src = CLIENT, .dst = REMOTE, .proto = 17, .frag = DF,
				  .sport = 1, .dport = 2, .payload = 1473},
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_ICMP_ERROR, .arg = 1500,
		  .out = ICMP_OUT(3, 4), .drop = "mtu_exceeded"}},
	{.name = "ip4-forward: over the MTU without DF is dropped", .stage = VGW_STAGE_IP4_FORWARD,
	 .obj = ROUTE(REMOTE), .out = VGW_DP_FWD_TTL,
	 .in = &(const struct fd){.src = CLIENT, .dst = REMOTE, .proto = 17, .sport = 1,
				  .dport = 2, .payload = 1473},
	 .want = {.where = FREED, .drop = "mtu_exceeded"}},

	/* ---- tunnel-out (arg = VNI) ---- */
	{.name = "tunnel-out: a slow-path frame is tunnelled to the VM, TTL kept",
	 .stage = VGW_STAGE_TUNNEL_OUT, .arg = VNI,
	 .in = &(const struct fd){.src = VIP, .dst = VM2, .proto = 6, .sport = 33000,
				  .dport = 8080, .flags = SYN},
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_ETH_OUT, .arg = HV2, .out = 1,
		  .frame = &(const struct fd){
			  .src = VTEP, .dst = HV2, .proto = 17, .hash_sport = true, .dport = 4789,
			  .frag = DF, .vni = VNI,
			  .inner = &(const struct fd){.dmac = MAC_VM2, .smac = MAC_VPCGW,
						      .src = VIP, .dst = VM2, .proto = 6,
						      .sport = 33000, .dport = 8080,
						      .flags = SYN}}}},
	{.name = "tunnel-out: to no endpoint", .stage = VGW_STAGE_TUNNEL_OUT, .arg = VNI,
	 .in = &(const struct fd){.src = VIP, .dst = A4(192, 168, 1, 77), .proto = 6,
				  .sport = 33000, .dport = 8080, .flags = SYN},
	 .want = {.where = FREED, .drop = "eip_no_endpoint"}},

	/* ---- icmp-error (out = type << 8 | code, arg = rest) ---- */
	{.name = "icmp-error: time exceeded from the in-port's address, to ip4-route",
	 .stage = VGW_STAGE_ICMP_ERROR, .in = &fwd_ttl1, .out = ICMP_OUT(11, 0),
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_IP4_ROUTE,
		  .frame = &(const struct fd){.src = PORT0, .dst = CLIENT, .proto = 1,
					      .frag = DF, .type = 11, .inner = &fwd_ttl1}}},
	{.name = "icmp-error: fragmentation needed carries the MTU",
	 .stage = VGW_STAGE_ICMP_ERROR, .in = &fwd_in, .out = ICMP_OUT(3, 4), .arg = 1500,
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_IP4_ROUTE,
		  .frame = &(const struct fd){.src = PORT0, .dst = CLIENT, .proto = 1,
					      .frag = DF, .type = 3, .code = 4, .rest = 1500,
					      .inner = &fwd_in}}},
	{.name = "icmp-error: to a VM's EIP comes from the public address, not the underlay",
	 .stage = VGW_STAGE_ICMP_ERROR, .in_port = 1, .in = &vm1_out_snat,
	 .out = ICMP_OUT(11, 0),
	 .want = {.where = TO_VEC, .stage = VGW_STAGE_IP4_ROUTE,
		  .frame = &(const struct fd){.src = PORT0, .dst = EIP1, .proto = 1, .frag = DF,
					      .type = 11, .inner = &vm1_out_snat}}},
	{.name = "icmp-error: none about an ICMP error", .stage = VGW_STAGE_ICMP_ERROR,
	 .in = &(const struct fd){.src = CLIENT, .dst = REMOTE, .proto = 1, .type = 3,
				  .inner = &fwd_in},
	 .out = ICMP_OUT(11, 0), .want = {.where = FREED}},

	/* ---- eth-out (arg = next hop, out = port) ---- */
	{.name = "eth-out: MACs written, transmitted on the port", .stage = VGW_STAGE_ETH_OUT,
	 .in = &fwd_out, .arg = ROUTER, .out = 0,
	 .want = {.where = TO_TX, .port = 0, .frame = &fwd_out}},
	{.name = "eth-out: an unresolved next hop is punted (neigh-miss)",
	 .stage = VGW_STAGE_ETH_OUT, .in = &fwd_out, .arg = PEER0, .out = 0,
	 .want = {.where = TO_PUNT, .punt = VGW_PUNT_NEIGH_MISS, .arg = PEER0, .out = 0,
		  .same = true}},

	/* ---- classify, end to end: received on a port, every stage run ---- */
	{.name = "classify: not our MAC", .stage = VGW_STAGE_CLASSIFY,
	 .in = &(const struct fd){.dmac = MAC_OTHER, .src = CLIENT, .dst = REMOTE, .proto = 17},
	 .want = {.where = FREED, .drop = "eth_not_for_us"}},
	{.name = "classify: bad IPv4 checksum", .stage = VGW_STAGE_CLASSIFY,
	 .in = &(const struct fd){.dmac = DP_MAC0, .src = CLIENT, .dst = REMOTE, .proto = 17,
				  .bad_cksum = true},
	 .want = {.where = FREED, .drop = "ip_bad_checksum"}},
	{.name = "classify: source is an EIP (spoofed)", .stage = VGW_STAGE_CLASSIFY,
	 .in = &(const struct fd){.dmac = DP_MAC0, .src = EIP1, .dst = REMOTE, .proto = 17},
	 .want = {.where = FREED, .drop = "ip_src_spoofed"}},
	{.name = "classify: ARP is punted", .stage = VGW_STAGE_CLASSIFY,
	 .in = &(const struct fd){.dmac = DP_MAC0, .smac = MAC_ROUTER, .ethertype = 0x0806,
				  .src = ROUTER, .dst = PORT0},
	 .want = {.where = TO_PUNT, .punt = VGW_PUNT_ARP, .same = true}},
	{.name = "classify: a fragment to a VIP", .stage = VGW_STAGE_CLASSIFY,
	 .in = &(const struct fd){.dmac = DP_MAC0, .src = CLIENT, .dst = VIP, .proto = 6,
				  .frag = MF, .sport = 40000, .dport = 80, .payload = 8},
	 .want = {.where = FREED, .drop = "vip_fragment"}},
	{.name = "classify: Ethernet padding is trimmed, forwarded to the router",
	 .stage = VGW_STAGE_CLASSIFY,
	 .in = &(const struct fd){.dmac = DP_MAC0, .smac = MAC_ROUTER, .src = CLIENT,
				  .dst = REMOTE, .proto = 17, .sport = 1, .dport = 2, .pad = 18},
	 .want = {.where = TO_TX, .port = 0,
		  .frame = &(const struct fd){.dmac = MAC_ROUTER, .smac = DP_MAC0, .src = CLIENT,
					      .dst = REMOTE, .proto = 17, .ttl = 63, .sport = 1,
					      .dport = 2}}},
	{.name = "classify: forwarded with TTL 1 comes back as time exceeded",
	 .stage = VGW_STAGE_CLASSIFY, .in = &fwd_ttl1,
	 .want = {.where = TO_TX, .port = 0, .drop = "ttl_exceeded",
		  .frame = &(const struct fd){.dmac = MAC_ROUTER, .smac = DP_MAC0, .src = PORT0,
					      .dst = CLIENT, .proto = 1, .frag = DF, .type = 11,
					      .inner = &fwd_ttl1}}},
	{.name = "classify: ping to the gateway is answered", .stage = VGW_STAGE_CLASSIFY,
	 .in = &ping0,
	 .want = {.where = TO_TX, .port = 0,
		  .frame = &(const struct fd){.dmac = MAC_ROUTER, .smac = DP_MAC0, .src = PORT0,
					      .dst = CLIENT, .proto = 1, .frag = DF, .type = 0,
					      .rest = 0x12340001, .payload = 56}}},
	{.name = "classify: to an EIP leaves p1 in VXLAN to the hypervisor's MAC",
	 .stage = VGW_STAGE_CLASSIFY, .in = &to_eip1,
	 .want = {.where = TO_TX, .port = 1,
		  .frame = &(const struct fd){
			  .dmac = MAC_HV1, .smac = DP_MAC1, .src = VTEP, .dst = HV1, .proto = 17,
			  .hash_sport = true, .dport = 4789, .frag = DF, .vni = VNI,
			  .inner = &(const struct fd){.dmac = MAC_VM1, .smac = MAC_VPCGW,
						      .src = CLIENT, .dst = VM1, .proto = 6,
						      .ttl = 63, .sport = 40000, .dport = 22,
						      .flags = SYN, .payload = 10}}}},
	{.name = "classify: a VM's VXLAN on p1 leaves p0 SNAT'd", .stage = VGW_STAGE_CLASSIFY,
	 .in_port = 1, .in = VX(HV1, VNI, &vm1_out),
	 .want = {.where = TO_TX, .port = 0,
		  .frame = &(const struct fd){.dmac = MAC_ROUTER, .smac = DP_MAC0, .src = EIP1,
					      .dst = REMOTE, .proto = 17, .ttl = 63,
					      .sport = 5000, .dport = 53, .payload = 30}}},
	{.name = "classify: VXLAN on the public port is not decapsulated",
	 .stage = VGW_STAGE_CLASSIFY,
	 .in = &(const struct fd){.dmac = DP_MAC0, .src = HV1, .dst = VTEP, .proto = 17,
				  .sport = 50000, .dport = 4789, .vni = VNI, .inner = &vm1_out},
	 .want = {.where = FREED, .drop = "local_unsupported"}},
	{.name = "classify: a SYN to the VIP leaves p1 to the backend's hypervisor",
	 .stage = VGW_STAGE_CLASSIFY,
	 .in = &(const struct fd){.dmac = DP_MAC0, .smac = MAC_ROUTER, .src = CLIENT, .dst = VIP,
				  .proto = 6, .sport = 40030, .dport = 80, .flags = SYN},
	 .want = {.where = TO_TX, .port = 1,
		  .frame = &(const struct fd){
			  .dmac = MAC_HV2, .smac = DP_MAC1, .src = VTEP, .dst = HV2, .proto = 17,
			  .hash_sport = true, .dport = 4789, .frag = DF, .vni = VNI,
			  .inner = &(const struct fd){.dmac = MAC_VM2, .smac = MAC_VPCGW,
						      .src = CLIENT, .dst = VM2, .proto = 6,
						      .ttl = 63, .sport = 40030, .dport = 8080,
						      .flags = SYN}}}},
	{.name = "classify: to a connected host without a neighbour is punted",
	 .stage = VGW_STAGE_CLASSIFY,
	 .in = &(const struct fd){.dmac = DP_MAC0, .src = CLIENT, .dst = PEER0, .proto = 17},
	 .want = {.where = TO_PUNT, .punt = VGW_PUNT_NEIGH_MISS, .arg = PEER0, .out = 0}},
};

/* ---- running a row ---- */

#define CASE_CHECK(c, ok, ...)                                                            \
	do {                                                                              \
		bool ok_ = (ok);                                                          \
		if (!ok_) {                                                               \
			fprintf(stderr, "\n  case '%s': ", (c)->name);                    \
			fprintf(stderr, __VA_ARGS__);                                     \
			fprintf(stderr, "\n");                                            \
		}                                                                         \
		CU_assertImplementation(ok_, __LINE__, (c)->name, __FILE__, "", CU_FALSE); \
	} while (0)

/* Runs stage s over its vector, then empties it as the dispatcher does. */
static void stage_run(struct vgw_worker *w, enum vgw_stage s)
{
	CU_ASSERT_FATAL(s > VGW_STAGE_CLASSIFY && s < VGW_STAGE_N);
	vgw_dp_stage(w, s);
}

/* A fresh burst: counters zeroed, memos stale, the clock read. */
static void burst_begin(struct vgw_worker *w)
{
	memset(w->stats, 0, sizeof(w->stats));
	w->burst++;
	w->lb->now = rte_rdtsc() / rte_get_tsc_hz();
}

/* Opens the LB flow CLIENT:cport -> VIP:80 (a SYN through the lb stage). */
static void open_flow(uint16_t cport)
{
	struct vgw_worker *w = dp_worker();
	struct fd syn = vip_syn;
	syn.sport = cport;
	struct vgw_pkt p = {.obj = vgw_lb_service(VIP, 80, 6), .out = VGW_LB_VIP};
	burst_begin(w);
	vgw_dp_push(w, VGW_STAGE_LB, frame_mbuf(&syn), &p);
	stage_run(w, VGW_STAGE_LB);
	ASSERT_EQ(w->vec[VGW_STAGE_ETH_OUT].n, 1);
	dp_fixture_clean();
}

/* The lb row's SYN from CLIENT:40000 made an entry to the backend. */
/* VM3:5000/udp has its mapping, on the pool's address, at a port >= 1024 */
static void snat_has_vm3(void)
{
	const struct vgw_snat_engine *s = vgw_snat_engines[0];
	uint32_t mi = vgw_snat_map_find(s, VNI, VM3, 5000, 17);
	CU_ASSERT_FATAL(mi != VGW_SNAT_NIL);
	ASSERT_EQ(s->map[mi].pub_ip, A4(10, 1, 0, 200));
	CU_ASSERT(s->map[mi].pub_port >= 1024);
}

static void ct_has_40000(void)
{
	struct vgw_ct_key k = {.src = CLIENT, .dst = VIP, .sport = 40000, .dport = 80, .proto = 6};
	enum vgw_ct_dir dir;
	const struct vgw_ct_entry *e = vgw_ct_lookup(dp_worker()->lb->ct, &k, &dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	ASSERT_EQ(dir, VGW_CT_ORIG);
	ASSERT_EQ(e->be_ip, VM2);
	ASSERT_EQ(e->be_port, 8080);
	ASSERT_EQ(e->be_vni, VNI);
}

static int drop_index(const char *name)
{
	for (int i = 0; i < vgw_drop_n; i++)
		if (strcmp(vgw_drop_names[i], name) == 0)
			return i;
	return -1;
}

static void hexdump(const char *what, const uint8_t *p, size_t n)
{
	fprintf(stderr, "    %s (%zu bytes):", what, n);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s%02x", i % 32 ? " " : "\n     ", p[i]);
	fprintf(stderr, "\n");
}

/* m's bytes against the frame want describes, from byte `from`. */
static void check_bytes(const struct stage_case *c, struct rte_mbuf *m, const struct fd *want,
			size_t from)
{
	uint8_t b[2048];
	size_t n = frame_build(want, b);
	const uint8_t *got = rte_pktmbuf_mtod(m, const uint8_t *);
	size_t len = rte_pktmbuf_data_len(m);
	size_t diff = 0;
	if (len == n) {
		for (diff = from; diff < n && got[diff] == b[diff]; diff++)
			;
	}
	CASE_CHECK(c, len == n && diff == n, "bytes: length %zu, want %zu; first difference at %zu",
		   len, n, diff);
	if (len != n || diff != n) {
		hexdump("got", got, len);
		hexdump("want", b, n);
	}
}

static void run_case(const struct stage_case *c)
{
	struct vgw_worker *w = dp_worker();
	CASE_CHECK(c, c->want.where != UNSET, "the row states no outcome");
	if (c->before)
		c->before();
	burst_begin(w);
	struct rte_mbuf *m = frame_mbuf(c->in);
	const uint8_t *ip = rte_pktmbuf_mtod_offset(m, const uint8_t *, VGW_DP_ETH_HLEN);
	if (!c->in->ethertype) /* what the gateway's VXLAN source port will be */
		hashed_sport = vgw_vxlan_src_port(vgw_ip4_flow_hash(
			ip, (uint16_t)((ip[0] & 0xf) * 4), (uint16_t)(ip[2] << 8 | ip[3])));
	const uint8_t seq = 7;
	if (c->stage == VGW_STAGE_CLASSIFY) {
		m->port = vgw_gw.ports[c->in_port].id;
		vgw_dp_rx_burst(w, c->in_port, &m, 1);
	} else {
		struct vgw_pkt p = {.obj = ref_obj(&c->obj), .arg = c->arg, .out = c->out,
				    .in_port = c->in_port, .seq = seq};
		CASE_CHECK(c, c->obj.kind == REF_NONE || p.obj, "the row's object does not exist");
		vgw_dp_push(w, c->stage, m, &p);
		stage_run(w, c->stage);
	}

	/* where the packet is: exactly one place, or nowhere */
	unsigned int places = 0;
	for (int s = 0; s < VGW_STAGE_N; s++)
		places += w->vec[s].n;
	for (int p = 0; p < vgw_gw.n_ports; p++)
		places += w->txb[p]->length;
	for (int r = 1; r < VGW_PUNT_N; r++)
		places += rte_ring_count(w->punt[r].ring);
	unsigned int avail = rte_mempool_avail_count(vgw_gw.pool);
	const struct want *x = &c->want;
	switch (x->where) {
	case TO_VEC: {
		const struct vgw_vec *v = &w->vec[x->stage];
		CASE_CHECK(c, places == 1 && v->n == 1, "want 1 packet in %s, got %u there, %u in all",
			   vgw_stage_names[x->stage], v->n, places);
		if (v->n != 1)
			break;
		const struct vgw_pkt *p = &v->p[0];
		const void *obj = ref_obj(&x->obj);
		CASE_CHECK(c, p->obj == obj, "obj %p, want %p", p->obj, obj);
		CASE_CHECK(c, p->arg == x->arg, "arg %u (0x%x), want %u", p->arg, p->arg, x->arg);
		CASE_CHECK(c, p->out == x->out, "out %u (0x%x), want %u (0x%x)", p->out, p->out,
			   x->out, x->out);
		CASE_CHECK(c, p->in_port == c->in_port, "in_port %u, want %u", p->in_port, c->in_port);
		if (c->stage != VGW_STAGE_CLASSIFY)
			CASE_CHECK(c, p->seq == seq, "seq %u, want %u", p->seq, seq);
		if (x->frame || x->same)
			check_bytes(c, v->m[0], x->same ? c->in : x->frame, 12);
		break;
	}
	case TO_TX: {
		struct rte_eth_dev_tx_buffer *b = w->txb[x->port];
		CASE_CHECK(c, places == 1 && b->length == 1,
			   "want 1 packet in p%u's TX buffer, got %u there, %u in all", x->port,
			   b->length, places);
		CASE_CHECK(c, w->stats[x->port].tx == 1, "p%u tx %" PRIu64 ", want 1", x->port,
			   w->stats[x->port].tx);
		if (b->length == 1 && x->frame)
			check_bytes(c, b->pkts[0], x->frame, 0);
		break;
	}
	case TO_PUNT: {
		struct rte_ring *r = w->punt[x->punt].ring;
		CASE_CHECK(c, places == 1 && rte_ring_count(r) == 1,
			   "want 1 packet in punt ring %d, got %u there, %u in all", x->punt,
			   rte_ring_count(r), places);
		struct rte_mbuf *pm;
		if (rte_ring_count(r) != 1 || rte_ring_sc_dequeue(r, (void **)&pm) != 0)
			break;
		struct vgw_dp_mbuf_priv *pr = rte_mbuf_to_priv(pm);
		CASE_CHECK(c, pr->reason == x->punt, "priv.reason %u, want %d", pr->reason, x->punt);
		if (x->punt == VGW_PUNT_NEIGH_MISS) {
			CASE_CHECK(c, pr->nh_ip == x->arg, "priv.nh_ip 0x%x, want 0x%x", pr->nh_ip,
				   x->arg);
			CASE_CHECK(c, pr->out_port == x->out, "priv.out_port %u, want %u",
				   pr->out_port, x->out);
		}
		if (x->frame || x->same)
			check_bytes(c, pm, x->same ? c->in : x->frame, 12);
		rte_pktmbuf_free(pm); /* after `avail` was read */
		break;
	}
	case FREED:
		CASE_CHECK(c, places == 0 && avail == dp_pool_full,
			   "want it freed: %u packets in the worker, %u of %u mbufs free", places,
			   avail, dp_pool_full);
		break;
	default:
		break;
	}
	if (x->where != FREED)
		CASE_CHECK(c, avail == dp_pool_full - 1, "%u of %u mbufs free, want one in use",
			   avail, dp_pool_full);

	/* the drop counters: the named one once, on in_port; no other */
	int want_drop = x->drop ? drop_index(x->drop) : -1;
	CASE_CHECK(c, !x->drop || want_drop >= 0, "no drop counter named %s", x->drop);
	for (int p = 0; p < vgw_gw.n_ports; p++)
		for (int d = 0; d < vgw_drop_n; d++) {
			uint64_t want = p == c->in_port && d == want_drop;
			CASE_CHECK(c, w->stats[p].drop[d] == want, "p%d %s = %" PRIu64 ", want %" PRIu64,
				   p, vgw_drop_names[d], w->stats[p].drop[d], want);
		}
	for (int p = 0; p < vgw_gw.n_ports; p++)
		if (x->where != TO_TX || p != x->port)
			CASE_CHECK(c, w->stats[p].tx == 0, "p%d tx %" PRIu64 ", want 0", p,
				   w->stats[p].tx);
	if (c->after)
		c->after();

	dp_fixture_clean();
	avail = rte_mempool_avail_count(vgw_gw.pool);
	CASE_CHECK(c, avail == dp_pool_full, "mbuf leak: %u of %u free after clean-up", avail,
		   dp_pool_full);
}

static void run_stage(enum vgw_stage s)
{
	unsigned int n = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (cases[i].stage == s) {
			run_case(&cases[i]);
			n++;
		}
	CU_ASSERT(n > 0);
}

static void t_classify(void) { run_stage(VGW_STAGE_CLASSIFY); }
static void t_vxlan_in(void) { run_stage(VGW_STAGE_VXLAN_IN); }
static void t_vpc_out(void) { run_stage(VGW_STAGE_VPC_OUT); }
static void t_ip4_route(void) { run_stage(VGW_STAGE_IP4_ROUTE); }
static void t_ip4_local(void) { run_stage(VGW_STAGE_IP4_LOCAL); }
static void t_lb(void) { run_stage(VGW_STAGE_LB); }
static void t_eip_in(void) { run_stage(VGW_STAGE_EIP_IN); }
static void t_ip4_forward(void) { run_stage(VGW_STAGE_IP4_FORWARD); }
static void t_tunnel_out(void) { run_stage(VGW_STAGE_TUNNEL_OUT); }
static void t_icmp_error(void) { run_stage(VGW_STAGE_ICMP_ERROR); }
static void t_eth_out(void) { run_stage(VGW_STAGE_ETH_OUT); }

/* Every stage has a row where its packet passes (not a drop). */
static void t_table_covers_every_stage(void)
{
	for (int s = 0; s < VGW_STAGE_N; s++) {
		bool pass = false;
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
			pass |= cases[i].stage == (enum vgw_stage)s && !cases[i].want.drop &&
				(cases[i].want.where == TO_VEC || cases[i].want.where == TO_TX);
		if (!pass)
			fprintf(stderr, "\n  stage %s has no passing row\n", vgw_stage_names[s]);
		CU_ASSERT(pass);
	}
}

/* eth-out sends a port's packets in arrival order (seq), whatever order the
 * stages before pushed them in: seq 2, 0, 1 leave as 0, 1, 2. */
static void t_eth_out_order(void)
{
	struct vgw_worker *w = dp_worker();
	burst_begin(w);
	static const uint8_t order[3] = {2, 0, 1};
	for (int i = 0; i < 3; i++) {
		struct fd f = fwd_out;
		f.id = order[i];
		struct vgw_pkt p = {.arg = ROUTER, .out = 0, .in_port = 0, .seq = order[i]};
		vgw_dp_push(w, VGW_STAGE_ETH_OUT, frame_mbuf(&f), &p);
	}
	stage_run(w, VGW_STAGE_ETH_OUT);
	struct rte_eth_dev_tx_buffer *b = w->txb[0];
	ASSERT_EQ(b->length, 3);
	ASSERT_EQ(w->stats[0].tx, 3);
	for (uint16_t i = 0; i < b->length && i < 3; i++) {
		const uint8_t *ip = rte_pktmbuf_mtod_offset(b->pkts[i], const uint8_t *, VGW_DP_ETH_HLEN);
		ASSERT_EQ(ip[4] << 8 | ip[5], i); /* IP id = seq */
	}
	dp_fixture_clean();
	ASSERT_EQ(rte_mempool_avail_count(vgw_gw.pool), dp_pool_full);
}

int main(void)
{
	static const struct unit_test tests[] = {
		{"the table has a passing row for every stage", t_table_covers_every_stage},
		{"vxlan-in", t_vxlan_in},
		{"vpc-out", t_vpc_out},
		{"ip4-route", t_ip4_route},
		{"ip4-local", t_ip4_local},
		{"lb (vip-in, lb-reply, vip-icmp)", t_lb},
		{"eip-in", t_eip_in},
		{"ip4-forward", t_ip4_forward},
		{"tunnel-out", t_tunnel_out},
		{"icmp-error", t_icmp_error},
		{"eth-out", t_eth_out},
		{"eth-out keeps arrival order", t_eth_out_order},
		{"classify, end to end", t_classify},
	};
	return dp_fixture_run("dp-stages", tests, sizeof(tests) / sizeof(tests[0]), config,
			      sizeof(config) / sizeof(config[0]));
}
