// Turns the JSON lines of bench/quantization.sh into the tables of docs/BENCHMARKS.md ("int8 embedder").
// usage: node quantization.mjs results.jsonl
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const start = rows.find((r) => r.machine);
const end = rows.find((r) => r.loadEnd);
const setup = rows.find((r) => r.speedModel);
const f = (x, d = 3) => x.toFixed(d);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const SPEED_GOAL = 1.8;
const HIT5_GOAL = 0.01;

console.log(`Machine: ${start.machine}; load average ${start.loadStart} at the start, ${end?.loadEnd ?? '?'} at the end.`);
console.log(`Speed model: ${setup.speedModel}${setup.realWeights ? '' : ' (forged: same architecture and speed as the real one)'}; 128-token inputs.\n`);
console.log('| batch | float32 sentences/s (best / median) | int8 sentences/s (best / median) | int8 / float32 (median) |\n|---|---|---|---|');
let ratio32 = null;
for (const batch of [1, 32]) {
  const of = (variant) => rows.filter((r) => r.peer === 'csharp-pipeline' && r.batch === batch && r.variant === variant).map((r) => r.sentencesPerSecond);
  const [fp32, int8] = [of('fp32'), of('int8')];
  if (!fp32.length || !int8.length) continue;
  const ratio = median(int8) / median(fp32);
  if (batch === 32) ratio32 = ratio;
  console.log(`| ${batch} | ${f(Math.max(...fp32), 1)} / ${f(median(fp32), 1)} | ${f(Math.max(...int8), 1)} / ${f(median(int8), 1)} | ${f(ratio, 2)}x |`);
}
if (ratio32 !== null) console.log(`\nGoal: int8 >= ${SPEED_GOAL}x float32 at batch 32: ${f(ratio32, 2)}x -> ${ratio32 >= SPEED_GOAL ? 'met' : 'NOT met'}.`);

const compares = rows.filter((r) => r.command === 'compare');
if (compares.length) {
  console.log('\n| weights | cosine to float32 over ' + compares[0].texts + ' SQuAD texts (min / 1st percentile / mean) | published pairs (float32 0.7553, 0.8939) |\n|---|---|---|');
  for (const c of compares) {
    console.log(`| ${c.variant} | ${f(c.minCosine, 4)} / ${f(c.p01Cosine, 4)} / ${f(c.meanCosine, 4)} | ${c.publishedPairsInt8.map((x) => f(x, 4)).join(', ')} |`);
  }
}

const squad = rows.filter((r) => r.mode && r.variant);
if (squad.length) {
  console.log('\n| weights | dense hit@1 | dense hit@5 | hybrid hit@1 | hybrid hit@5 | paragraphs embedded/s |\n|---|---|---|---|---|---|');
  const of = (variant, mode) => squad.find((r) => r.variant === variant && r.mode === mode);
  for (const variant of ['fp32', 'int8', 'int8-per-tensor']) {
    const [dense, hybrid] = [of(variant, 'dense'), of(variant, 'hybrid')];
    const run = rows.find((r) => r.command === 'squad' && r.variant === variant);
    if (!dense) continue;
    console.log(`| ${variant} | ${f(dense.hitAt1)} | ${f(dense.hitAt5)} | ${f(hybrid.hitAt1)} | ${f(hybrid.hitAt5)} | ${f(run.paragraphsPerSecond, 1)} |`);
  }
  const [fp32, int8] = [of('fp32', 'dense'), of('int8', 'dense')];
  if (fp32 && int8) {
    const delta = int8.hitAt5 - fp32.hitAt5;
    console.log(`\nGoal: int8 dense hit@5 within ${HIT5_GOAL * 100} point of float32: ${delta >= 0 ? '+' : ''}${f(delta * 100, 1)} points -> ${delta >= -HIT5_GOAL ? 'met' : 'NOT met'}.`);
  }
}
