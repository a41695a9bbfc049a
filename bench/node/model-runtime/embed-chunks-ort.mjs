// Raw onnxruntime-node session over the ingestion benchmark's sample of real chunks (bench/ingestion.sh): the ids the
// C# embedder fed the model, batched the same way and padded to the longest row of each batch with an attention mask.
// No tokenizer and no pooling: the floor for the C# embedder on these chunks.
// usage: node embed-chunks-ort.mjs --model onnx/model.onnx --inputs peer-inputs.json --threads T
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { emit, parseArgs, sessionOptions } from './common.mjs';

const args = parseArgs();
const threads = Number(args.threads);
const { batchSize, padId, ids } = JSON.parse(readFileSync(args.inputs, 'utf8'));
const session = await ort.InferenceSession.create(args.model, sessionOptions(threads));

const feeds = [];
for (let start = 0; start < ids.length; start += batchSize) {
  const rows = ids.slice(start, start + batchSize);
  const length = Math.max(...rows.map((r) => r.length));
  const dims = [rows.length, length];
  const inputIds = new BigInt64Array(rows.length * length).fill(BigInt(padId));
  const mask = new BigInt64Array(rows.length * length);
  rows.forEach((row, r) => row.forEach((id, t) => { inputIds[r * length + t] = BigInt(id); mask[r * length + t] = 1n; }));
  const feed = { input_ids: new ort.Tensor('int64', inputIds, dims), attention_mask: new ort.Tensor('int64', mask, dims) };
  if (session.inputNames.includes('token_type_ids')) feed.token_type_ids = new ort.Tensor('int64', new BigInt64Array(rows.length * length), dims);
  feeds.push(feed);
}

await session.run(feeds[0]); // warm-up, as the C# side does
const start = performance.now();
for (const feed of feeds) await session.run(feed);
const seconds = (performance.now() - start) / 1000;
emit({ peer: 'onnxruntime-node', chunks: ids.length, batchSize, threads, seconds, chunksPerSecond: ids.length / seconds });
