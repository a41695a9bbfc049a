// Raw onnxruntime-node oracle for a KV-cache decoder: ONE forward pass over the whole sequence with an empty cache.
// request: { model: path to the .onnx, ids: [int] }
// response: { version, dims: [sequence, vocabulary], file } where file (beside the response) holds the float32
// logits of every position, little-endian, row-major.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { runOracle } from './common.mjs';
import { packageVersion } from './model-common.mjs';

const [, responseFile] = process.argv.slice(2);

await runOracle(async ({ model, ids }) => {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const n = ids.length;
  const feeds = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
  };
  if (session.inputNames.includes('position_ids')) {
    feeds.position_ids = new ort.Tensor('int64', BigInt64Array.from(ids.map((_, i) => BigInt(i))), [1, n]);
  }
  for (const name of session.inputNames.filter((x) => x.startsWith('past_key_values.'))) {
    const meta = session.inputMetadata.find((m) => m.name === name);
    const [, heads, , headDim] = meta.shape;
    feeds[name] = new ort.Tensor('float32', new Float32Array(0), [1, heads, 0, headDim]);
  }
  const { logits } = await session.run(feeds, ['logits']);
  const file = `${path.basename(responseFile)}.logits.bin`;
  writeFileSync(path.join(path.dirname(responseFile), file), Buffer.from(logits.data.buffer, logits.data.byteOffset, logits.data.byteLength));
  await session.release();
  return { version: packageVersion('onnxruntime-node'), dims: [n, logits.dims[2]], file };
});
