// Turns the results of bench/squad-embedders.sh (one squad-retrieval.sh run per real embedder) into one table,
// ranked by hybrid hit@5, the figure the default embedder is chosen by (docs/BENCHMARKS.md).
// usage: node squad-embedders.mjs results.jsonl...
import { readFileSync } from 'node:fs';

const f = (x, d = 3) => (x == null ? "—" : x.toFixed(d));
const runs = process.argv.slice(2).map((file) => {
  const rows = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { start: rows.find((r) => r.machine), run: rows.find((r) => r.command === 'squad'), modes: rows.filter((r) => r.mode) };
});
const first = runs[0];
console.log(`Machine: ${first.start.machine}. ${first.run.questions} of ${first.run.ofQuestions ?? first.run.questions} answerable questions, ` +
  `${first.run.paragraphs} paragraphs (every one a candidate).\n`);
console.log('| embedder | mode | hit@1 | hit@5 | hit@10 | hit@20 | MRR@20 |\n|---|---|---|---|---|---|---|');
for (const { run, modes } of runs) {
  for (const m of modes.filter((x) => x.mode !== 'chance')) {
    console.log(`| ${run.model}${run.forged ? ' (FORGED)' : ''} | ${m.mode} | ${f(m.hitAt1)} | ${f(m.hitAt5)} | ${f(m.hitAt10)} | ${f(m.hitAt20)} | ${f(m.mrrAt20)} |`);
  }
}
const chance = first.modes.find((m) => m.mode === 'chance');
console.log(`| (chance) | — | ${f(chance.hitAt1)} | ${f(chance.hitAt5)} | ${f(chance.hitAt10)} | ${f(chance.hitAt20)} | ${f(chance.mrrAt20)} |`);
console.log('\nEmbedding rate (paragraphs/s, questions/s; meaningful on a quiet machine only): ' +
  runs.map(({ run }) => `${run.model} ${f(run.paragraphsPerSecond, 1)}, ${f(run.questionsPerSecond, 1)}`).join('; ') + '.');
const ranked = runs
  .map(({ run, modes }) => ({ model: run.model, hybrid: modes.find((m) => m.mode === 'hybrid') }))
  .sort((a, b) => b.hybrid.hitAt5 - a.hybrid.hitAt5 || b.hybrid.hitAt1 - a.hybrid.hitAt1);
console.log(`By hybrid hit@5: ${ranked.map((r) => `${r.model} ${f(r.hybrid.hitAt5)}`).join(' > ')}` +
  (ranked.length > 1 && ranked[0].hybrid.hitAt5 === ranked[1].hybrid.hitAt5 ? ' (tied; hit@1 breaks it)' : '') + '.');
