// The FFI benchmarks under V8, on the same guest as hailmary_ffi_bench (bench/guests/
// ffi_guest.cpp): JS -> wasm calls with 0, 2 and 8 arguments, wasm -> JS import calls, string
// and byte round trips through the guest's allocator protocol (what an embedder does by hand:
// hail_mary_alloc, copy in, call with a return area, read the StringResult, copy out,
// hail_mary_free), and 1 MiB copies into and out of linear memory.
//   node ffi.mjs GUEST.wasm [FILTER]   ->  {"call.h2g.2": seconds per op, ...} on stdout
import { readFileSync } from 'node:fs';
import { measure, runCases } from './timing.mjs';

const [path, filter] = process.argv.slice(2);
const kGuestCalls = 1000;  // as in bench/ffi_bench.cpp
const kCopyBytes = 1 << 20;
const sizes = [16, 256, 4 << 10, 64 << 10, 1 << 20];

const imports = {
  env: {
    host0: () => 1,
    host2: (a, b) => (a + b) | 0,
    host8: (a, b, c, d, e, f, g, h) => (a + b + c + d + e + f + g + h) | 0,
  },
};
const { exports: g } = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), imports);
if (g.__wasm_call_ctors) g.__wasm_call_ctors();
const sret = g.hail_mary_alloc(12);  // the StringResult return area {ptr, len, error}
const buffer = g.hail_mary_alloc(kCopyBytes);

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });  // validates, as the host FFI does

function call(fn, bytes) {
  const n = bytes.length;
  const p = g.hail_mary_alloc(n);
  new Uint8Array(g.memory.buffer, p, n).set(bytes);
  fn(sret, p, n);
  const view = new DataView(g.memory.buffer);
  const [rp, rl, err] = [view.getUint32(sret, true), view.getUint32(sret + 4, true),
                         view.getUint32(sret + 8, true)];
  g.hail_mary_free(p, n);
  if (err !== 0) throw new Error(`guest error ${err}`);
  return [rp, rl];
}
function echoString(s) {
  const [rp, rl] = call(g.echo_string, encoder.encode(s));
  const out = decoder.decode(new Uint8Array(g.memory.buffer, rp, rl));
  g.hail_mary_free(rp, rl);
  return out;
}
function echoBytes(b) {
  const [rp, rl] = call(g.echo_bytes, b);
  const out = new Uint8Array(g.memory.buffer, rp, rl).slice();
  g.hail_mary_free(rp, rl);
  return out;
}

let sink = 0;
const cases = {
  'call.h2g.0': () => measure(() => { sink = g.call0(); }),
  'call.h2g.2': () => measure(() => { sink = g.add2(sink, 1); }),
  'call.h2g.8': () => measure(() => { sink = g.add8(sink, 1, 2, 3, 4, 5, 6, 7); }),
  'call.g2h.0': () => measure(() => { sink = g.call_host0_n(kGuestCalls); }) / kGuestCalls,
  'call.g2h.2': () => measure(() => { sink = g.call_host2_n(kGuestCalls); }) / kGuestCalls,
  'call.g2h.8': () => measure(() => { sink = g.call_host8_n(kGuestCalls); }) / kGuestCalls,
};
for (const n of sizes) {
  const s = 'x'.repeat(n);
  const b = new Uint8Array(n).fill(0xa5);
  cases[`string.${n}`] = () => measure(() => {
    if (echoString(s).length !== n) throw new Error('echo_string');
  });
  cases[`bytes.${n}`] = () => measure(() => {
    if (echoBytes(b).length !== n) throw new Error('echo_bytes');
  });
}
const src = new Uint8Array(kCopyBytes).fill(0x5a);
const dst = new Uint8Array(kCopyBytes);
cases['copy.in'] = () => measure(() => { new Uint8Array(g.memory.buffer).set(src, buffer); });
cases['copy.out'] = () => measure(() => {
  dst.set(new Uint8Array(g.memory.buffer, buffer, kCopyBytes));
});
runCases(cases, filter);
if (sink === 0.5) console.error(sink);  // keep sink alive
