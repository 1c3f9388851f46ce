// Runs a WASI command module under Node's WASI (preview1), for the workloads' V8 column.
//   node wasi_run.mjs [--dir HOST::GUEST]... -- module.wasm [args...]
// stdin, stdout and stderr are the process's own; the exit code is the module's.
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

const argv = process.argv.slice(2);
const preopens = {};
let i = 0;
for (; i < argv.length && argv[i] !== '--'; i += 2) {
  if (argv[i] !== '--dir') throw new Error(`unknown option ${argv[i]}`);
  const [host, guest] = argv[i + 1].split('::');
  preopens[guest] = host;
}
const [module, ...args] = argv.slice(i + 1);
const wasi = new WASI({ version: 'preview1', args: [module, ...args], env: {}, preopens,
                        returnOnExit: true });
const { instance } = await WebAssembly.instantiate(await readFile(module), wasi.getImportObject());
process.exitCode = wasi.start(instance);
