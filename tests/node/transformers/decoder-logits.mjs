// Raw onnxruntime-node oracle for a KV-cache decoder: for each requested prefix length, ONE forward pass over that
// prefix with an empty cache, keeping the logits of its last position (a decoder may return every position's logits,
// [1, n, vocabulary], or the last one's only, [1, 1, vocabulary]).
// request: { model: path to the .onnx, ids: [int], lengths: [int] }
// response: { version, dims: [lengths.length, vocabulary], file } where file (beside the response) holds the float32
// last-position logits of each prefix, little-endian, row-major.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { runOracle } from './common.mjs';
import { packageVersion } from './model-common.mjs';

const [, responseFile] = process.argv.slice(2);

await runOracle(async ({ model, ids, lengths }) => {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const rows = [];
  let vocabulary = 0;
  for (const n of lengths) {
    const prefix = ids.slice(0, n);
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(prefix, BigInt), [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
    };
    if (session.inputNames.includes('position_ids')) {
      feeds.position_ids = new ort.Tensor('int64', BigInt64Array.from(prefix.map((_, i) => BigInt(i))), [1, n]);
    }
    for (const name of session.inputNames.filter((x) => x.startsWith('past_key_values.'))) {
      const meta = session.inputMetadata.find((m) => m.name === name);
      const [, heads, , headDim] = meta.shape;
      feeds[name] = new ort.Tensor('float32', new Float32Array(0), [1, heads, 0, headDim]);
    }
    const { logits } = await session.run(feeds, ['logits']);
    const [, positions, vocab] = logits.dims;
    vocabulary = vocab;
    rows.push(logits.data.slice((positions - 1) * vocab, positions * vocab));
  }
  const all = new Float32Array(rows.length * vocabulary);
  rows.forEach((row, i) => all.set(row, i * vocabulary));
  const file = `${path.basename(responseFile)}.logits.bin`;
  writeFileSync(path.join(path.dirname(responseFile), file), Buffer.from(all.buffer));
  await session.release();
  return { version: packageVersion('onnxruntime-node'), dims: [lengths.length, vocabulary], file };
});
