// Loads forged models from a local folder with @huggingface/transformers (no hub access) and runs
// each through its usual entry point. Usage: node smoke-transformers.mjs <forged-dir> <results.json>
// [prompt token ids for the decoders, comma-separated] [models, comma-separated; default: all found].
// Writes what it saw as JSON; the Python verifier compares the greedy tokens with its own ONNX
// Runtime loop.
import fs from 'node:fs';
import path from 'node:path';
import {
  AutoModelForCausalLM,
  AutoModelForSequenceClassification,
  AutoTokenizer,
  Tensor,
  env,
  pipeline,
} from '@huggingface/transformers';

const [forgedDir, resultsPath, promptArg = '9707,11,1879,0', modelsArg] = process.argv.slice(2);
if (!forgedDir || !resultsPath) {
  console.error('usage: node smoke-transformers.mjs <forged-dir> <results.json> [prompt ids]');
  process.exit(2);
}
env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = path.resolve(forgedDir) + '/';
env.useFSCache = false;

const selected = modelsArg ? new Set(modelsArg.split(',')) : null;
const exists = (name, file = 'config.json') =>
  (!selected || selected.has(name)) && fs.existsSync(path.join(forgedDir, name, file));
const results = {};

if (exists('minilm-embedder')) {
  const extractor = await pipeline('feature-extraction', 'minilm-embedder');
  const output = await extractor(['The quick brown fox.', 'Forged weights are random.'], { pooling: 'mean', normalize: true });
  const norms = output.tolist().map((v) => Math.hypot(...v));
  results['minilm-embedder'] = { dims: output.dims, norms };
}

if (exists('minilm-reranker')) {
  const tokenizer = await AutoTokenizer.from_pretrained('minilm-reranker');
  const model = await AutoModelForSequenceClassification.from_pretrained('minilm-reranker');
  const inputs = tokenizer(['what is a fox?', 'what is a fox?'], {
    text_pair: ['A fox is a small omnivorous mammal.', 'Paris is in France.'],
    padding: true,
    truncation: true,
  });
  const { logits } = await model(inputs);
  results['minilm-reranker'] = { dims: logits.dims, logits: Array.from(logits.data) };
}

const prompt = promptArg.split(',').map((t) => BigInt(t));
for (const name of ['qwen2.5', 'smollm2']) {
  if (!exists(name)) continue;
  const model = await AutoModelForCausalLM.from_pretrained(name);
  const entry = {};
  // Token ids straight in: works with or without a tokenizer.json.
  const inputIds = new Tensor('int64', BigInt64Array.from(prompt), [1, prompt.length]);
  const generated = await model.generate({
    inputs: inputIds,
    attention_mask: new Tensor('int64', new BigInt64Array(prompt.length).fill(1n), [1, prompt.length]),
    max_new_tokens: 8,
    do_sample: false,
    repetition_penalty: 1.0,
  });
  entry.greedy_tokens = Array.from(generated.data.slice(prompt.length), Number);
  if (exists(name, 'tokenizer.json')) {
    const tokenizer = await AutoTokenizer.from_pretrained(name);
    const text = tokenizer.apply_chat_template([{ role: 'user', content: 'What is RAG?' }], {
      tokenize: false,
      add_generation_prompt: true,
    });
    const encoded = tokenizer(text);
    const chat = await model.generate({ ...encoded, max_new_tokens: 8, do_sample: false, repetition_penalty: 1.0 });
    entry.chat_prompt_tokens = encoded.input_ids.dims[1];
    entry.chat_reply = tokenizer.decode(chat[0].slice([encoded.input_ids.dims[1], null]), { skip_special_tokens: false });
  } else {
    entry.tokenizer = 'no tokenizer.json: generate() was fed token ids';
  }
  results[name] = entry;
}

fs.writeFileSync(resultsPath, JSON.stringify(results, null, 2));
console.log(JSON.stringify(results));
