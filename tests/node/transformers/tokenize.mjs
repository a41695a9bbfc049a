// Tokenization oracle.
// request: { engine: "transformers" | "tokenizers", modelDir, items: [{ text, pair? }],
//            addSpecialTokens = true, maxLength = null, truncation = null ("longest_first" | "only_first" | "only_second"),
//            decode = false, skipSpecialTokens = false }
// response: { engine, version, results: [{ ids, typeIds, offsets, decoded, error }] }
//  - "transformers": @huggingface/transformers (what the C# tokenizers must equal). No offsets: it has none.
//    Its truncation simply cuts the joined ids (see README.md), so pairs are compared untruncated.
//  - "tokenizers": the Rust Hugging Face tokenizers (npm "tokenizers"), the reference Python transformers uses;
//    gives offsets (UTF-16 code units) and real longest_first / only_second truncation.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { loadLocalTokenizer, runOracle } from './common.mjs';

const require = createRequire(import.meta.url);

async function withTransformers(request) {
  const tokenizer = await loadLocalTokenizer(request.modelDir);
  const addSpecialTokens = request.addSpecialTokens ?? true;
  const results = request.items.map(({ text, pair }) => {
    try {
      const encoded = tokenizer(text, {
        text_pair: pair ?? null,
        add_special_tokens: addSpecialTokens,
        truncation: request.maxLength != null,
        max_length: request.maxLength ?? null,
        padding: false,
        return_tensor: false,
      });
      const ids = encoded.input_ids;
      return {
        ids,
        typeIds: encoded.token_type_ids ?? null,
        offsets: null,
        decoded: request.decode && ids.length > 0
          ? tokenizer.decode(ids, { skip_special_tokens: request.skipSpecialTokens ?? false })
          : null,
        error: null,
      };
    } catch (error) {
      return { ids: null, typeIds: null, offsets: null, decoded: null, error: String(error) };
    }
  });
  return { engine: 'transformers', version: packageVersion('@huggingface/transformers'), results };
}

async function withTokenizers(request) {
  const { Tokenizer } = require('tokenizers');
  const tokenizer = Tokenizer.fromFile(path.join(request.modelDir, 'tokenizer.json'));
  tokenizer.disablePadding();
  if (request.maxLength != null) {
    tokenizer.setTruncation(request.maxLength, { strategy: toStrategy(request.truncation ?? 'longest_first') });
  } else {
    tokenizer.disableTruncation();
  }
  const addSpecialTokens = request.addSpecialTokens ?? true;
  const results = [];
  for (const { text, pair } of request.items) {
    try {
      const encoding = await tokenizer.encode(text, pair ?? null, { addSpecialTokens });
      const ids = encoding.getIds();
      results.push({
        ids,
        typeIds: encoding.getTypeIds(),
        offsets: toUtf16Offsets(encoding, text, pair),
        decoded: request.decode && ids.length > 0
          ? await tokenizer.decode(ids, request.skipSpecialTokens ?? false)
          : null,
        error: null,
      });
    } catch (error) {
      results.push({ ids: null, typeIds: null, offsets: null, decoded: null, error: String(error) });
    }
  }
  return { engine: 'tokenizers', version: packageVersion('tokenizers'), results };
}

function packageVersion(name) {
  return JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
}

// The Rust offsets count code points; C# strings (like JavaScript's) count UTF-16 units.
function toUtf16Offsets(encoding, text, pair) {
  const sequenceIds = encoding.getSequenceIds();
  const maps = [utf16Map(text), pair == null ? null : utf16Map(pair)];
  return encoding.getOffsets().map(([start, end], i) => {
    const map = maps[sequenceIds[i] ?? -1];
    return map ? [map[start], map[end]] : [start, end];
  });
}

function utf16Map(text) {
  const map = [0];
  let units = 0;
  for (const c of text) {
    units += c.length;
    map.push(units);
  }
  return map;
}

function toStrategy(name) {
  switch (name) {
    case 'longest_first': return 'LongestFirst';
    case 'only_first': return 'OnlyFirst';
    case 'only_second': return 'OnlySecond';
    default: throw new Error(`unknown truncation strategy ${name}`);
  }
}

await runOracle(async (request) => {
  switch (request.engine ?? 'transformers') {
    case 'transformers': return withTransformers(request);
    case 'tokenizers': return withTokenizers(request);
    default: throw new Error(`unknown engine ${request.engine}`);
  }
});
