/*
 * Preloaded into an engine that cannot choose the source address of its
 * outgoing connections (MariaDB's replication client has no MASTER_BIND;
 * Node's and Java's sockets leave from 127.0.0.1): binds each unbound TCP
 * socket to FAULTLINE_BIND_SOURCE before it connects to a loopback address,
 * so partitions by address cut it too. Dual-stack IPv6 sockets (Java's
 * default) connecting to an IPv4-mapped loopback address get the mapped
 * source. Sockets the engine bound itself are left alone.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef int (*connect_fn)(int, const struct sockaddr *, socklen_t);

static int is_stream(int fd) {
  int type;
  socklen_t len = sizeof type;
  return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM;
}

/* An IPv4 socket not yet bound to an address or port. */
static int unbound4(int fd) {
  struct sockaddr_in self;
  socklen_t len = sizeof self;
  return getsockname(fd, (struct sockaddr *)&self, &len) == 0 && self.sin_family == AF_INET &&
         self.sin_addr.s_addr == htonl(INADDR_ANY) && self.sin_port == 0;
}

/* An IPv6 socket not yet bound to an address or port. */
static int unbound6(int fd) {
  struct sockaddr_in6 self;
  socklen_t len = sizeof self;
  return getsockname(fd, (struct sockaddr *)&self, &len) == 0 && self.sin6_family == AF_INET6 &&
         IN6_IS_ADDR_UNSPECIFIED(&self.sin6_addr) && self.sin6_port == 0;
}

static void bind_source(int fd, const struct sockaddr *to, const char *source) {
  struct in_addr address;
  if (inet_pton(AF_INET, source, &address) != 1 || !is_stream(fd)) return;
  /* A failed bind leaves the socket as it was: it connects from the default address. */
  if (to->sa_family == AF_INET) {
    const struct sockaddr_in *dest = (const struct sockaddr_in *)to;
    if ((ntohl(dest->sin_addr.s_addr) >> 24) != 127 || !unbound4(fd)) return;
    struct sockaddr_in from = {0};
    from.sin_family = AF_INET;
    from.sin_addr = address;
    bind(fd, (const struct sockaddr *)&from, sizeof from);
  } else if (to->sa_family == AF_INET6) {
    const struct sockaddr_in6 *dest = (const struct sockaddr_in6 *)to;
    if (!IN6_IS_ADDR_V4MAPPED(&dest->sin6_addr) || dest->sin6_addr.s6_addr[12] != 127 ||
        !unbound6(fd))
      return;
    struct sockaddr_in6 from = {0};
    from.sin6_family = AF_INET6;
    from.sin6_addr.s6_addr[10] = 0xff;
    from.sin6_addr.s6_addr[11] = 0xff;
    memcpy(&from.sin6_addr.s6_addr[12], &address, 4);
    bind(fd, (const struct sockaddr *)&from, sizeof from);
  }
}

int connect(int fd, const struct sockaddr *to, socklen_t to_len) {
  static connect_fn real_connect;
  if (!real_connect) real_connect = (connect_fn)dlsym(RTLD_NEXT, "connect");
  const char *source = getenv("FAULTLINE_BIND_SOURCE");
  if (source && to) bind_source(fd, to, source);
  return real_connect(fd, to, to_len);
}
