/*
 * Preloaded into an engine that cannot choose the source address of its
 * outgoing connections (MariaDB's replication client has no MASTER_BIND):
 * binds each unbound IPv4 TCP socket to FAULTLINE_BIND_SOURCE before it
 * connects to a loopback address, so partitions by address cut it too.
 * Sockets the engine bound itself are left alone.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

typedef int (*connect_fn)(int, const struct sockaddr *, socklen_t);

static int unbound_tcp(int fd) {
  int type;
  socklen_t type_len = sizeof type;
  struct sockaddr_in self;
  socklen_t self_len = sizeof self;
  return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &type_len) == 0 && type == SOCK_STREAM &&
         getsockname(fd, (struct sockaddr *)&self, &self_len) == 0 && self.sin_family == AF_INET &&
         self.sin_addr.s_addr == htonl(INADDR_ANY) && self.sin_port == 0;
}

int connect(int fd, const struct sockaddr *to, socklen_t to_len) {
  static connect_fn real_connect;
  if (!real_connect) real_connect = (connect_fn)dlsym(RTLD_NEXT, "connect");
  const char *source = getenv("FAULTLINE_BIND_SOURCE");
  if (source && to && to->sa_family == AF_INET &&
      (ntohl(((const struct sockaddr_in *)to)->sin_addr.s_addr) >> 24) == 127 && unbound_tcp(fd)) {
    struct sockaddr_in from = {0};
    from.sin_family = AF_INET;
    /* A failed bind leaves the socket as it was: it connects from the default address. */
    if (inet_pton(AF_INET, source, &from.sin_addr) == 1)
      bind(fd, (const struct sockaddr *)&from, sizeof from);
  }
  return real_connect(fd, to, to_len);
}
