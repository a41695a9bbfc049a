// hnswlib-node peer of bench/RetrievalIndex: builds an HNSW index over the first --count vectors of the shared
// vector file with the same M and efConstruction, then measures recall@10 and queries/s per efSearch, one query at a
// time on one thread, best of --passes passes. Prints JSON lines shaped like the C# ones.
// With --sync DIR it follows the C# side's protocol (bench/RetrievalIndex/PeerSync.cs): touch <engine>.built after
// the build, wait for the files of --search-after, search, touch <engine>.searched.
// usage: node hnsw.mjs --data DIR --count N --truth FILE --m M --ef-construction EC --ef-search "16 32" --passes P
//                      [--sync DIR --search-after "csharp-hnsw.searched"]
import { closeSync, existsSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import hnswlib from 'hnswlib-node';

const K = 10;
const engine = 'hnswlib-node';
const args = parseArgs(process.argv.slice(2));
const count = Number(args.count);
const m = Number(args.m);
const efConstruction = Number(args['ef-construction']);
const passes = Number(args.passes ?? 3);

/** The header of a vector file ("RVEC", int32 count, int32 dimensions, int32 0). */
function header(file) {
  const fd = openSync(file, 'r');
  const bytes = Buffer.alloc(16);
  readSync(fd, bytes, 0, 16, 0);
  closeSync(fd);
  if (bytes.toString('latin1', 0, 4) !== 'RVEC') throw new Error(`${file} is not a vector file`);
  return { count: bytes.readInt32LE(4), dimensions: bytes.readInt32LE(8) };
}

/** Calls visit(vector as a plain Array, index) for the first n vectors, reading the file in blocks (no full copy in memory). */
function forEachVector(file, n, visit) {
  const { dimensions } = header(file);
  const block = 4096;
  const buffer = Buffer.alloc(block * dimensions * 4);
  const fd = openSync(file, 'r');
  for (let start = 0; start < n; start += block) {
    const rows = Math.min(block, n - start);
    readSync(fd, buffer, 0, rows * dimensions * 4, 16 + start * dimensions * 4);
    const floats = new Float32Array(buffer.buffer, buffer.byteOffset, rows * dimensions);
    // hnswlib-node takes plain Arrays only (it checks IsArray), so each vector is converted once.
    for (let r = 0; r < rows; r++) visit(Array.from(floats.subarray(r * dimensions, (r + 1) * dimensions)), start + r);
  }
  closeSync(fd);
}

function readTruth(file) {
  const bytes = readFileSync(file);
  if (bytes.toString('latin1', 0, 4) !== 'RTRU' || bytes.readInt32LE(12) !== count) throw new Error(`${file} is not the truth of ${count} vectors`);
  const queries = bytes.readInt32LE(4);
  const k = bytes.readInt32LE(8);
  return { k, ids: new Int32Array(bytes.buffer.slice(bytes.byteOffset + 16, bytes.byteOffset + 16 + queries * k * 4)) };
}

function recall(truth, found) {
  let hits = 0;
  found.forEach((ids, q) => {
    const expected = new Set(truth.ids.subarray(q * truth.k, q * truth.k + K));
    for (const id of ids.slice(0, K)) if (expected.has(id)) hits++;
  });
  return hits / (found.length * K);
}

const status = (field) => Number(readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith(field)).split(/\s+/)[1]);
const emit = (result) => console.log(JSON.stringify(result));

const baseFile = path.join(args.data, 'base.rvec');
const { dimensions } = header(baseFile);
const queries = [];
forEachVector(path.join(args.data, 'queries.rvec'), header(path.join(args.data, 'queries.rvec')).count, (v) => queries.push(v));
const truth = readTruth(args.truth);
const beforeKb = status('VmRSS:');

const index = new hnswlib.HierarchicalNSW('cosine', dimensions);
index.initIndex({ maxElements: count, m, efConstruction, randomSeed: 100 });
const started = performance.now();
forEachVector(baseFile, count, (vector, label) => {
  index.addPoint(vector, label);
  if ((label + 1) % Math.max(1, Math.floor(count / 10)) === 0) {
    console.error(`hnswlib-node: built ${label + 1}/${count} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
});
const buildSeconds = (performance.now() - started) / 1000;
emit({
  engine, phase: 'build', count, m, efConstruction, buildSeconds,
  indexRssKb: status('VmRSS:') - beforeKb, vmHwmKb: status('VmHWM:'),
});

if (args.sync) {
  writeFileSync(path.join(args.sync, `${engine}.built`), '');
  const waitFor = (args['search-after'] ?? '').split(' ').filter(Boolean).map((f) => path.join(args.sync, f));
  const deadline = Date.now() + 2 * 3600 * 1000;
  while (!waitFor.every((f) => existsSync(f))) {
    if (Date.now() > deadline) throw new Error(`${engine} waited too long for ${waitFor.join(', ')}`);
    await sleep(200);
  }
}

for (const efSearch of args['ef-search'].split(/[ ,]+/).filter(Boolean).map(Number)) {
  index.setEf(efSearch);
  for (const q of queries.slice(0, 20)) index.searchKnn(q, K); // warm-up
  const rates = [];
  const cpuRates = [];
  let found = [];
  for (let pass = 0; pass < passes; pass++) {
    found = [];
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (const q of queries) found.push(index.searchKnn(q, K).neighbors);
    rates.push(queries.length / ((performance.now() - start) / 1000));
    const used = process.cpuUsage(cpu);
    cpuRates.push(queries.length / ((used.user + used.system) / 1e6));
  }
  rates.sort((a, b) => a - b);
  cpuRates.sort((a, b) => a - b);
  emit({
    engine, phase: 'search', count, m, efConstruction, efSearch,
    recallAt10: recall(truth, found), queriesPerSecond: rates[rates.length - 1], medianQueriesPerSecond: rates[rates.length >> 1],
    queriesPerCpuSecond: cpuRates[cpuRates.length - 1], passes,
  });
}
if (args.sync) writeFileSync(path.join(args.sync, `${engine}.searched`), '');

function parseArgs(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad argument ${argv[i]}`);
    options[argv[i].slice(2)] = argv[i + 1];
  }
  return options;
}
