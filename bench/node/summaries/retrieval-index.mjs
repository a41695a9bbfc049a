// Turns the JSON lines of bench/retrieval-index.sh into the tables of docs/BENCHMARKS.md ("Retrieval index").
// usage: node retrieval-index.mjs results.jsonl
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const f = (x, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const mib = (kb) => `${f(kb / 1024)} MiB`;
const start = rows.find((r) => r.machine);
const end = rows.find((r) => r.loadEnd);
const generated = rows.find((r) => r.command === 'generate');
const engines = ['csharp-hnsw', 'hnswlib-node'];
const TARGET = 0.95;

console.log(`Machine: ${start.machine}; load average ${start.loadStart} at the start, ${end?.loadEnd ?? '?'} at the end.`);
if (generated) console.log(`Data: ${generated.dataset}; ${generated.queries} held-out queries.`);
console.log(`Builds: ${start.buildTogether ? 'both graphs at the same time, one core each' : 'one after the other'}; queries one at a time on one thread, best of the passes.`);

/** Queries/s at recall exactly TARGET, interpolated linearly in recall between the sweep points around it. */
function atTarget(points) {
  const sorted = [...points].sort((a, b) => a.efSearch - b.efSearch);
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i].recallAt10 < TARGET) continue;
    if (i === 0) return { qps: sorted[0].queriesPerSecond, cpu: sorted[0].queriesPerCpuSecond, first: sorted[0], exact: false };
    const [a, b] = [sorted[i - 1], sorted[i]];
    const t = (TARGET - a.recallAt10) / (b.recallAt10 - a.recallAt10);
    return { qps: a.queriesPerSecond + t * (b.queriesPerSecond - a.queriesPerSecond),
      cpu: a.queriesPerCpuSecond + t * (b.queriesPerCpuSecond - a.queriesPerCpuSecond), first: b, exact: true };
  }
  return null;
}

for (const count of [...new Set(rows.filter((r) => r.engine).map((r) => r.count))].sort((a, b) => a - b)) {
  const exact = rows.find((r) => r.engine === 'csharp-exact' && r.count === count);
  const builds = Object.fromEntries(engines.map((e) => [e, rows.find((r) => r.engine === e && r.phase === 'build' && r.count === count)]));
  const search = Object.fromEntries(engines.map((e) => [e, rows.filter((r) => r.engine === e && r.phase === 'search' && r.count === count)]));
  const params = builds['csharp-hnsw'];
  console.log(`\n### ${f(count)} vectors, M=${params?.m}, efConstruction=${params?.efConstruction}\n`);
  console.log('| engine | build s (single thread) | peak RSS | index memory (RSS growth) |\n|---|---|---|---|');
  if (exact) console.log(`| C# exact scan | — | ${mib(exact.vmHwmKb)} | — |`);
  const cs = builds['csharp-hnsw'];
  const js = builds['hnswlib-node'];
  if (cs) console.log(`| C# HNSW | ${f(cs.buildSeconds, 1)} | ${mib(cs.vmHwmKb)} | vectors ${mib(cs.vectorBytes / 1024)} + graph ${mib(cs.graphBytes / 1024)} (live managed bytes) |`);
  if (js) console.log(`| hnswlib-node | ${f(js.buildSeconds, 1)} | ${mib(js.vmHwmKb)} | ${mib(js.indexRssKb)} (vectors and graph) |`);
  if (cs && js) console.log(`\nBuild time C# ÷ hnswlib-node: ${f(cs.buildSeconds / js.buildSeconds, 2)}×.`);
  if (exact) console.log(`\nExact scan: recall@10 ${f(exact.recallAt10, 4)}, ${f(exact.queriesPerSecond, 1)} queries/s (${exact.queries} queries).`);

  console.log('\n| efSearch | C# recall@10 | C# queries/s (per CPU-s) | hnswlib-node recall@10 | hnswlib-node queries/s (per CPU-s) | C# ÷ hnswlib-node, wall (CPU) |');
  console.log('|---|---|---|---|---|---|');
  for (const ef of [...new Set(search['csharp-hnsw'].map((r) => r.efSearch))]) {
    const a = search['csharp-hnsw'].find((r) => r.efSearch === ef);
    const b = search['hnswlib-node'].find((r) => r.efSearch === ef);
    console.log(`| ${ef} | ${f(a.recallAt10, 4)} | ${f(a.queriesPerSecond)} (${f(a.queriesPerCpuSecond)}) | ${b ? f(b.recallAt10, 4) : '—'} | ` +
      `${b ? `${f(b.queriesPerSecond)} (${f(b.queriesPerCpuSecond)})` : '—'} | ` +
      `${b ? `${f(a.queriesPerSecond / b.queriesPerSecond, 2)}× (${f(a.queriesPerCpuSecond / b.queriesPerCpuSecond, 2)}×)` : '—'} |`);
  }

  const at = Object.fromEntries(engines.map((e) => [e, atTarget(search[e])]));
  console.log(`\nAt recall@10 = ${TARGET} (interpolated between the sweep points around it; first sweep point at or above it in brackets):\n`);
  console.log('| engine | queries/s | queries per CPU-second | first point ≥ 0.95: efSearch, recall, q/s |\n|---|---|---|---|');
  for (const e of engines) {
    const r = at[e];
    console.log(r ? `| ${e} | ${f(r.qps)} | ${f(r.cpu)} | ${r.first.efSearch}, ${f(r.first.recallAt10, 4)}, ${f(r.first.queriesPerSecond)} |` : `| ${e} | never reached | — | — |`);
  }
  if (at['csharp-hnsw'] && at['hnswlib-node']) {
    const ratio = at['csharp-hnsw'].qps / at['hnswlib-node'].qps;
    console.log(`\nC# ÷ hnswlib-node at recall@10 ${TARGET}: ${f(ratio, 2)}× wall-clock, ${f(at['csharp-hnsw'].cpu / at['hnswlib-node'].cpu, 2)}× per CPU-second ` +
      `→ goal "at least as fast" ${ratio >= 1 ? 'met' : 'NOT met'}.`);
  }
}
