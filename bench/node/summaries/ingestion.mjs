// Turns the JSON lines of bench/ingestion.sh into the tables of docs/BENCHMARKS.md ("Ingestion").
// usage: node ingestion.mjs results.jsonl
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const run = rows.find((r) => r.command === 'ingest');
const machine = rows.find((r) => r.machine);
const end = rows.find((r) => r.loadEnd);
const f = (x, d = 1) => x.toFixed(d);
const best = (peer) => Math.max(...rows.filter((r) => r.peer === peer).map((r) => r.chunksPerSecond));

console.log(`Machine: ${machine.machine}; load average ${machine.loadStart} at the start, ${end?.loadEnd ?? '?'} at the end.`);
console.log(`Model: ${run.model}${run.forged ? ' (forged: real architecture, random weights)' : ''}; ${run.threads} ONNX threads, ${run.concurrency} documents at a time.\n`);
console.log('| documents | MB of HTML | chunks (mean tokens) | wall s | documents/s | chunks/s | MB/s | failed | index on disk | peak RSS |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
console.log(`| ${run.documents} of ${run.documentsAvailable} | ${f(run.megabytes)} | ${run.chunks} (${f(run.meanChunkTokens, 0)}) | ${f(run.seconds)} | ` +
  `${f(run.documentsPerSecond, 2)} | ${f(run.chunksPerSecond, 1)} | ${f(run.megabytesPerSecond, 3)} | ${run.failed} | ` +
  `${f(run.indexBytes / 2 ** 20, 0)} MiB | ${f(run.vmHwmKb / 1024, 0)} MiB |`);

const stages = [
  ['HTML parse (AngleSharp)', run.inRun.parseSeconds, run.singleThread.parseSeconds],
  ['chunking: tokenizer calls', run.inRun.chunkTokenizeSeconds, run.singleThread.chunkSeconds],
  ['embedding (tokenize, pad, ONNX run, pool)', run.inRun.embedSeconds, null],
  ['index write (SQLite commit with fsync, memory, HNSW)', run.inRun.indexWriteSeconds, null],
  ['file read', null, run.singleThread.readSeconds],
];
const busy = stages.reduce((sum, s) => sum + (s[1] ?? 0), 0);
console.log('\n| stage | busy s in the run (summed over concurrent documents) | share of the measured busy time | single thread, separate pass, s |');
console.log('|---|---|---|---|');
for (const [name, inRun, single] of stages) {
  console.log(`| ${name} | ${inRun === null ? '—' : f(inRun, 2)} | ${inRun === null ? '—' : `${f((100 * inRun) / busy, 1)}%`} | ${single === null ? '—' : f(single, 2)} |`);
}

const cs = best('csharp-embedder');
const ort = best('onnxruntime-node');
console.log(`\nSample of ${rows.find((r) => r.peer === 'csharp-embedder')?.chunks} chunks, batches of 32, best of the rounds:`);
console.log('\n| path | chunks/s | ÷ embedder alone |\n|---|---|---|');
console.log(`| whole pipeline (from the run above, all chunks) | ${f(run.chunksPerSecond)} | ${f(run.chunksPerSecond / cs, 2)}× |`);
console.log(`| C# embedder alone (TextEmbedder.Embed) | ${f(cs)} | 1.00× |`);
console.log(`| raw onnxruntime-node session.run on the same ids | ${f(ort)} | ${f(ort / cs, 2)}× |`);
