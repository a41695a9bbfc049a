// Shared by every oracle script here: local-only model loading and the JSON request/response files.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { env, AutoTokenizer } from '@huggingface/transformers';

/** Points transformers.js at one local model directory; nothing is ever fetched from the network. */
export function useLocalModelDirectory(modelDir) {
  const absolute = path.resolve(modelDir);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useBrowserCache = false;
  env.useFSCache = false;
  env.localModelPath = path.dirname(absolute) + path.sep;
  return path.basename(absolute);
}

/** Loads the tokenizer (tokenizer.json + tokenizer_config.json) of a local model directory. */
export async function loadLocalTokenizer(modelDir) {
  const name = useLocalModelDirectory(modelDir);
  return AutoTokenizer.from_pretrained(name, { local_files_only: true });
}

/** Runs main(request) on the JSON request file argv[2] and writes its result as JSON to argv[3]. */
export async function runOracle(main) {
  const [requestFile, responseFile] = process.argv.slice(2);
  if (!requestFile || !responseFile) {
    console.error(`usage: node ${path.basename(process.argv[1])} <request.json> <response.json>`);
    process.exit(2);
  }
  const request = JSON.parse(readFileSync(requestFile, 'utf8'));
  const response = await main(request);
  writeFileSync(responseFile, JSON.stringify(response));
}
