// Turns the JSON lines of bench/ingestion.sh into the tables of docs/BENCHMARKS.md ("Ingestion").
// usage: node ingestion.mjs results.jsonl
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const prep = rows.find((r) => r.command === 'prepare');
const run = rows.find((r) => r.command === 'ingest');
const machine = rows.find((r) => r.machine);
const end = rows.find((r) => r.loadEnd);
const f = (x, d = 1) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const peer = (name, when) => rows.find((r) => r.peer === name && r.when === when)?.chunksPerSecond;
const mean = (a, b) => (a + b) / 2;

console.log(`Machine: ${machine.machine}; load average ${machine.loadStart} at the start, ${end?.loadEnd ?? '?'} at the end.`);
console.log(`Model: ${run.model}${run.forged ? ' (forged: the real architecture with random weights)' : ''}; ${run.threads} ONNX threads, ` +
  `${run.concurrency} documents at a time; chunks of at most 256 tokens, mean ${f(prep.meanChunkTokens, 0)}.\n`);
console.log('| pages | MB of HTML | chunks | wall s | pages/s | chunks/s | MB/s | failed | index on disk | peak RSS |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
console.log(`| ${run.documents} of ${run.documentsAvailable} | ${f(run.megabytes)} | ${f(run.chunks, 0)} | ${f(run.seconds)} | ` +
  `${f(run.documentsPerSecond, 2)} | ${f(run.chunksPerSecond)} | ${f(run.megabytesPerSecond, 3)} | ${run.failed} | ` +
  `${f(run.indexBytes / 2 ** 20, 0)} MiB | ${f(run.vmHwmKb / 1024, 0)} MiB |`);
if (run.documents < run.documentsAvailable) {
  const full = prep.fullSet;
  console.log(`| **all ${full.documents} (extrapolated)** | ${f(full.megabytes)} | ${f(full.chunks, 0)} (chunked, not embedded) | ` +
    `**~${f(full.chunks / run.chunksPerSecond, 0)}** | | | | | | |`);
}

const stages = [
  ['file read', null, prep.singleThread.readSeconds],
  ['HTML parse (AngleSharp, boilerplate dropped)', run.inRun.parseSeconds, prep.singleThread.parseSeconds],
  ['chunking (in the run: its tokenizer calls)', run.inRun.chunkTokenizeSeconds, prep.singleThread.chunkSeconds],
  ['embedding (tokenize, pad, ONNX run, pool)', run.inRun.embedSeconds, null],
  ['index write (one SQLite transaction with fsync per page, memory, HNSW)', run.inRun.indexWriteSeconds, null],
];
const busy = stages.reduce((sum, s) => sum + (s[1] ?? 0), 0);
console.log('\n| stage | in the run: busy s, summed over concurrent pages | share | one thread, separate pass: s |\n|---|---|---|---|');
for (const [name, inRun, single] of stages) {
  console.log(`| ${name} | ${inRun === null ? '—' : f(inRun, 1)} | ${inRun === null ? '—' : `${f((100 * inRun) / busy, 1)}%`} | ${single === null ? '—' : f(single, 2)} |`);
}

const [csBefore, csAfter] = [peer('csharp-embedder', 'before'), peer('csharp-embedder', 'after')];
const [jsBefore, jsAfter] = [peer('onnxruntime-node', 'before'), peer('onnxruntime-node', 'after')];
const alone = mean(csBefore, csAfter);
console.log(`\nEmbedding alone, ${prep.sampleChunks} chunks sampled evenly from the ingested ones, batches of 32, measured before and after the run:\n`);
console.log('| path | chunks/s before | after | mean | ÷ C# embedder alone (mean) |\n|---|---|---|---|---|');
console.log(`| C# embedder alone (TextEmbedder.Embed) | ${f(csBefore)} | ${f(csAfter)} | ${f(alone)} | 1.00× |`);
console.log(`| raw onnxruntime-node session.run, same ids | ${f(jsBefore)} | ${f(jsAfter)} | ${f(mean(jsBefore, jsAfter))} | ${f(mean(jsBefore, jsAfter) / alone, 2)}× |`);
console.log(`| whole pipeline (the run above) | | | ${f(run.chunksPerSecond)} | ${f(run.chunksPerSecond / alone, 2)}× |`);
