/* sd_notify: tells the service manager how start-up and shutdown go, for a
 * systemd unit of Type=notify (conf/vgwd.service). The protocol is one
 * datagram of "KEY=VALUE" lines to the AF_UNIX socket named by
 * $NOTIFY_SOCKET (a path, or '@' for the abstract namespace), so no
 * libsystemd is needed. Without $NOTIFY_SOCKET (vgwd not started by systemd)
 * it does nothing.
 * Contract: main thread (slow path); never blocks (a full queue drops the
 * message, which systemd's own client does too). */
#ifndef VGW_SD_NOTIFY_H
#define VGW_SD_NOTIFY_H

/* Sends state (e.g. "READY=1", "STOPPING=1"). 0 when sent or when there is
 * nobody to tell, -1 with errno when the send failed (callers log it: a unit
 * waiting for READY=1 will time out). */
int vgw_sd_notify(const char *state);

#endif
