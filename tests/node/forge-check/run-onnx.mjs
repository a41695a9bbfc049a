// Runs a forged ONNX model with onnxruntime-node on tensors the Python verifier wrote, and writes
// the outputs back as raw little-endian files. Usage: node run-onnx.mjs <job.json> <results.json>
//
// job.json: { "model": path, "runs": [ run, ... ] }, tensor = { "dtype": "int64"|"float32",
// "dims": [...], "file": path relative to job.json }. Run kinds:
//   single  - one session.run on `inputs`; every output is written.
//   chunked - decoder only: feeds `inputs` (input_ids, attention_mask, position_ids over the whole
//             sequence) in `chunks` of the sequence axis, passing present.* back as past_key_values.*,
//             starting from empty past; writes the logits of all chunks concatenated, and the final present.*.
//   greedy  - decoder only: greedy decoding of `steps` tokens after `prompt` (token ids), with the cache.
import fs from 'node:fs';
import path from 'node:path';
import ort from 'onnxruntime-node';

const [jobPath, resultsPath] = process.argv.slice(2);
if (!jobPath || !resultsPath) {
  console.error('usage: node run-onnx.mjs <job.json> <results.json>');
  process.exit(2);
}
const job = JSON.parse(fs.readFileSync(jobPath, 'utf8'));
const jobDir = path.dirname(path.resolve(jobPath));
const outDir = path.dirname(path.resolve(resultsPath));

function readTensor(spec) {
  const bytes = fs.readFileSync(path.resolve(jobDir, spec.file));
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const data = spec.dtype === 'int64' ? new BigInt64Array(buffer) : new Float32Array(buffer);
  return new ort.Tensor(spec.dtype, data, spec.dims);
}

function writeTensor(runName, name, tensor) {
  const file = `${runName}.${name}.bin`;
  const data = tensor.data;
  fs.writeFileSync(path.join(outDir, file), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return { dtype: tensor.type, dims: tensor.dims.map(Number), file };
}

// Slices [batch, seq] int64 data along the sequence axis.
function sliceSeq(tensor, start, end) {
  const [batch, seq] = tensor.dims;
  const width = end - start;
  const out = new BigInt64Array(batch * width);
  for (let b = 0; b < batch; b++) {
    out.set(tensor.data.subarray(b * seq + start, b * seq + end), b * width);
  }
  return new ort.Tensor('int64', out, [batch, width]);
}

function concatSeq(parts) {
  // parts: [batch, len_i, vocab] float tensors -> [batch, sum len_i, vocab]
  const [batch, , vocab] = parts[0].dims;
  const total = parts.reduce((n, t) => n + t.dims[1], 0);
  const out = new Float32Array(batch * total * vocab);
  let offset = 0;
  for (const t of parts) {
    const len = t.dims[1];
    for (let b = 0; b < batch; b++) {
      out.set(t.data.subarray(b * len * vocab, (b + 1) * len * vocab), (b * total + offset) * vocab);
    }
    offset += len;
  }
  return new ort.Tensor('float32', out, [batch, total, vocab]);
}

function emptyPast(session, batch, kvHeads, headDim) {
  const past = {};
  for (const name of session.inputNames.filter((n) => n.startsWith('past_key_values.'))) {
    past[name] = new ort.Tensor('float32', new Float32Array(0), [batch, kvHeads, 0, headDim]);
  }
  return past;
}

function nextPast(outputs) {
  const past = {};
  for (const [name, value] of Object.entries(outputs)) {
    if (name.startsWith('present.')) past[name.replace('present.', 'past_key_values.')] = value;
  }
  return past;
}

async function runChunked(session, run, results) {
  const ids = readTensor(run.inputs.input_ids);
  const mask = readTensor(run.inputs.attention_mask);
  const positions = readTensor(run.inputs.position_ids);
  let past = emptyPast(session, ids.dims[0], run.kv_heads, run.head_dim);
  const logits = [];
  let start = 0;
  let outputs;
  for (const size of run.chunks) {
    const end = start + size;
    outputs = await session.run({
      input_ids: sliceSeq(ids, start, end),
      attention_mask: sliceSeq(mask, 0, end),
      position_ids: sliceSeq(positions, start, end),
      ...past,
    });
    logits.push(outputs.logits);
    past = nextPast(outputs);
    start = end;
  }
  results.logits = writeTensor(run.name, 'logits', concatSeq(logits));
  for (const [name, value] of Object.entries(outputs)) {
    if (name.startsWith('present.')) results[name] = writeTensor(run.name, name, value);
  }
}

async function runGreedy(session, run, results) {
  let tokens = run.prompt.map(BigInt);
  const all = [...tokens];
  let past = emptyPast(session, 1, run.kv_heads, run.head_dim);
  const generated = [];
  for (let step = 0; step < run.steps; step++) {
    const start = all.length - tokens.length;
    const outputs = await session.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(tokens), [1, tokens.length]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(all.length).fill(1n), [1, all.length]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from(tokens, (_, i) => BigInt(start + i)), [1, tokens.length]),
      ...past,
    });
    const [, len, vocab] = outputs.logits.dims;
    const last = outputs.logits.data.subarray((len - 1) * vocab, len * vocab);
    let best = 0;
    for (let v = 1; v < vocab; v++) if (last[v] > last[best]) best = v;
    generated.push(best);
    tokens = [BigInt(best)];
    all.push(BigInt(best));
    past = nextPast(outputs);
  }
  results.tokens = { dtype: 'int64', dims: [generated.length], values: generated };
}

const session = await ort.InferenceSession.create(job.model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
const results = { inputNames: session.inputNames, outputNames: session.outputNames, runs: {} };
for (const run of job.runs) {
  const runResults = {};
  if (run.kind === 'single') {
    const feeds = Object.fromEntries(Object.entries(run.inputs).map(([n, spec]) => [n, readTensor(spec)]));
    const outputs = await session.run(feeds);
    for (const [name, value] of Object.entries(outputs)) runResults[name] = writeTensor(run.name, name, value);
  } else if (run.kind === 'chunked') {
    await runChunked(session, run, runResults);
  } else if (run.kind === 'greedy') {
    await runGreedy(session, run, runResults);
  } else {
    throw new Error(`unknown run kind '${run.kind}'`);
  }
  results.runs[run.name] = runResults;
}
fs.writeFileSync(resultsPath, JSON.stringify(results, null, 2));
