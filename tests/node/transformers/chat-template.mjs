// Chat-template oracle: renders conversations with the model's own Jinja chat_template through
// transformers.js (@huggingface/jinja), as text and as token ids.
// request: { modelDir, conversations: [{ messages: [{ role, content }], addGenerationPrompt }] }
// response: { results: [{ text, ids, error }] }
import { loadLocalTokenizer, runOracle } from './common.mjs';

await runOracle(async (request) => {
  const tokenizer = await loadLocalTokenizer(request.modelDir);
  const results = request.conversations.map(({ messages, addGenerationPrompt }) => {
    try {
      const options = { add_generation_prompt: addGenerationPrompt ?? false };
      const text = tokenizer.apply_chat_template(messages, { ...options, tokenize: false });
      const ids = tokenizer.apply_chat_template(messages, { ...options, tokenize: true, return_tensor: false, return_dict: false });
      return { text, ids, error: null };
    } catch (error) {
      return { text: null, ids: null, error: String(error) };
    }
  });
  return { results };
});
