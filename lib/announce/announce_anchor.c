/* The announce anchor: see announce_anchor.h. */
#include "announce_anchor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "../util/parse.h"

/* The anchor carries no traffic: without this Linux would give it an IPv6
 * link-local address and queue router solicitations nobody reads. */
static void ipv6_off(const char *name)
{
	char path[128];
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1\n", 2) != 2) {
			/* best effort: IPv6 noise on an unused device is harmless */
		}
		close(fd);
	}
}

int vgw_announce_anchor_open(char name[IFNAMSIZ], unsigned int *ifindex, char *err)
{
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, VGW_ERR_LEN, "announce: cannot open /dev/net/tun for the anchor: %s",
			 strerror(errno));
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "vgw-ann%%d");
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		snprintf(err, VGW_ERR_LEN, "announce: cannot create the anchor device: %s",
			 strerror(errno));
		close(fd);
		return -1;
	}
	snprintf(name, IFNAMSIZ, "%s", ifr.ifr_name);
	ipv6_off(name);
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc = s < 0 ? -1 : ioctl(s, SIOCGIFFLAGS, &ifr);
	if (rc == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_NOARP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	int e = errno;
	if (s >= 0)
		close(s);
	*ifindex = if_nametoindex(name);
	if (rc < 0 || !*ifindex) {
		snprintf(err, VGW_ERR_LEN, "announce: cannot bring the anchor %s up: %s", name,
			 strerror(rc < 0 ? e : errno));
		close(fd);
		return -1;
	}
	return fd;
}

void vgw_announce_anchor_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
