// Raw onnxruntime-node session on the prepared ids (no tokenizer, no pooling): the floor for the C# pipeline.
// usage: node embed-ort.mjs --model onnx/model.onnx --inputs inputs.json --batch N --seconds S --threads T
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { emit, parseArgs, sessionOptions } from './common.mjs';

const args = parseArgs();
const batch = Number(args.batch);
const threads = Number(args.threads);
const { ids } = JSON.parse(readFileSync(args.inputs, 'utf8'));
const session = await ort.InferenceSession.create(args.model, sessionOptions(threads));

const feeds = [];
for (let start = 0; start + batch <= ids.length; start += batch) {
  const rows = ids.slice(start, start + batch);
  const length = rows[0].length;
  const flat = BigInt64Array.from(rows.flat(), BigInt);
  const dims = [batch, length];
  feeds.push({
    input_ids: new ort.Tensor('int64', flat, dims),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(flat.length).fill(1n), dims),
    token_type_ids: new ort.Tensor('int64', new BigInt64Array(flat.length), dims),
  });
}

await session.run(feeds[0]);
let runs = 0;
const start = performance.now();
while ((performance.now() - start) / 1000 < Number(args.seconds) || runs < 3) {
  await session.run(feeds[runs % feeds.length]);
  runs++;
}
const seconds = (performance.now() - start) / 1000;
emit({ peer: 'onnxruntime-node', batch, threads, runs, seconds, sentencesPerSecond: (runs * batch) / seconds });
