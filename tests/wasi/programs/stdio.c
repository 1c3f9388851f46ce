/* Standard streams: stdin to EOF, stdout and stderr, exit status. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

int main(int argc, char** argv) {
  int node = 0;
  argc = strip_node_flag(argc, argv, &node);
  (void)argv;
  unsigned long total = 0, lines = 0;
  uint32_t sum = 0; /* fixed width: unsigned long is 32-bit on wasm32 */
  char buf[1000];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
    for (size_t i = 0; i < n; i++) {
      sum = sum * 31 + (unsigned char)buf[i];
      lines += buf[i] == '\n';
      if (total + i < 300) putchar(toupper((unsigned char)buf[i]));
    }
    total += n;
  }
  printf("\nbytes %lu lines %lu hash %u eof %d\n", total, lines, (unsigned)sum, feof(stdin));
  fflush(stdout); /* so the raw write below lands after it everywhere */
  fprintf(stderr, "this goes to stderr\n");
  report("read after EOF", (long)read(0, buf, sizeof buf));
  report("write to stdout", (long)write(1, "raw write\n", 10));
  struct stat st;
  report("fstat stdout", fstat(1, &st));
  return 3;
}
