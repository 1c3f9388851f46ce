// Timing shared by the V8 harnesses: wall time (performance.now) of batches of calls, the
// median batch, after a warm-up long enough for V8 to tier the wasm code up (Liftoff ->
// TurboFan). Wall, not CPU time as on the Hail Mary side: V8 runs GC and compiler threads
// beside the main one, and process.cpuUsage() counts them all. The median of about ten batches
// keeps other processes' turns on a busy machine out of the figure.
//   HM_NODE_SECONDS   total timed seconds per case (default 0.5)

const budget = Number(process.env.HM_NODE_SECONDS ?? 0.5);

function seconds() {
  return performance.now() / 1e3;
}

/// Seconds per call of fn(): the median over batches of the per-call wall time.
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
