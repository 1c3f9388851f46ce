// Timing shared by the V8 harnesses: the median over about ten batches of calls, after a
// warm-up long enough for V8 to tier the wasm code up (Liftoff -> TurboFan).
//   HM_NODE_SECONDS   total timed seconds per case (default 0.5)
//   HM_NODE_CLOCK     cpu (default): process CPU time, like the CPU time measured on the Hail
//                     Mary side; it leaves out other processes' turns on a busy machine but
//                     includes V8's GC and compiler threads (after the warm-up they are mostly
//                     idle). wall: performance.now(), right on an idle machine only.

const budget = Number(process.env.HM_NODE_SECONDS ?? 0.5);
const wall = process.env.HM_NODE_CLOCK === 'wall';

function seconds() {
  if (wall) return performance.now() / 1e3;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/// Seconds per call of fn(): the median over batches of the per-call time.
export function measure(fn) {
  // Warm-up, which also sizes a batch at about a tenth of the budget.
  let calls = 0;
  const warmStart = seconds();
  while (seconds() - warmStart < Math.max(0.2, budget / 2) || calls < 2) {
    fn();
    ++calls;
  }
  const perCall = (seconds() - warmStart) / calls;
  const batch = Math.max(1, Math.round(budget / 10 / perCall));
  const samples = [];
  const start = seconds();
  while (samples.length < 3 || seconds() - start < budget) {
    const t0 = seconds();
    for (let i = 0; i < batch; ++i) fn();
    samples.push((seconds() - t0) / batch);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

/// Runs the named cases (name -> () => seconds per op) whose name matches `filter` (a RegExp
/// source, or all) and prints one flat JSON object {name: seconds per op}.
export function runCases(cases, filter) {
  const re = filter ? new RegExp(filter) : null;
  const out = {};
  for (const [name, run] of Object.entries(cases)) {
    if (re && !re.test(name)) continue;
    out[name] = run();
    process.stderr.write(`${name}: ${(out[name] * 1e9).toFixed(2)} ns\n`);
  }
  process.stdout.write(JSON.stringify(out, null, 1) + '\n');
}
