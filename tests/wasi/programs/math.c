/* A freestanding module with numeric exports, for `hailmary call` / `run --invoke` tests. */
int add(int a, int b) {
  return a + b;
}
long long mul64(long long a, long long b) {
  return a * b;
}
double half(double x) {
  return x / 2;
}
float neg(float x) {
  return -x;
}
unsigned umax(void) {
  return 0xffffffffu;
}
int crash(int x) {
  if (x >= 0) __builtin_trap();
  return x;
}
