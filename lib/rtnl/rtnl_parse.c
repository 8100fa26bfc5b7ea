/* Netlink route message parser: see rtnl_parse.h. */
#include "rtnl_parse.h"

#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "nl_sock.h"

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

/* A 4-byte attribute's value (libmnl checks the length, memcpy leaves no
 * alignment assumption of our own). */
static bool u32_of(const struct nlattr *a, uint32_t *v)
{
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return false;
	memcpy(v, mnl_attr_get_payload(a), sizeof(*v));
	return true;
}

/* What the walk of one rtnexthop's attributes finds. */
struct nexthop_walk {
	uint32_t gw; /* network order */
	bool has_gw;
	uint32_t *unknown;
	enum vgw_rtnl_result res; /* why the walk stopped, OK if it did not */
};

/* One attribute inside an rtnexthop: a gateway, or something we cannot use. */
static int nexthop_attr(const struct nlattr *a, void *data)
{
	struct nexthop_walk *w = data;
	uint16_t type = mnl_attr_get_type(a);
	switch (type) {
	case RTA_GATEWAY:
		if (!u32_of(a, &w->gw)) {
			w->res = VGW_RTNL_ERR_MULTIPATH;
			return MNL_CB_ERROR;
		}
		w->has_gw = true;
		break;
	case RTA_VIA: case RTA_ENCAP: case RTA_ENCAP_TYPE:
		w->res = VGW_RTNL_ERR_UNSUPPORTED;
		return MNL_CB_ERROR;
	default:
		if (!known_unused(type))
			(*w->unknown)++;
	}
	return MNL_CB_OK;
}

/* RTA_MULTIPATH: a list of struct rtnexthop, each followed by its attributes
 * within rtnh_len (not attributes themselves: walked here). */
static enum vgw_rtnl_result multipath(const struct nlattr *mp, struct vgw_rtnl_route *r)
{
	const uint8_t *p = mnl_attr_get_payload(mp);
	size_t n = mnl_attr_get_payload_len(mp);
	const size_t hdr = sizeof(struct rtnexthop);
	while (n > 0) {
		if (n < hdr)
			return VGW_RTNL_ERR_MULTIPATH;
		struct rtnexthop nh;
		memcpy(&nh, p, hdr);
		if (nh.rtnh_len < hdr || nh.rtnh_len > n)
			return VGW_RTNL_ERR_MULTIPATH;
		struct nexthop_walk w = {.unknown = &r->unknown_attrs, .res = VGW_RTNL_OK};
		if (vgw_rtnl_nl_attr_parse_payload(p + hdr, nh.rtnh_len - hdr, nexthop_attr,
						   &w) < 0)
			return w.res != VGW_RTNL_OK ? w.res : VGW_RTNL_ERR_MULTIPATH;
		if (!w.has_gw)
			return VGW_RTNL_ERR_NO_GATEWAY; /* a device next hop */
		if (!(nh.rtnh_flags & RTNH_F_DEAD)) {
			if (r->n_paths == VGW_FIB_ECMP_MAX)
				return VGW_RTNL_ERR_TOO_MANY_PATHS;
			r->paths[r->n_paths++] = (struct vgw_rtnl_path){
				.gw = ntohl(w.gw), .oif = nh.rtnh_ifindex};
		}
		size_t step = RTNH_ALIGN(nh.rtnh_len);
		if (step > n)
			step = n; /* the last may lack its padding */
		p += step;
		n -= step;
	}
	return r->n_paths ? VGW_RTNL_OK : VGW_RTNL_ERR_NO_GATEWAY;
}

/* What the walk of a route message's attributes finds. */
struct route_walk {
	struct vgw_rtnl_route *r;
	const struct nlattr *mp; /* RTA_MULTIPATH */
	bool has_dst, has_gw, has_nh_id, unsupported;
	uint32_t gw;  /* host order */
	int32_t oif;
};

/* One attribute of a route message. Every attribute we read is checked for
 * its exact size; a wrong one refuses the message (MNL_CB_ERROR). */
static int route_attr(const struct nlattr *a, void *data)
{
	struct route_walk *w = data;
	struct vgw_rtnl_route *r = w->r;
	uint16_t type = mnl_attr_get_type(a);
	uint32_t v = 0;
	switch (type) {
	case RTA_TABLE: case RTA_DST: case RTA_GATEWAY: case RTA_OIF: case RTA_PRIORITY:
	case RTA_NH_ID:
		if (!u32_of(a, &v))
			return MNL_CB_ERROR;
		break;
	}
	switch (type) {
	case RTA_TABLE:
		r->table = v;
		break;
	case RTA_DST:
		r->dst = ntohl(v);
		w->has_dst = true;
		break;
	case RTA_GATEWAY:
		w->gw = ntohl(v);
		w->has_gw = true;
		break;
	case RTA_OIF:
		w->oif = (int32_t)v;
		break;
	case RTA_PRIORITY:
		r->metric = v;
		break;
	case RTA_MULTIPATH:
		w->mp = a;
		break;
	case RTA_NH_ID:
		w->has_nh_id = true;
		break;
	case RTA_VIA: case RTA_ENCAP: case RTA_ENCAP_TYPE:
		w->unsupported = true;
		break;
	default:
		if (!known_unused(type))
			r->unknown_attrs++;
	}
	return MNL_CB_OK;
}

enum vgw_rtnl_result vgw_rtnl_parse(const void *msg, size_t avail, uint32_t table,
				    struct vgw_rtnl_route *r)
{
	memset(r, 0, sizeof(*r));
	const struct nlmsghdr *h = msg;
	struct rtmsg rtm;
	uint16_t type;
	if (!vgw_rtnl_nl_msg_step(msg, avail))
		return VGW_RTNL_ERR_TRUNCATED; /* the header or its length does not fit */
	memcpy(&type, (const uint8_t *)msg + offsetof(struct nlmsghdr, nlmsg_type), sizeof(type));
	if (type != RTM_NEWROUTE && type != RTM_DELROUTE)
		return VGW_RTNL_IGN_MSG_TYPE;
	r->op = type == RTM_NEWROUTE ? VGW_RTNL_ADD : VGW_RTNL_DEL;
	if (mnl_nlmsg_get_payload_len(h) < sizeof(rtm))
		return VGW_RTNL_ERR_TRUNCATED;
	memcpy(&rtm, mnl_nlmsg_get_payload(h), sizeof(rtm));
	if (rtm.rtm_family != AF_INET)
		return VGW_RTNL_IGN_FAMILY;
	r->len = rtm.rtm_dst_len;
	r->type = rtm.rtm_type;
	r->proto = rtm.rtm_protocol;
	r->table = rtm.rtm_table;

	struct route_walk w = {.r = r};
	if (vgw_rtnl_nl_attr_parse(h, sizeof(rtm), route_attr, &w) < 0)
		return VGW_RTNL_ERR_ATTR;
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
	if (r->len > 0 && !w.has_dst)
		return VGW_RTNL_ERR_NO_DST;
	if (r->dst & ~vgw_prefix_mask(r->len))
		return VGW_RTNL_ERR_HOST_BITS;
	if (rtm.rtm_type != RTN_UNICAST)
		return VGW_RTNL_IGN_TYPE;
	if (r->op == VGW_RTNL_DEL)
		return VGW_RTNL_OK; /* the key is all a withdrawal needs */
	/* the next hops */
	if (w.unsupported)
		return VGW_RTNL_ERR_UNSUPPORTED;
	if (w.mp)
		return multipath(w.mp, r);
	if (w.has_gw) {
		if (rtm.rtm_flags & RTNH_F_DEAD)
			return VGW_RTNL_ERR_NO_GATEWAY;
		r->paths[0] = (struct vgw_rtnl_path){.gw = w.gw, .oif = w.oif};
		r->n_paths = 1;
		return VGW_RTNL_OK;
	}
	/* nexthop objects: with net.ipv4.nexthop_compat_mode=1 (the default)
	 * the kernel adds RTA_GATEWAY / RTA_MULTIPATH, without it only the id */
	return w.has_nh_id ? VGW_RTNL_ERR_UNSUPPORTED : VGW_RTNL_ERR_NO_GATEWAY;
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
