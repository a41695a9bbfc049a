// Turns the JSON lines of bench/generator-prefill.sh into the table of docs/BENCHMARKS.md ("Generator prefill").
// usage: node generator-prefill.mjs results.jsonl
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const start = rows.find((r) => r.machine);
const end = rows.find((r) => r.loadEnd);
const runs = rows.filter((r) => r.peer === 'csharp-generator');
const f = (x, d = 2) => x.toFixed(d);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const GOAL = 1.3;

console.log(`Machine: ${start.machine}; load average ${start.loadStart} at the start, ${end?.loadEnd ?? '?'} at the end.`);
console.log(`Qwen2.5-0.5B architecture (forged real-size), ${start.promptTokens}-token prompt, time to first token of the C# generator.\n`);
console.log('| variant | logits | prefill chunk | TTFT s (best / median) | speed-up vs full (median) | peak RSS MB |\n|---|---|---|---|---|---|');
const key = (r) => `${r.variant}/${r.chunk}`;
const groups = [...new Set(runs.map(key))];
const baseline = median(runs.filter((r) => r.variant === 'full').map((r) => r.prefillSeconds));
let optimized = null;
for (const g of groups) {
  const of = runs.filter((r) => key(r) === g);
  const ttft = of.map((r) => r.prefillSeconds);
  const speedup = baseline / median(ttft);
  if (g === 'optimized/default') optimized = speedup;  // what a user gets: the rewrite, run with the generator's defaults
  const logits = of[0].variant === 'full' ? '[1, n, vocab]' : '[1, 1, vocab]';
  console.log(`| ${of[0].variant} | ${logits} | ${of[0].prefillChunkTokens} | ${f(Math.min(...ttft))} / ${f(median(ttft))} | ${f(speedup)}x | ${f(Math.max(...of.map((r) => r.vmHwmKb)) / 1024, 0)} |`);
}
if (optimized !== null) console.log(`\nGoal: TTFT with \`rag models optimize\` (generator defaults) >= ${GOAL}x faster than full logits: ${f(optimized)}x -> ${optimized >= GOAL ? 'met' : 'NOT met'}.`);
