// transformers.js feature-extraction pipeline (mean pooling, normalize) on the prepared texts.
// usage: node embed-transformers.mjs --model DIR --inputs inputs.json --batch N --seconds S --threads T
import { readFileSync } from 'node:fs';
import { env, pipeline } from '@huggingface/transformers';
import { emit, parseArgs, sessionOptions, useLocalModel } from './common.mjs';

const args = parseArgs();
const batch = Number(args.batch);
const threads = Number(args.threads);
const { texts, tokens } = JSON.parse(readFileSync(args.inputs, 'utf8'));
const extractor = await pipeline('feature-extraction', useLocalModel(env, args.model), { session_options: sessionOptions(threads) });
const batches = [];
for (let start = 0; start + batch <= texts.length; start += batch) batches.push(texts.slice(start, start + batch));

const check = await extractor.tokenizer(batches[0][0]);
if (check.input_ids.dims[1] !== tokens) throw new Error(`expected ${tokens} tokens, got ${check.input_ids.dims[1]}`);
await extractor(batches[0], { pooling: 'mean', normalize: true });
let runs = 0;
const start = performance.now();
while ((performance.now() - start) / 1000 < Number(args.seconds) || runs < 3) {
  await extractor(batches[runs % batches.length], { pooling: 'mean', normalize: true });
  runs++;
}
const seconds = (performance.now() - start) / 1000;
emit({ peer: 'transformers.js', batch, threads, runs, seconds, sentencesPerSecond: (runs * batch) / seconds });
