// The compute kernels under V8: the same freestanding .wasm files hailmary_bench runs, the same
// exports and arguments (keep in step with kernels() in bench/bench_main.cpp).
//   node kernels.mjs WASM_DIR [FILTER]   ->  {"kernel.fib": seconds per run, ...} on stdout
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure, runCases } from './timing.mjs';

const [dir, filter] = process.argv.slice(2);

const kernels = [
  // name, module, entry, prepare, argument
  ['fib', 'bench_fib.wasm', 'fib', null, 30],
  ['sieve', 'bench_memloop.wasm', 'sieve', null, 8 << 20],
  ['calls', 'bench_calls.wasm', 'calls', null, 10_000_000],
  ['matmul', 'bench_matmul.wasm', 'matmul', 'matmul_init', 256],
  ['sha256', 'bench_sha256.wasm', 'sha256', 'sha256_init', 1],
];

const cases = {};
for (const [name, file, entry, prepare, arg] of kernels) {
  cases[`kernel.${name}`] = () => {
    const module = new WebAssembly.Module(readFileSync(join(dir, file)));
    const { exports } = new WebAssembly.Instance(module, {});
    if (prepare) exports[prepare](arg);
    const f = exports[entry];
    return measure(() => f(arg));
  };
}
runCases(cases, filter);
