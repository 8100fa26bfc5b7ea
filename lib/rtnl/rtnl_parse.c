/* Netlink route message parser: see rtnl_parse.h. */
#include "rtnl_parse.h"

#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "nl_attr.h"

#define VGW_X_NAME(id, name, help) name,
const char *const vgw_rtnl_result_names[VGW_RTNL_RESULT_MAX] = {VGW_RTNL_RESULTS(VGW_X_NAME)};
#undef VGW_X_NAME
#define VGW_X_HELP(id, name, help) help,
const char *const vgw_rtnl_result_help[VGW_RTNL_RESULT_MAX] = {VGW_RTNL_RESULTS(VGW_X_HELP)};
#undef VGW_X_HELP

/* Attributes a kernel route message may carry that we do not need. */
static int known_unused(uint16_t type)
{
	switch (type) {
	case RTA_SRC: case RTA_IIF: case RTA_PREFSRC: case RTA_METRICS: case RTA_PROTOINFO:
	case RTA_FLOW: case RTA_CACHEINFO: case RTA_SESSION: case RTA_MP_ALGO: case RTA_MARK:
	case RTA_MFC_STATS: case RTA_NEWDST: case RTA_PREF: case RTA_EXPIRES: case RTA_PAD:
	case RTA_UID: case RTA_TTL_PROPAGATE: case RTA_IP_PROTO: case RTA_SPORT:
	case RTA_DPORT:
		return 1;
	}
	return 0;
}

/* The attributes inside one rtnexthop: a gateway, or something we cannot
 * use. Returns OK or an error. */
static enum vgw_rtnl_result nexthop_attrs(const uint8_t *p, size_t n, uint32_t *gw, int *has_gw,
					  uint32_t *unknown)
{
	struct vgw_nl_attr a;
	while (n > 0) {
		if (vgw_nl_attr_next(&p, &n, &a) < 0)
			return VGW_RTNL_ERR_MULTIPATH;
		switch (a.type) {
		case RTA_GATEWAY:
			if (a.size != 4)
				return VGW_RTNL_ERR_MULTIPATH;
			*gw = vgw_nl_get_u32(a.data);
			*has_gw = 1;
			break;
		case RTA_VIA: case RTA_ENCAP: case RTA_ENCAP_TYPE:
			return VGW_RTNL_ERR_UNSUPPORTED;
		default:
			if (!known_unused(a.type))
				(*unknown)++;
		}
	}
	return VGW_RTNL_OK;
}

/* RTA_MULTIPATH: a list of struct rtnexthop, each followed by its attributes
 * within rtnh_len. */
static enum vgw_rtnl_result multipath(const uint8_t *p, size_t n, struct vgw_rtnl_route *r)
{
	const size_t hdr = sizeof(struct rtnexthop);
	while (n > 0) {
		if (n < hdr)
			return VGW_RTNL_ERR_MULTIPATH;
		struct rtnexthop nh;
		memcpy(&nh, p, hdr);
		if (nh.rtnh_len < hdr || nh.rtnh_len > n)
			return VGW_RTNL_ERR_MULTIPATH;
		uint32_t gw = 0;
		int has_gw = 0;
		enum vgw_rtnl_result res =
			nexthop_attrs(p + hdr, nh.rtnh_len - hdr, &gw, &has_gw, &r->unknown_attrs);
		if (res != VGW_RTNL_OK)
			return res;
		if (!has_gw)
			return VGW_RTNL_ERR_NO_GATEWAY; /* a device next hop */
		if (!(nh.rtnh_flags & RTNH_F_DEAD)) {
			if (r->n_paths == VGW_ECMP_MAX)
				return VGW_RTNL_ERR_TOO_MANY_PATHS;
			r->paths[r->n_paths++] = (struct vgw_rtnl_path){
				.gw = ntohl(gw), .oif = nh.rtnh_ifindex};
		}
		size_t step = VGW_NL_ALIGN4(nh.rtnh_len);
		if (step > n)
			step = n;
		p += step;
		n -= step;
	}
	return r->n_paths ? VGW_RTNL_OK : VGW_RTNL_ERR_NO_GATEWAY;
}

enum vgw_rtnl_result vgw_rtnl_parse(const void *msg, size_t avail, uint32_t table,
				    struct vgw_rtnl_route *r)
{
	memset(r, 0, sizeof(*r));
	const uint8_t *b = msg;
	struct nlmsghdr h;
	struct rtmsg rtm;
	if (avail < NLMSG_HDRLEN)
		return VGW_RTNL_ERR_TRUNCATED;
	memcpy(&h, b, sizeof(h));
	if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > avail)
		return VGW_RTNL_ERR_TRUNCATED;
	if (h.nlmsg_type != RTM_NEWROUTE && h.nlmsg_type != RTM_DELROUTE)
		return VGW_RTNL_IGN_MSG_TYPE;
	r->op = h.nlmsg_type == RTM_NEWROUTE ? VGW_RTNL_ADD : VGW_RTNL_DEL;
	size_t body = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(rtm));
	if (h.nlmsg_len < NLMSG_HDRLEN + sizeof(rtm))
		return VGW_RTNL_ERR_TRUNCATED;
	memcpy(&rtm, b + NLMSG_HDRLEN, sizeof(rtm));
	if (rtm.rtm_family != AF_INET)
		return VGW_RTNL_IGN_FAMILY;
	r->len = rtm.rtm_dst_len;
	r->type = rtm.rtm_type;
	r->proto = rtm.rtm_protocol;
	r->table = rtm.rtm_table;

	const uint8_t *p = b + (body < h.nlmsg_len ? body : h.nlmsg_len);
	size_t n = h.nlmsg_len - (size_t)(p - b);
	struct vgw_nl_attr a;
	struct vgw_nl_attr mp = {0};
	int has_dst = 0, has_gw = 0, has_mp = 0, has_nh_id = 0, unsupported = 0;
	uint32_t gw = 0;
	int32_t oif = 0;
	while (n > 0) {
		if (vgw_nl_attr_next(&p, &n, &a) < 0)
			return VGW_RTNL_ERR_ATTR;
		switch (a.type) {
		case RTA_TABLE:
			if (a.size != 4)
				return VGW_RTNL_ERR_ATTR;
			r->table = vgw_nl_get_u32(a.data);
			break;
		case RTA_DST:
			if (a.size != 4)
				return VGW_RTNL_ERR_ATTR;
			r->dst = ntohl(vgw_nl_get_u32(a.data));
			has_dst = 1;
			break;
		case RTA_GATEWAY:
			if (a.size != 4)
				return VGW_RTNL_ERR_ATTR;
			gw = ntohl(vgw_nl_get_u32(a.data));
			has_gw = 1;
			break;
		case RTA_OIF:
			if (a.size != 4)
				return VGW_RTNL_ERR_ATTR;
			oif = (int32_t)vgw_nl_get_u32(a.data);
			break;
		case RTA_PRIORITY:
			if (a.size != 4)
				return VGW_RTNL_ERR_ATTR;
			r->metric = vgw_nl_get_u32(a.data);
			break;
		case RTA_MULTIPATH:
			mp = a;
			has_mp = 1;
			break;
		case RTA_NH_ID:
			if (a.size != 4)
				return VGW_RTNL_ERR_ATTR;
			has_nh_id = 1;
			break;
		case RTA_VIA: case RTA_ENCAP: case RTA_ENCAP_TYPE:
			unsupported = 1;
			break;
		default:
			if (!known_unused(a.type))
				r->unknown_attrs++;
		}
	}
	/* what concerns us at all */
	if (r->table != table)
		return VGW_RTNL_IGN_TABLE;
	if (rtm.rtm_flags & RTM_F_CLONED)
		return VGW_RTNL_IGN_CLONED;
	if (rtm.rtm_tos != 0)
		return VGW_RTNL_IGN_TOS;
	/* the key */
	if (r->len > 32)
		return VGW_RTNL_ERR_PLEN;
	if (r->len > 0 && !has_dst)
		return VGW_RTNL_ERR_NO_DST;
	if (r->dst & ~vgw_prefix_mask(r->len))
		return VGW_RTNL_ERR_HOST_BITS;
	if (rtm.rtm_type != RTN_UNICAST)
		return VGW_RTNL_IGN_TYPE;
	if (r->op == VGW_RTNL_DEL)
		return VGW_RTNL_OK; /* the key is all a withdrawal needs */
	/* the next hops */
	if (unsupported)
		return VGW_RTNL_ERR_UNSUPPORTED;
	if (has_mp)
		return multipath(mp.data, mp.size, r);
	if (has_gw) {
		if (rtm.rtm_flags & RTNH_F_DEAD)
			return VGW_RTNL_ERR_NO_GATEWAY;
		r->paths[0] = (struct vgw_rtnl_path){.gw = gw, .oif = oif};
		r->n_paths = 1;
		return VGW_RTNL_OK;
	}
	/* nexthop objects: with net.ipv4.nexthop_compat_mode=1 (the default)
	 * the kernel adds RTA_GATEWAY / RTA_MULTIPATH, without it only the id */
	return has_nh_id ? VGW_RTNL_ERR_UNSUPPORTED : VGW_RTNL_ERR_NO_GATEWAY;
}

const char *vgw_rtnl_proto_name(uint8_t proto, char buf[4])
{
	switch (proto) {
	case RTPROT_REDIRECT: return "redirect";
	case RTPROT_KERNEL: return "kernel";
	case RTPROT_BOOT: return "boot";
	case RTPROT_STATIC: return "static";
	case RTPROT_ZEBRA: return "zebra";
	case RTPROT_BIRD: return "bird";
	case RTPROT_DHCP: return "dhcp";
	case RTPROT_KEEPALIVED: return "keepalived";
	case RTPROT_BABEL: return "babel";
	case RTPROT_BGP: return "bgp";
	case RTPROT_ISIS: return "isis";
	case RTPROT_OSPF: return "ospf";
	case RTPROT_RIP: return "rip";
	case RTPROT_EIGRP: return "eigrp";
	}
	snprintf(buf, 4, "%u", proto);
	return buf;
}
