/* fd_* and path_* through wasi-libc: every call with its success and its common errors. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __wasi__
#include <wasi/api.h>
#endif

#include "common.h"

static const char* base;
static char buf1[4096], buf2[4096];
static const char* p1(const char* rel) {
  snprintf(buf1, sizeof buf1, "%s/%s", base, rel);
  return buf1;
}
static const char* p2(const char* rel) {
  snprintf(buf2, sizeof buf2, "%s/%s", base, rel);
  return buf2;
}

static void write_file(const char* rel, const char* text) {
  int fd = open(p1(rel), O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0 || write(fd, text, strlen(text)) < 0) printf("setup %s: %s\n", rel, errname(errno));
  close(fd);
}

static int cmp(const void* a, const void* b) {
  return strcmp(*(const char* const*)a, *(const char* const*)b);
}

static void list(const char* rel) {
  DIR* d = opendir(p1(rel));
  if (!d) {
    printf("opendir %s: %s\n", rel, errname(errno));
    return;
  }
  char* names[64];
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL && n < 64) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char t = e->d_type == DT_DIR   ? 'd'
             : e->d_type == DT_REG ? 'f'
             : e->d_type == DT_LNK ? 'l'
                                   : '?';
    names[n] = malloc(strlen(e->d_name) + 3);
    sprintf(names[n], "%c %s", t, e->d_name);
    n++;
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof names[0], cmp);
  printf("list %s:", rel);
  for (int i = 0; i < n; i++) {
    printf(" [%s]", names[i]);
    free(names[i]);
  }
  printf("\n");
}

int main(int argc, char** argv) {
  int node = 0;
  argc = strip_node_flag(argc, argv, &node);
  if (argc < 3) return 2;
  base = argv[1];
  char buf[256];
  struct stat st;
  ssize_t n;

  report("mkdir work", mkdir(p1("work"), 0755));
  report("mkdir work again", mkdir(p1("work"), 0755));
  write_file("work/a.txt", "hello world\n");

  int fd = open(p1("work/a.txt"), O_RDONLY);
  report("open a.txt", fd);
  n = read(fd, buf, sizeof buf - 1);
  buf[n < 0 ? 0 : n] = 0;
  printf("read %zd: %s", n, buf);
  printf("lseek set 6: %lld\n", (long long)lseek(fd, 6, SEEK_SET));
  n = read(fd, buf, 5);
  buf[n < 0 ? 0 : n] = 0;
  printf("read after seek: %s\n", buf);
  printf("tell: %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  printf("lseek end: %lld\n", (long long)lseek(fd, 0, SEEK_END));
  report("lseek bad whence", lseek(fd, 0, 42));
  report("lseek negative", lseek(fd, -100, SEEK_SET));
  n = pread(fd, buf, 5, 0);
  buf[n < 0 ? 0 : n] = 0;
  printf("pread: %s\n", buf);
  report("fstat", fstat(fd, &st));
  printf("size %lld regular %d dir %d\n", (long long)st.st_size, S_ISREG(st.st_mode),
         S_ISDIR(st.st_mode));
  printf("fadvise: %s\n", errname(posix_fadvise(fd, 0, 12, POSIX_FADV_SEQUENTIAL)));
  report("write to read-only fd", write(fd, "x", 1));
  report("close", close(fd));
  report("close again", close(fd));

  fd = open(p1("work/a.txt"), O_RDWR);
  report("open rdwr", fd);
  report("pwrite", pwrite(fd, "HELLO", 5, 0));
  n = pread(fd, buf, 12, 0);
  buf[n < 0 ? 0 : n] = 0;
  printf("after pwrite: %s", buf);
  report("ftruncate", ftruncate(fd, 5));
  fstat(fd, &st);
  printf("size after truncate: %lld\n", (long long)st.st_size);
  printf("fallocate: %s\n", errname(posix_fallocate(fd, 0, 100)));
  fstat(fd, &st);
  printf("size after fallocate: %lld\n", (long long)st.st_size);
  report("fsync", fsync(fd));
  report("fdatasync", fdatasync(fd));
  struct timespec times[2] = {{1000000, 0}, {2000000, 500}};
  report("futimens", futimens(fd, times));
  fstat(fd, &st);
  /* uvwasi drops nanoseconds. */
  printf("times: atime %lld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec,
         (long long)st.st_mtim.tv_sec, node ? 0L : st.st_mtim.tv_nsec);
  close(fd);

  fd = open(p1("work/a.txt"), O_WRONLY | O_APPEND);
  report("open append", fd);
  report("append write", write(fd, "!", 1));
  fstat(fd, &st);
  printf("size after append: %lld\n", (long long)st.st_size);
  int fl = fcntl(fd, F_GETFL);
  printf("append flag: %d\n", (fl & O_APPEND) != 0);
  report("fcntl clear append", fcntl(fd, F_SETFL, fl & ~O_APPEND));
  if (!node) printf("append flag now: %d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
  report("fcntl set nonblock", fcntl(fd, F_SETFL, O_NONBLOCK));
  close(fd);

  report("stat a.txt", stat(p1("work/a.txt"), &st));
  struct timespec t2[2] = {{3000000, 0}, {4000000, 0}};
  report("utimensat", utimensat(AT_FDCWD, p1("work/a.txt"), t2, 0));
  stat(p1("work/a.txt"), &st);
  printf("mtime %lld atime %lld\n", (long long)st.st_mtim.tv_sec, (long long)st.st_atim.tv_sec);
  /* Not tested: UTIME_NOW/UTIME_OMIT, which this wasi-libc (2022-05) mistranslates itself
   * (Node's WASI shows the same). */

  report("rename a->b", rename(p1("work/a.txt"), p2("work/b.txt")));
  report("stat a after rename", stat(p1("work/a.txt"), &st));
  report("stat b", stat(p1("work/b.txt"), &st));
  report("rename missing", rename(p1("work/nope"), p2("work/nope2")));
  report("link b->c", link(p1("work/b.txt"), p2("work/c.txt")));
  stat(p1("work/c.txt"), &st);
  printf("nlink %lld\n", (long long)st.st_nlink);
  report("link existing", link(p1("work/b.txt"), p2("work/c.txt")));
  report("symlink l->b.txt", symlink("b.txt", p1("work/l")));
  n = readlink(p1("work/l"), buf, sizeof buf);
  printf("readlink: %.*s\n", (int)(n < 0 ? 0 : n), buf);
  n = readlink(p1("work/l"), buf, 3);
  if (!node) printf("readlink truncated: %zd %.*s\n", n, (int)(n < 0 ? 0 : n), buf);
  report("readlink on file", readlink(p1("work/b.txt"), buf, sizeof buf));
  report("lstat l", lstat(p1("work/l"), &st));
  printf("lstat is link %d\n", S_ISLNK(st.st_mode));
  report("stat l", stat(p1("work/l"), &st));
  printf("stat via link: regular %d size %lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
  fd = open(p1("work/l"), O_RDONLY);
  n = read(fd, buf, sizeof buf - 1);
  buf[n < 0 ? 0 : n] = 0;
  printf("read via link: %s\n", buf);
  close(fd);
  if (!node) report("open link O_NOFOLLOW", open(p1("work/l"), O_RDONLY | O_NOFOLLOW));
  report("symlink dangling", symlink("nowhere", p1("work/dangling")));
  report("open dangling", open(p1("work/dangling"), O_RDONLY));

  report("mkdir d", mkdir(p1("work/d"), 0755));
  write_file("work/d/f", "f");
  report("rmdir non-empty", rmdir(p1("work/d")));
  report("unlink dir", unlink(p1("work/d")));
  report("rmdir file", rmdir(p1("work/b.txt")));
  list("work");
  list("work/d");
  report("unlink d/f", unlink(p1("work/d/f")));
  report("unlink d/f again", unlink(p1("work/d/f")));
  report("rmdir d", rmdir(p1("work/d")));
  report("rmdir d again", rmdir(p1("work/d")));

  report("open missing", open(p1("work/missing.txt"), O_RDONLY));
  report("open through file", open(p1("work/b.txt/x"), O_RDONLY));
  report("open excl existing", open(p1("work/b.txt"), O_CREAT | O_EXCL | O_WRONLY, 0644));
  report("open dir for writing", open(p1("work"), O_WRONLY));
  report("open file as dir", open(p1("work/b.txt"), O_RDONLY | O_DIRECTORY));
  report("mkdir missing parent", mkdir(p1("work/x/y"), 0755));
  report("read bad fd", read(99, buf, 1));
  report("write bad fd", write(99, buf, 1));
  report("close bad fd", close(99));
  report("lseek bad fd", lseek(99, 0, SEEK_SET));
  report("fstat bad fd", fstat(99, &st));
  report("fsync bad fd", fsync(99));
  printf("opendir file: %s\n", opendir(p1("work/b.txt")) ? "opened" : errname(errno));

  fd = open(p1("work/b.txt"), O_RDONLY);
  int fd2 = open(p1("work/l"), O_RDONLY);
  write_file("work/e.txt", "eeee");
  int fd3 = open(p1("work/e.txt"), O_RDONLY);
#ifdef __wasi__
  int r = __wasi_fd_renumber((__wasi_fd_t)fd3, (__wasi_fd_t)fd);
  printf("renumber: %s\n", r == 0 ? "ok" : "error");
  r = __wasi_fd_renumber(99, (__wasi_fd_t)fd);
  printf("renumber bad fd: %s\n", r == __WASI_ERRNO_BADF ? "EBADF" : "other");
#else
  printf("renumber: %s\n", dup2(fd3, fd) >= 0 && close(fd3) == 0 ? "ok" : "error");
  printf("renumber bad fd: EBADF\n");
#endif
  n = read(fd, buf, sizeof buf - 1);
  buf[n < 0 ? 0 : n] = 0;
  printf("read renumbered: %s\n", buf);
  report("read old fd", read(fd3, buf, 1));
  close(fd);
  close(fd2);

  FILE* f = fopen(p1("work/stdio.txt"), "w+");
  fprintf(f, "line one\nline two\n");
  printf("ftell: %ld\n", ftell(f));
  rewind(f);
  char* got = fgets(buf, sizeof buf, f);
  printf("fgets: %s", got ? got : "(null)\n");
  fclose(f);

  snprintf(buf2, sizeof buf2, "%s/readme.txt", argv[2]);
  fd = open(buf2, O_RDONLY);
  n = read(fd, buf, sizeof buf - 1);
  buf[n < 0 ? 0 : n] = 0;
  printf("read-only preopen: %s", buf);
  close(fd);
  list("sub");
  printf("isatty(1): %d\n", isatty(1));
  return 0;
}
