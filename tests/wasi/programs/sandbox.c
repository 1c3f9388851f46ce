/* Escape attempts and hostile arguments. Built for wasm only: the expected output
 * (sandbox.expected) is what a sandbox must answer; natively most of these would succeed.
 * The fixture (made by the driver) has, inside /sandbox: sub/file.txt and the links
 *   up -> ../outside, abs -> <absolute>/outside, updir -> .., loop -> loop,
 *   inner -> sub/file.txt, sneaky -> sub/../../outside/secret.txt
 * and a read-only preopen /ro with readme.txt. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

#include "common.h"

static void try_open(const char* path, int flags) {
  int fd = open(path, flags, 0644);
  if (fd < 0) {
    printf("open %s: %s\n", path, errname(errno));
    return;
  }
  char buf[64];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  buf[n < 0 ? 0 : n] = 0;
  printf("open %s: OPENED (%s)\n", path, n > 0 ? "read data" : "no data");
  close(fd);
}

/* Raw imports, so the path pointer and length reach the host exactly as given. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open"))) int32_t
raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags,
              int64_t base, int64_t inheriting, int32_t fdflags, int32_t fd_out);
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) int32_t
raw_proc_raise(int32_t sig);

static void raw(const char* label, __wasi_errno_t e) {
  printf("%s: errno %u\n", label, e);
}

int main(void) {
  struct stat st;
  /* `..` and absolute paths. */
  try_open("/sandbox/../outside/secret.txt", O_RDONLY);
  try_open("/sandbox/sub/../../outside/secret.txt", O_RDONLY);
  try_open("/sandbox/sub/../file-not-here", O_RDONLY);
  try_open("/sandbox/sub/../sub/file.txt", O_RDONLY);
  try_open("/etc/passwd", O_RDONLY);
  try_open("/sandboxx/x", O_RDONLY);
  try_open("../outside/secret.txt", O_RDONLY);
  /* Links planted inside pointing out. */
  try_open("/sandbox/up/secret.txt", O_RDONLY);
  try_open("/sandbox/abs/secret.txt", O_RDONLY);
  try_open("/sandbox/updir/outside/secret.txt", O_RDONLY);
  try_open("/sandbox/sneaky", O_RDONLY);
  try_open("/sandbox/loop", O_RDONLY);
  try_open("/sandbox/inner", O_RDONLY);
  try_open("/sandbox/up/new.txt", O_CREAT | O_WRONLY);
  report("lstat up (the link itself is visible)", lstat("/sandbox/up", &st));
  report("stat up (following it is not)", stat("/sandbox/up", &st));
  char buf[256];
  ssize_t n = readlink("/sandbox/up", buf, sizeof buf);
  printf("readlink up: %.*s\n", (int)(n < 0 ? 0 : n), buf);
  printf("opendir /sandbox/..: %s\n", opendir("/sandbox/..") ? "OPENED" : errname(errno));
  printf("opendir /sandbox/up: %s\n", opendir("/sandbox/up") ? "OPENED" : errname(errno));
  report("mkdir /sandbox/../made", mkdir("/sandbox/../made", 0755));
  report("mkdir /sandbox/up/made", mkdir("/sandbox/up/made", 0755));
  report("unlink /sandbox/up/secret.txt", unlink("/sandbox/up/secret.txt"));
  report("rename out of the sandbox", rename("/sandbox/sub/file.txt", "/sandbox/../stolen"));
  report("rename in through a link", rename("/sandbox/up/secret.txt", "/sandbox/stolen"));
  report("link through a link", link("/sandbox/up/secret.txt", "/sandbox/stolen"));
  report("symlink absolute target", symlink("/etc/passwd", "/sandbox/pw"));
  report("guest plants a link out", symlink("../outside/secret.txt", "/sandbox/evil"));
  try_open("/sandbox/evil", O_RDONLY);
  report("unlink the planted link", unlink("/sandbox/evil"));
  report("rmdir /sandbox/..", rmdir("/sandbox/.."));
  report("truncate via link", truncate("/sandbox/up/secret.txt", 0));

  /* The read-only preopen. */
  try_open("/ro/readme.txt", O_RDONLY);
  try_open("/ro/new.txt", O_CREAT | O_WRONLY);
  try_open("/ro/readme.txt", O_WRONLY | O_TRUNC);
  int fd = open("/ro/readme.txt", O_WRONLY);
  report("write to a file below a read-only preopen", fd < 0 ? -1 : write(fd, "x", 1));
  if (fd >= 0) close(fd);
  report("mkdir in /ro", mkdir("/ro/d", 0755));
  report("unlink in /ro", unlink("/ro/readme.txt"));
  report("rename in /ro", rename("/ro/readme.txt", "/ro/other.txt"));
  report("symlink in /ro", symlink("readme.txt", "/ro/l"));

  /* Hostile pointers and lengths straight at the ABI: EFAULT (21), never a crash. */
  uintptr_t bad = 0xfffffff0u;
  __wasi_size_t out = 0;
  raw("fd_write bad iovec array", __wasi_fd_write(1, (const __wasi_ciovec_t*)bad, 2, &out));
  __wasi_ciovec_t iov = {(const uint8_t*)bad, 64};
  raw("fd_write iovec buffer out of bounds", __wasi_fd_write(1, &iov, 1, &out));
  __wasi_ciovec_t huge = {(const uint8_t*)16, 0xffffffffu};
  raw("fd_write length past the end", __wasi_fd_write(1, &huge, 1, &out));
  raw("fd_write result pointer out of bounds", __wasi_fd_write(1, &iov, 0, (__wasi_size_t*)bad));
  raw("random_get out of bounds", __wasi_random_get((uint8_t*)bad, 32));
  raw("args_sizes_get out of bounds", __wasi_args_sizes_get((__wasi_size_t*)bad, &out));
  raw("clock_time_get out of bounds", __wasi_clock_time_get(0, 1, (__wasi_timestamp_t*)bad));
  raw("clock_time_get bad clock", __wasi_clock_time_get(99, 1, (__wasi_timestamp_t*)&out));
  raw("fd_read bad fd", __wasi_fd_read(1234, (const __wasi_iovec_t*)&iov, 1, &out));
  raw("fd_close bad fd", __wasi_fd_close(1234));
  raw("fd_prestat_get on stdout", __wasi_fd_prestat_get(1, (__wasi_prestat_t*)&iov));
  raw("fd_seek bad whence", __wasi_fd_seek(3, 0, 7, (__wasi_filesize_t*)&iov));
  __wasi_fd_t newfd = 0;
  raw("path_open path out of bounds",
      (__wasi_errno_t)raw_path_open(3, 0, (int32_t)bad, 100, 0, 0, 0, 0,
                                    (int32_t)(uintptr_t)&newfd));
  raw("path_open length wraps",
      (__wasi_errno_t)raw_path_open(3, 0, 16, -1, 0, 0, 0, 0, (int32_t)(uintptr_t)&newfd));
  raw("path_open absolute", (__wasi_errno_t)raw_path_open(3, 0, (int32_t)(uintptr_t) "/etc", 4, 0,
                                                          0, 0, 0, (int32_t)(uintptr_t)&newfd));
  raw("path_open result out of bounds",
      (__wasi_errno_t)raw_path_open(3, 0, (int32_t)(uintptr_t) "sub", 3, 0, 0, 0, 0, (int32_t)bad));
  raw("path_open on a file fd", (__wasi_errno_t)raw_path_open(1, 0, (int32_t)(uintptr_t) "x", 1, 0,
                                                              0, 0, 0, (int32_t)(uintptr_t)&newfd));
  raw("sched_yield", __wasi_sched_yield());
  raw("proc_raise", (__wasi_errno_t)raw_proc_raise(2));
  __wasi_fd_t sfd = 0;
  raw("sock_accept", __wasi_sock_accept(3, 0, &sfd));
  printf("done\n");
  fflush(stdout);
  __wasi_proc_exit(5);
}
