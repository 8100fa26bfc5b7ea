/* Control socket server (UNIX stream, mode 0660), driven by the slow-path
 * epoll loop. Protocol in doc/interfaces.md: a request line `t|j WORDS\n`
 * (at most 4096 bytes), answered by `ok|err LENGTH\n` and LENGTH bytes.
 * Commands run through vgw_cli_exec(), i.e. on the slow path itself, so they
 * never race with other configuration writers.
 * Contract: slow path only; sockets are non-blocking, a slow client only
 * delays its own output. */
#ifndef VGW_CTL_SERVER_H
#define VGW_CTL_SERVER_H

#include <stdint.h>

#include "../util/parse.h"

int vgw_ctl_open(const char *path, int epfd, char *err);
/* Handles an epoll event whose data.u64 is tagged by the server. */
void vgw_ctl_event(int epfd, uint64_t tag, uint32_t events);
void vgw_ctl_close(int epfd);

#define VGW_CTL_TAG_LISTEN 1ull
#define VGW_CTL_TAG_CLIENT 0x100ull /* + client index */

#endif
