// Turns the JSON lines of bench/squad-retrieval.sh into the table of docs/BENCHMARKS.md ("Retrieval quality").
// usage: node squad-retrieval.mjs results.jsonl
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const start = rows.find((r) => r.machine);
const end = rows.find((r) => r.loadEnd);
const run = rows.find((r) => r.command === 'squad');
const f = (x, d = 3) => (x == null ? "—" : x.toFixed(d));
const GOAL = 0.8;

console.log(`Machine: ${start.machine}; load average ${start.loadStart} at the start, ${end?.loadEnd ?? '?'} at the end.`);
console.log(`Embedder: ${run.model} from ${start.embedder}${run.forged ? ' — FORGED (random weights): dense and hybrid rankings are noise, lexical is the floor' : ''}.`);
console.log(`${run.paragraphs} paragraphs (${run.truncatedParagraphs} cut to ${run.maxTokens} tokens for the embedder), ${run.questions} answerable questions ` +
  `(${run.unanswerable} unanswerable left out); embedded at ${f(run.paragraphsPerSecond, 1)} paragraphs/s and ${f(run.questionsPerSecond, 1)} questions/s.\n`);
console.log('| mode | hit@1 | hit@5 | hit@10 | hit@20 | MRR@20 | searches/s |\n|---|---|---|---|---|---|---|');
for (const r of rows.filter((x) => x.mode)) {
  const name = r.mode === 'chance' ? 'chance (a ranking that ignores the question)' : r.mode;
  console.log(`| ${name} | ${f(r.hitAt1)} | ${f(r.hitAt5)} | ${f(r.hitAt10)} | ${f(r.hitAt20)} | ${f(r.mrrAt20)} | ${r.searchesPerSecond ? f(r.searchesPerSecond, 0) : '—'} |`);
}
const lexical = rows.find((r) => r.mode === 'lexical');
console.log(`\nGoal: lexical hit@5 (recall@5) ≥ ${GOAL}: ${f(lexical.hitAt5)} → ${lexical.hitAt5 >= GOAL ? 'met' : 'NOT met'}.`);
