// Shared by the model oracles (embed, rerank, generate, decoder-logits).
import { readFileSync } from 'node:fs';

/** The installed version of an npm package of this folder. */
export function packageVersion(name) {
  return JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
}
