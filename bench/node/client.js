'use strict';
// grpc-js load client: node client.js --target 127.0.0.1:N --mode unary|stream [--concurrency 1] [--seconds 5] [--payload 100]
// Prints one JSON line: {"calls","callsPerSecond","p50Ms","p99Ms"} or {"messages","messagesPerSecond"}.
const { grpc, Bench } = require('./bench');

const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : fallback;
};
const target = arg('target', '127.0.0.1:5000').replace(/^http:\/\//, '');
const mode = arg('mode', 'unary');
const concurrency = Number(arg('concurrency', '1'));
const seconds = Number(arg('seconds', '5'));
const payload = { data: Buffer.alloc(Number(arg('payload', '100'))) };
const client = new Bench(target, grpc.credentials.createInsecure());

const unaryCall = () => new Promise((resolve, reject) => client.Unary(payload, (err) => (err ? reject(err) : resolve())));

async function callers(durationMs) {
  const stopAt = performance.now() + durationMs;
  const loops = Array.from({ length: concurrency }, async () => {
    const latencies = [];
    while (performance.now() < stopAt) {
      const start = performance.now();
      await unaryCall();
      latencies.push(performance.now() - start);
    }
    return latencies;
  });
  return (await Promise.all(loops)).flat();
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0);

async function unary() {
  await unaryCall();
  await callers(1000);
  const started = performance.now();
  const all = (await callers(seconds * 1000)).sort((a, b) => a - b);
  const elapsed = (performance.now() - started) / 1000;
  return { calls: all.length, callsPerSecond: Math.round(all.length / elapsed), p50Ms: +percentile(all, 0.5).toFixed(3), p99Ms: +percentile(all, 0.99).toFixed(3) };
}

function stream() {
  return new Promise((resolve) => {
    let messages = 0;
    const started = performance.now();
    const call = client.Stream({ count: 2147483647, size: payload.data.length });
    const done = () => {
      const elapsed = (performance.now() - started) / 1000;
      resolve({ messages, messagesPerSecond: Math.round(messages / elapsed) });
    };
    call.on('data', () => { messages++; });
    call.on('error', () => {});
    setTimeout(() => { call.cancel(); done(); }, seconds * 1000);
  });
}

(async () => {
  await unaryCall();
  const result = mode === 'stream' ? await stream() : await unary();
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
})().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});
