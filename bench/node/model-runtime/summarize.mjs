// Turns the JSON lines of bench/model-runtime.sh into the markdown tables of docs/BENCHMARKS.md ("Model runtime").
// usage: node summarize.mjs results.jsonl
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (x, d = 1) => x.toFixed(d);
const mib = (kb) => `${fmt(kb / 1024, 0)} MiB`;

const bandwidth = rows.filter((r) => r.peer === 'csharp-bandwidth');
const bestBandwidth = Math.max(...bandwidth.map((r) => r.gigabytesPerSecond));
console.log('### Memory bandwidth (streaming read, C# TensorPrimitives.Sum over a buffer far larger than cache)\n');
console.log('| threads | buffer | GB/s |\n|---|---|---|');
for (const r of bandwidth) console.log(`| ${r.threads} | ${r.megabytes} MiB | ${fmt(r.gigabytesPerSecond)} |`);

console.log('\n### Embedding, real-size all-MiniLM-L6-v2 (forged), 128-token inputs\n');
console.log('| batch | peer | sentences/s best | median | rounds | peak RSS (VmHWM) | C# pipeline ÷ peer (best) |\n|---|---|---|---|---|---|---|');
const embed = rows.filter((r) => r.sentencesPerSecond !== undefined);
for (const batch of [...new Set(embed.map((r) => r.batch))]) {
  const peers = ['csharp-pipeline', 'onnxruntime-node', 'transformers.js'];
  const best = {};
  for (const peer of peers) best[peer] = Math.max(...embed.filter((r) => r.batch === batch && r.peer === peer).map((r) => r.sentencesPerSecond));
  for (const peer of peers) {
    const runs = embed.filter((r) => r.batch === batch && r.peer === peer);
    const ratio = peer === 'csharp-pipeline' ? '—' : `${fmt(best['csharp-pipeline'] / best[peer], 2)}×`;
    console.log(`| ${batch} | ${peer} | ${fmt(best[peer])} | ${fmt(median(runs.map((r) => r.sentencesPerSecond)))} | ${runs.length} | ${mib(Math.max(...runs.map((r) => r.vmHwmKb)))} | ${ratio} |`);
  }
}

console.log('\n### Decode (greedy, KV cache, fp32 weights), forged real-size models\n');
console.log(`Bound = best measured read bandwidth (${fmt(bestBandwidth)} GB/s) ÷ weight bytes per token.\n`);
console.log('| model | peer | weights | decode tok/s best | median | bound tok/s | best ÷ bound | prefill s | load s | peak RSS (VmHWM) | same ids as peer |\n|---|---|---|---|---|---|---|---|---|---|---|');
const decode = rows.filter((r) => r.decodeTokensPerSecond !== undefined);
for (const model of [...new Set(decode.map((r) => r.model))]) {
  const weights = decode.find((r) => r.model === model && r.weightsBytes).weightsBytes;
  const bound = (bestBandwidth * 1e9) / weights;
  const ids = {};
  for (const peer of ['csharp-generator', 'transformers.js']) {
    const runs = decode.filter((r) => r.model === model && r.peer === peer);
    ids[peer] = runs.length ? JSON.stringify(runs[0].firstIds) : null;
  }
  for (const peer of ['csharp-generator', 'transformers.js']) {
    const runs = decode.filter((r) => r.model === model && r.peer === peer);
    if (!runs.length) continue;
    const best = Math.max(...runs.map((r) => r.decodeTokensPerSecond));
    console.log(`| ${model} | ${peer} | ${fmt(weights / 1e9, 2)} GB | ${fmt(best)} | ${fmt(median(runs.map((r) => r.decodeTokensPerSecond)))} | ${fmt(bound)} | ${fmt((100 * best) / bound, 0)}% | ${fmt(median(runs.map((r) => r.prefillSeconds)), 2)} | ${fmt(median(runs.map((r) => r.loadSeconds)), 1)} | ${mib(Math.max(...runs.map((r) => r.vmHwmKb)))} | ${ids['csharp-generator'] === ids['transformers.js'] ? 'yes' : 'NO'} |`);
  }
}
