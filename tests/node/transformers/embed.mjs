// Embedding oracle (feature extraction with mean pooling and L2 normalisation).
// request: { modelDir, texts: [string], batchSize = 16 }
// response: { version, maxLength, pipeline: [[float]], reference: [[float]], tokenCounts: [int], truncated: [bool] }
//  - pipeline: transformers.js's feature-extraction pipeline ({ pooling: 'mean', normalize: true }), as users call it.
//    Its truncation cuts the ids at max_length and so drops the final [SEP] (see README.md).
//  - reference: the same transformers.js model, mean_pooling and normalize, fed ids from the Rust tokenizers with
//    Hugging Face truncation (which keeps [SEP], as sentence-transformers does); tokenCounts/truncated describe these.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pipeline, mean_pooling, Tensor } from '@huggingface/transformers';
import { runOracle, useLocalModelDirectory } from './common.mjs';
import { packageVersion } from './model-common.mjs';

const require = createRequire(import.meta.url);

await runOracle(async ({ modelDir, texts, batchSize = 16 }) => {
  const extractor = await pipeline('feature-extraction', useLocalModelDirectory(modelDir));
  const maxLength = JSON.parse(readFileSync(path.join(modelDir, 'tokenizer_config.json'), 'utf8')).model_max_length;

  const pipelineVectors = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    const output = await extractor(texts.slice(start, start + batchSize), { pooling: 'mean', normalize: true });
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
    reference.push(...mean_pooling(hidden, feeds.attention_mask).normalize(2, -1).tolist());
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

function int64(rows) {
  return new Tensor('int64', BigInt64Array.from(rows.flat(), BigInt), [rows.length, rows[0].length]);
}
