// Cross-encoder oracle: one logit per (query, passage) pair from AutoModelForSequenceClassification.
// request: { modelDir, pairs: [{ query, passage }], maxLength = 512 }
// response: { version, pipeline: [float], reference: [float], tokenCounts: [int], fits: [bool] }
//  - pipeline: transformers.js end to end (tokenizer pairs with padding and truncation, then the model). Only valid for
//    pairs that fit (fits[i]): transformers.js truncates a pair by cutting the joined ids (see README.md).
//  - reference: the same model fed ids from the Rust tokenizers with only_second truncation (never cut the query),
//    the truncation a reranker needs; tokenCounts describe these.
import path from 'node:path';
import { createRequire } from 'node:module';
import { AutoModelForSequenceClassification, AutoTokenizer, Tensor } from '@huggingface/transformers';
import { runOracle, useLocalModelDirectory } from './common.mjs';
import { packageVersion } from './model-common.mjs';

const require = createRequire(import.meta.url);

await runOracle(async ({ modelDir, pairs, maxLength = 512 }) => {
  const name = useLocalModelDirectory(modelDir);
  const tokenizer = await AutoTokenizer.from_pretrained(name, { local_files_only: true });
  const model = await AutoModelForSequenceClassification.from_pretrained(name, { local_files_only: true });

  const inputs = tokenizer(pairs.map((p) => p.query), {
    text_pair: pairs.map((p) => p.passage),
    padding: true,
    truncation: true,
    max_length: maxLength,
  });
  const { logits } = await model(inputs);
  const pipelineLogits = Array.from(logits.data);
  const fits = pairs.map(({ query, passage }) =>
    tokenizer(query, { text_pair: passage, return_tensor: false }).input_ids.length <= maxLength);

  const { Tokenizer } = require('tokenizers');
  const rust = Tokenizer.fromFile(path.join(modelDir, 'tokenizer.json'));
  rust.disablePadding();
  rust.setTruncation(maxLength, { strategy: 'OnlySecond' });
  const reference = [];
  const tokenCounts = [];
  for (const { query, passage } of pairs) {
    const encoding = await rust.encode(query, passage);
    const ids = encoding.getIds();
    tokenCounts.push(ids.length);
    const { logits: single } = await model({
      input_ids: int64(ids),
      attention_mask: int64(ids.map(() => 1)),
      token_type_ids: int64(encoding.getTypeIds()),
    });
    reference.push(single.data[0]);
  }

  return { version: packageVersion('@huggingface/transformers'), pipeline: pipelineLogits, reference, tokenCounts, fits };
});

function int64(row) {
  return new Tensor('int64', BigInt64Array.from(row, BigInt), [1, row.length]);
}
