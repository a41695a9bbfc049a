// Embedding oracle (feature extraction with mean or CLS pooling and L2 normalisation).
// request: { modelDir, texts: [string], batchSize = 16, pooling = 'mean' | 'cls' }
// response: { version, maxLength, pipeline: [[float]], reference: [[float]], tokenCounts: [int], truncated: [bool] }
//  - pipeline: transformers.js's feature-extraction pipeline ({ pooling, normalize: true }), as users call it.
//    Its truncation cuts the ids at max_length and so drops the final [SEP] (see README.md).
//  - reference: the same transformers.js model, mean_pooling (or the [CLS] vector) and normalize, fed ids from the Rust tokenizers with
//    Hugging Face truncation (which keeps [SEP], as sentence-transformers does); tokenCounts/truncated describe these.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pipeline, mean_pooling, Tensor } from '@huggingface/transformers';
import { runOracle, useLocalModelDirectory } from './common.mjs';
import { packageVersion } from './model-common.mjs';

const require = createRequire(import.meta.url);

await runOracle(async ({ modelDir, texts, batchSize = 16, pooling = 'mean' }) => {
  if (pooling !== 'mean' && pooling !== 'cls') throw new Error(`pooling must be 'mean' or 'cls', not '${pooling}'`);
  const extractor = await pipeline('feature-extraction', useLocalModelDirectory(modelDir));
  const maxLength = JSON.parse(readFileSync(path.join(modelDir, 'tokenizer_config.json'), 'utf8')).model_max_length;

  const pipelineVectors = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    const output = await extractor(texts.slice(start, start + batchSize), { pooling, normalize: true });
    pipelineVectors.push(...output.tolist());
  }

  const { Tokenizer } = require('tokenizers');
  const rust = Tokenizer.fromFile(path.join(modelDir, 'tokenizer.json'));
  rust.disablePadding();
  rust.setTruncation(maxLength);
  const reference = [];
  const tokenCounts = [];
  const truncated = [];
  for (const text of texts) {
    const encoding = await rust.encode(text);
    const ids = encoding.getIds();
    tokenCounts.push(ids.length);
    truncated.push(encoding.getOverflowing().length > 0);
    const feeds = {
      input_ids: int64([ids]),
      attention_mask: int64([ids.map(() => 1)]),
      token_type_ids: int64([encoding.getTypeIds()]),
    };
    const { last_hidden_state: hidden } = await extractor.model(feeds);
    const pooled = pooling === 'mean' ? mean_pooling(hidden, feeds.attention_mask) : clsToken(hidden);
    reference.push(...pooled.normalize(2, -1).tolist());
  }

  return {
    version: packageVersion('@huggingface/transformers'),
    maxLength,
    pipeline: pipelineVectors,
    reference,
    tokenCounts,
    truncated,
  };
});

/** The first token's vector of a [1, sequence, hidden] tensor, as a [1, hidden] tensor. */
function clsToken(hidden) {
  const width = hidden.dims[2];
  return new Tensor('float32', Float32Array.from(hidden.data.subarray(0, width)), [1, width]);
}

function int64(rows) {
  return new Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0].length]);
}
