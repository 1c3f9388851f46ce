#include <stdio.h>
#include "sqlite3.h"
static int row(void* u, int n, char** v, char** names) {
  (void)u;
  (void)names;
  for (int i = 0; i < n; i++) printf("%s%s", i ? "|" : "", v[i] ? v[i] : "NULL");
  printf("\n");
  return 0;
}
int main(int argc, char** argv) {
  sqlite3* db;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 1;
  const char* sql = argc > 1 ? argv[1]
                             : "create table t(a integer primary key, b text);"
                               "with recursive c(x) as (select 1 union all select x+1 from c where "
                               "x<1000) insert into t select x, printf('row %d', x) from c;"
                               "select count(*), sum(a), max(b) from t;";
  char* err = 0;
  if (sqlite3_exec(db, sql, row, 0, &err) != SQLITE_OK) {
    fprintf(stderr, "error: %s\n", err);
    return 1;
  }
  sqlite3_close(db);
  return 0;
}

/* SQLITE_OS_OTHER: a VFS for in-memory databases only (files cannot be opened). */
#include <string.h>
#include <time.h>
static int vfs_open(sqlite3_vfs* v, const char* name, sqlite3_file* f, int flags, int* out) {
  (void)v;
  (void)name;
  (void)flags;
  (void)out;
  f->pMethods = 0;
  return SQLITE_CANTOPEN;
}
static int vfs_delete(sqlite3_vfs* v, const char* name, int sync) {
  (void)v;
  (void)name;
  (void)sync;
  return SQLITE_IOERR_DELETE;
}
static int vfs_access(sqlite3_vfs* v, const char* name, int flags, int* out) {
  (void)v;
  (void)name;
  (void)flags;
  *out = 0;
  return SQLITE_OK;
}
static int vfs_fullpath(sqlite3_vfs* v, const char* name, int n, char* out) {
  (void)v;
  sqlite3_snprintf(n, out, "%s", name);
  return SQLITE_OK;
}
static int vfs_random(sqlite3_vfs* v, int n, char* out) {
  (void)v;
  memset(out, 0x5a, (size_t)n);
  return n;
}
static int vfs_sleep(sqlite3_vfs* v, int us) {
  (void)v;
  return us;
}
static int vfs_time(sqlite3_vfs* v, double* t) {
  (void)v;
  *t = 2440587.5 + (double)time(0) / 86400.0;
  return SQLITE_OK;
}
static int vfs_error(sqlite3_vfs* v, int n, char* out) {
  (void)v;
  if (n > 0) out[0] = 0;
  return 0;
}
static sqlite3_vfs mem_vfs = {1,          sizeof(sqlite3_file),
                              512,        0,
                              "memonly",  0,
                              vfs_open,   vfs_delete,
                              vfs_access, vfs_fullpath,
                              0,          0,
                              0,          0,
                              vfs_random, vfs_sleep,
                              vfs_time,   vfs_error};
int sqlite3_os_init(void) {
  return sqlite3_vfs_register(&mem_vfs, 1);
}
int sqlite3_os_end(void) {
  return SQLITE_OK;
}
