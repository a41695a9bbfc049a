// Shared by the peers: arguments, the JSON result line, peak memory, and local-only transformers.js loading.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** --name value pairs. */
export function parseArgs(argv = process.argv.slice(2)) {
  const options = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad argument ${argv[i]}`);
    options[argv[i].slice(2)] = argv[i + 1];
  }
  return options;
}

/** Peak resident memory of this process (VmHWM), in KiB. */
export function peakResidentKb() {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  return Number(line.split(/\s+/)[1]);
}

export function emit(result) {
  console.log(JSON.stringify({ ...result, vmHwmKb: peakResidentKb() }));
}

/** Session options every peer uses: the same thread counts as the C# side. */
export function sessionOptions(threads) {
  return { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential' };
}

/** Points transformers.js at a local model directory (nothing is downloaded); returns the model name to load. */
export function useLocalModel(env, modelDir) {
  const absolute = path.resolve(modelDir);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.useFSCache = false;
  env.localModelPath = path.dirname(absolute) + path.sep;
  return path.basename(absolute);
}

/** The same deterministic prompt as the C# bench: (i * 7919 + 13) mod (vocabulary / 2). */
export function promptIds(count, vocabulary) {
  return Array.from({ length: count }, (_, i) => (i * 7919 + 13) % Math.floor(vocabulary / 2));
}
