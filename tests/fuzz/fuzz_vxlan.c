/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_vxlan.c - libFuzzer target: the VXLAN header parse of every packet
 * from a hypervisor (lib/net/vxlan.c, RFC 7348) and the encapsulation the
 * gateway writes in front of the frames it sends them.
 *
 * Input: the UDP payload of a VXLAN datagram. Properties: a parsed VNI fits
 * 24 bits and needs the I flag; the 50 outer bytes the gateway writes, from
 * parameters taken from the input, parse back to the same VNI and carry a
 * valid outer IPv4 header whose total length covers the inner frame.
 */
#include "fuzz_util.h"
#include "net/ip4.h"
#include "net/vxlan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = fuzz_dup(data, size);
	uint32_t vni = 0xffffffffu;
	enum vgw_vxlan_err e = vgw_vxlan_parse(p, (uint32_t)size, &vni);
	if (e == VGW_VXLAN_OK) {
		FUZZ_CHECK(size >= VGW_VXLAN_HLEN && vni <= VGW_VNI_MAX);
		FUZZ_CHECK(p[0] & VGW_VXLAN_FLAG_I);
	} else {
		FUZZ_CHECK(e == VGW_VXLAN_SHORT ? size < VGW_VXLAN_HLEN : e == VGW_VXLAN_NO_I);
	}
	free(p);

	/* the other way: outer headers from the input's first bytes */
	const uint8_t *q = data;
	size_t left = size;
	struct vgw_vxlan_outer o;
	for (int i = 0; i < 6; i++)
		o.src_mac[i] = (uint8_t)fuzz_take(&q, &left, 1);
	for (int i = 0; i < 6; i++)
		o.dst_mac[i] = (uint8_t)fuzz_take(&q, &left, 1);
	o.src_ip = fuzz_take(&q, &left, 4);
	o.dst_ip = fuzz_take(&q, &left, 4);
	o.src_port = vgw_vxlan_src_port(fuzz_take(&q, &left, 4));
	o.dst_port = (uint16_t)fuzz_take(&q, &left, 2);
	o.vni = fuzz_take(&q, &left, 3);
	uint16_t inner_len = (uint16_t)(fuzz_take(&q, &left, 2) % (9000 - VGW_VXLAN_OUTER_LEN));
	uint8_t *outer = malloc(VGW_VXLAN_OUTER_LEN);
	FUZZ_CHECK(outer);
	vgw_vxlan_encap(outer, &o, inner_len);
	FUZZ_CHECK(o.src_port >= 49152);
	uint32_t got;
	FUZZ_CHECK(vgw_vxlan_parse(outer + 42, VGW_VXLAN_HLEN, &got) == VGW_VXLAN_OK);
	FUZZ_CHECK(got == o.vni);
	uint16_t hl, tl;
	FUZZ_CHECK(vgw_ip4_check(outer + 14, VGW_VXLAN_OUTER_LEN - 14 + inner_len, &hl, &tl) ==
		   VGW_DROP_NONE);
	FUZZ_CHECK(tl == VGW_VXLAN_OUTER_LEN - 14 + inner_len);
	FUZZ_CHECK(vgw_ip4_src(outer + 14) == o.src_ip && vgw_ip4_dst(outer + 14) == o.dst_ip);
	free(outer);
	return 0;
}
