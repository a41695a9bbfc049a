// Greedy generation oracle: transformers.js model.generate on chat-templated prompts.
// request: { modelDir, conversations: [[{ role, content }]], maxNewTokens = 64 }
// response: { version, results: [{ promptIds: [int], generatedIds: [int] }] }
// Sampling is off and repetition_penalty is passed as 1.0: Qwen2.5's generation_config.json sets 1.05, which
// generate() would otherwise apply. Generation ends early only at an eos id of generation_config.json (kept in
// generatedIds, as generate returns it).
import { AutoModelForCausalLM, AutoTokenizer } from '@huggingface/transformers';
import { runOracle, useLocalModelDirectory } from './common.mjs';
import { packageVersion } from './model-common.mjs';

await runOracle(async ({ modelDir, conversations, maxNewTokens = 64 }) => {
  const name = useLocalModelDirectory(modelDir);
  const tokenizer = await AutoTokenizer.from_pretrained(name, { local_files_only: true });
  const model = await AutoModelForCausalLM.from_pretrained(name, { local_files_only: true });
  const results = [];
  for (const messages of conversations) {
    const text = tokenizer.apply_chat_template(messages, { tokenize: false, add_generation_prompt: true });
    const inputs = tokenizer(text);
    const promptLength = inputs.input_ids.dims[1];
    const output = await model.generate({
      ...inputs,
      max_new_tokens: maxNewTokens,
      do_sample: false,
      repetition_penalty: 1.0,
    });
    const all = Array.from(output.data, Number);
    results.push({ promptIds: all.slice(0, promptLength), generatedIds: all.slice(promptLength) });
  }
  await model.dispose();
  return { version: packageVersion('@huggingface/transformers'), results };
});
