/* Shared by the WASI test programs: each is built for wasm32-wasi and natively, and the two
 * must print the same thing. errno values differ between wasi-libc and glibc, so errors are
 * printed by name. */
#ifndef HM_WASI_TEST_COMMON_H
#define HM_WASI_TEST_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

static inline const char* errname(int e) {
  switch (e) {
    case 0:
      return "0";
    case EACCES:
      return "EACCES";
    case EBADF:
      return "EBADF";
    case EBUSY:
      return "EBUSY";
    case EEXIST:
      return "EEXIST";
    case EFAULT:
      return "EFAULT";
    case EINVAL:
      return "EINVAL";
    case EIO:
      return "EIO";
    case EISDIR:
      return "EISDIR";
    case ELOOP:
      return "ELOOP";
    case ENAMETOOLONG:
      return "ENAMETOOLONG";
    case ENOENT:
      return "ENOENT";
    case ENOSYS:
      return "ENOSYS";
    case ENOTDIR:
      return "ENOTDIR";
    case ENOTEMPTY:
      return "ENOTEMPTY";
    case ENOTSUP:
      return "ENOTSUP";
    case EPERM:
      return "EPERM";
    case EROFS:
      return "EROFS";
    case ESPIPE:
      return "ESPIPE";
    case EXDEV:
      return "EXDEV";
#ifdef ENOTCAPABLE
    case ENOTCAPABLE:
      return "ENOTCAPABLE";
#endif
    default:
      return "E?";
  }
}

/* "label: ok" when r >= 0, else "label: ENAME". */
static inline void report(const char* label, long r) {
  if (r < 0) {
    printf("%s: %s\n", label, errname(errno));
  } else {
    printf("%s: ok\n", label);
  }
}

/* The driver appends "--node" when running under Node's WASI; drop it. */
static inline int strip_node_flag(int argc, char** argv, int* under_node) {
  *under_node = argc > 1 && strcmp(argv[argc - 1], "--node") == 0;
  return *under_node ? argc - 1 : argc;
}

#endif
