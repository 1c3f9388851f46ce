// Runs a WASI command under Node's own WASI (node:wasi), as a second opinion for our tests.
//   node node_run.mjs [--dir HOST::GUEST]... [--env K=V]... -- module.wasm [args...]
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
let i = 0;
for (; i < argv.length && argv[i] !== '--'; i += 2) {
  const [flag, value] = [argv[i], argv[i + 1]];
  if (flag === '--dir') {
    const [host, guest] = value.split('::');
    preopens[guest] = host;
  } else if (flag === '--env') {
    const eq = value.indexOf('=');
    env[value.slice(0, eq)] = value.slice(eq + 1);
  }
}
const [module, ...args] = argv.slice(i + 1);
const wasi = new WASI({ version: 'preview1', args: [module, ...args], env, preopens, returnOnExit: true });
const bytes = await readFile(module);
const { instance } = await WebAssembly.instantiate(bytes, wasi.getImportObject());
const code = wasi.start(instance);
process.exitCode = code;
