// transformers.js greedy generate on the same prompt ids as the C# bench; a streamer timestamps every token so
// the decode rate excludes prefill (the first token).
// usage: node decode-transformers.mjs --model DIR --prompt-tokens P --new-tokens N --threads T
import path from 'node:path';
import { AutoModelForCausalLM, BaseStreamer, Tensor, env } from '@huggingface/transformers';
import { emit, parseArgs, promptIds, sessionOptions, useLocalModel } from './common.mjs';

class Timestamps extends BaseStreamer {
  constructor() {
    super();
    this.times = [];
    this.calls = 0;
  }

  put() {
    // The first call carries the prompt; every later one is one generated token.
    if (this.calls++ > 0) this.times.push(performance.now());
  }

  end() {}
}

const args = parseArgs();
const threads = Number(args.threads);
const newTokens = Number(args['new-tokens']);
const loadStart = performance.now();
const model = await AutoModelForCausalLM.from_pretrained(useLocalModel(env, args.model), { session_options: sessionOptions(threads) });
const loadSeconds = (performance.now() - loadStart) / 1000;
const ids = promptIds(Number(args['prompt-tokens']), model.config.vocab_size);

const streamer = new Timestamps();
const start = performance.now();
const output = await model.generate({
  inputs: new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
  attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
  max_new_tokens: newTokens,
  do_sample: false,
  repetition_penalty: 1.0,
  streamer,
});
const generated = output.dims[1] - ids.length;
const { times } = streamer;
const prefillSeconds = (times[0] - start) / 1000;
const decodeSeconds = (times[times.length - 1] - times[0]) / 1000;
emit({
  peer: 'transformers.js',
  model: path.basename(path.resolve(args.model)),
  threads,
  promptTokens: ids.length,
  generated,
  loadSeconds,
  prefillSeconds,
  decodeTokensPerSecond: (times.length - 1) / decodeSeconds,
  firstIds: Array.from(output.data.slice(ids.length, ids.length + 8), Number),
});
