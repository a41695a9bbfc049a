'use strict';
// grpc-js client for the interop tests. Two modes:
//
//   node client.js --target 127.0.0.1:5001 --scenario unary
//     Runs one named scenario against a ragtest.v1.InteropTest server and prints one JSON line
//     of observations ({"code":0,...}); the C# test asserts on them. --list prints the names.
//     "compressed-response" needs a server that gzips its responses (grpc-js servers never do);
//     "reflection" one that serves grpc.reflection (grpc-js-reflection-client reads it).
//
//   node client.js --target 127.0.0.1:5001 --call rag.v1.Embedder/Embed --json '{"texts":["hi"]}'
//                  [--deadline-ms 5000] [--metadata key=value ...]
//     Calls ANY unary or server-streaming method of protos/ (or the test proto) with a JSON
//     request (proto field names), and prints one JSON line per response message
//     ({"message":{...}}) then {"status":{"code":0,"details":"","metadata":{...}}}.
const { GrpcReflection } = require('grpc-js-reflection-client');
const { grpc, load, serviceByName } = require('./protos');

const pkg = load();
const args = parseArgs(process.argv.slice(2));

function parseArgs(argv) {
  const result = { metadata: [] };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (key === 'list') { result.list = true; continue; }
    const value = argv[++i];
    if (key === 'metadata') result.metadata.push(value); else result[key] = value;
  }
  return result;
}

function client(target, options = {}) {
  return new pkg.ragtest.v1.InteropTest(target, grpc.credentials.createInsecure(), options);
}

function deadlineIn(ms) {
  return new Date(Date.now() + ms);
}

/** Runs a unary call and resolves to {code, details, reply, headers, trailers} (never rejects). */
function unary(stub, method, request, { metadata = new grpc.Metadata(), deadlineMs, cancelAfterMs } = {}) {
  return new Promise((resolve) => {
    const observed = { headers: {}, trailers: {} };
    const options = deadlineMs ? { deadline: deadlineIn(deadlineMs) } : {};
    const call = stub[method](request, metadata, options, (err, reply) => {
      observed.code = err ? err.code : 0;
      observed.details = err ? err.details : '';
      observed.reply = reply;
      // The status event may come after the callback: let it land first.
      setImmediate(() => resolve(observed));
    });
    call.on('metadata', (md) => { observed.headers = plain(md); });
    call.on('status', (status) => { observed.trailers = plain(status.metadata); });
    if (cancelAfterMs) setTimeout(() => call.cancel(), cancelAfterMs);
  });
}

/** Reads a server stream to its end: {code, details, messages}. */
function stream(stub, method, request, { cancelAfterMessages, deadlineMs } = {}) {
  return new Promise((resolve) => {
    const messages = [];
    const call = stub[method](request, new grpc.Metadata(), deadlineMs ? { deadline: deadlineIn(deadlineMs) } : {});
    call.on('data', (message) => {
      messages.push(message);
      if (cancelAfterMessages && messages.length === cancelAfterMessages) call.cancel();
    });
    call.on('error', (err) => resolve({ code: err.code, details: err.details, messages }));
    call.on('status', (status) => { if (status.code === 0) resolve({ code: 0, details: '', messages }); });
  });
}

function plain(metadata) {
  const result = {};
  for (const [key, value] of Object.entries(metadata ? metadata.getMap() : {})) {
    result[key] = Buffer.isBuffer(value) ? value.toString('base64') : String(value);
  }
  return result;
}

function callId() {
  return `js-${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

// Connects first, so a short deadline or cancel timer measures the call, not the TCP handshake.
function warmUp(stub) {
  return unary(stub, 'Echo', { message: 'warm-up' });
}

async function serverRecord(stub, id) {
  const observed = await unary(stub, 'GetCallRecord', { call_id: id, wait_ms: 5000 });
  return observed.reply;
}

const scenarios = {
  async unary(target) {
    const r = await unary(client(target), 'Echo', { message: 'hello from grpc-js', payload: Buffer.from('bytes') });
    return { code: r.code, details: r.details, message: r.reply && r.reply.message, payload: r.reply && r.reply.payload.toString() };
  },

  async 'server-streaming'(target) {
    const r = await stream(client(target), 'StreamNumbers', { count: 10 });
    return { code: r.code, indexes: r.messages.map((m) => m.index) };
  },

  async 'error-non-ascii'(target) {
    const r = await unary(client(target), 'Echo', { fail_code: grpc.status.INVALID_ARGUMENT, fail_message: 'données invalides — 日本語' });
    return { code: r.code, details: r.details };
  },

  async 'error-mid-stream'(target) {
    const r = await stream(client(target), 'StreamNumbers', { count: 10, fail_after: 3, fail_code: grpc.status.ABORTED, fail_message: 'stopped — 途中' });
    return { code: r.code, details: r.details, indexes: r.messages.map((m) => m.index) };
  },

  async 'crash'(target) {
    const r = await unary(client(target), 'Echo', { crash: true });
    return { code: r.code, details: r.details };
  },

  async deadline(target) {
    const stub = client(target);
    await warmUp(stub);
    const id = callId();
    const started = Date.now();
    const r = await unary(stub, 'Echo', { delay_ms: 30000, call_id: id }, { deadlineMs: 200 });
    const elapsedMs = Date.now() - started;
    const rec = await serverRecord(stub, id);
    return { code: r.code, elapsedMs, serverEnded: rec.ended, serverCancelled: rec.cancelled };
  },

  async 'deadline-propagated'(target) {
    const r = await unary(client(target), 'Echo', { message: 'd' }, { deadlineMs: 30000 });
    return { code: r.code, remainingMs: Number(r.reply.deadline_remaining_ms) };
  },

  async cancellation(target) {
    const stub = client(target);
    await warmUp(stub);
    const id = callId();
    const r = await unary(stub, 'Echo', { delay_ms: 30000, call_id: id }, { cancelAfterMs: 200 });
    const rec = await serverRecord(stub, id);
    return { code: r.code, serverEnded: rec.ended, serverCancelled: rec.cancelled };
  },

  async 'stream-cancellation'(target) {
    const stub = client(target);
    const id = callId();
    const r = await stream(stub, 'StreamNumbers', { count: 1000, interval_ms: 20, call_id: id }, { cancelAfterMessages: 3 });
    const rec = await serverRecord(stub, id);
    return { code: r.code, received: r.messages.length, serverEnded: rec.ended, serverCancelled: rec.cancelled };
  },

  async unimplemented(target) {
    const stub = new pkg.ragtest.v1.Unmapped(target, grpc.credentials.createInsecure());
    const r = await unary(stub, 'Nothing', {});
    return { code: r.code, details: r.details };
  },

  async 'concurrent-100'(target) {
    const stub = client(target);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => unary(stub, 'Echo', { message: `m${i}`, delay_ms: 20 })));
    return {
      codes: [...new Set(results.map((r) => r.code))],
      inOrder: results.every((r, i) => r.reply && r.reply.message === `m${i}`),
    };
  },

  async 'size-limit-request'(target) {
    const r = await unary(client(target), 'Echo', { payload: Buffer.alloc(5 * 1024 * 1024) });
    return { code: r.code, details: r.details };
  },

  async 'size-limit-response'(target) {
    const r = await unary(client(target), 'Echo', { reply_payload_size: 5 * 1024 * 1024 });
    return { code: r.code, details: r.details };
  },

  async 'compressed-request'(target) {
    const stub = client(target, { 'grpc.default_compression_algorithm': 2 });
    const r = await unary(stub, 'Echo', { message: 'z'.repeat(100000) });
    return { code: r.code, requestEncoding: r.reply && r.reply.request_encoding, length: r.reply && r.reply.message.length };
  },

  async 'compressed-response'(target) {
    const stub = client(target);
    const r = await unary(stub, 'Echo', { reply_payload_size: 100000 });
    const s = await stream(stub, 'StreamNumbers', { count: 5, payload_size: 10000 });
    return {
      code: r.code,
      payloadLength: r.reply && r.reply.payload.length,
      streamCode: s.code,
      streamPayloads: s.messages.map((m) => m.payload.length),
    };
  },

  async metadata(target) {
    const md = new grpc.Metadata();
    md.add('x-meta-tenant', 'acme');
    md.add('x-meta-blob-bin', Buffer.from([0, 1, 2, 255]));
    const r = await unary(client(target), 'Echo', { message: 'm' }, { metadata: md });
    return { code: r.code, replyMetadata: r.reply && r.reply.metadata, headers: r.headers, trailers: r.trailers };
  },

  async 'health-check'(target) {
    const stub = new pkg.grpc.health.v1.Health(target, grpc.credentials.createInsecure());
    const server = await unary(stub, 'Check', { service: '' });
    const unknown = await unary(stub, 'Check', { service: 'no.such.Service' });
    return { code: server.code, status: server.reply && server.reply.status, unknownCode: unknown.code };
  },

  async 'health-watch'(target) {
    const stub = new pkg.grpc.health.v1.Health(target, grpc.credentials.createInsecure());
    const interop = client(target);
    const service = `watched.${process.pid}.${Date.now()}`;
    const statuses = [];
    const call = stub.Watch({ service });
    const next = () => new Promise((resolve) => call.once('data', (m) => { statuses.push(m.status); resolve(); }));
    await next();
    let pending = next();
    await unary(interop, 'SetHealth', { service, status: 1 });
    await pending;
    pending = next();
    await unary(interop, 'SetHealth', { service, status: 2 });
    await pending;
    const ended = new Promise((resolve) => call.on('error', (err) => resolve(err.code)));
    call.cancel();
    return { statuses, endCode: await ended };
  },

  // grpcurl-style, with no proto file: list the server's services over grpc.reflection, fetch one's descriptor,
  // and call a method through the stub built from it.
  async reflection(target) {
    const reflection = new GrpcReflection(target, grpc.credentials.createInsecure());
    const services = await reflection.listServices();
    const methods = (await reflection.listMethods('ragtest.v1.InteropTest')).map((m) => m.name);
    const descriptor = await reflection.getDescriptorBySymbol('ragtest.v1.InteropTest');
    const reflected = descriptor.getPackageObject({ keepCase: true, longs: String, enums: String, defaults: true });
    const stub = new reflected.ragtest.v1.InteropTest(target, grpc.credentials.createInsecure());
    const echo = await unary(stub, 'Echo', { message: 'found by reflection' });
    return { services, methods, code: echo.code, message: echo.reply && echo.reply.message };
  },
};

async function generic() {
  const [serviceName, methodName] = args.call.replace(/^\//, '').split('/');
  const Service = serviceByName(pkg, serviceName);
  const definition = Service.service[methodName];
  if (!definition) throw new Error(`Unknown method ${args.call}`);
  const stub = new Service(args.target, grpc.credentials.createInsecure(), {
    'grpc.max_receive_message_length': -1,
  });
  const request = JSON.parse(args.json || '{}');
  const metadata = new grpc.Metadata();
  for (const pair of args.metadata) {
    const at = pair.indexOf('=');
    metadata.add(pair.slice(0, at), pair.slice(at + 1));
  }
  const options = args['deadline-ms'] ? { deadline: deadlineIn(Number(args['deadline-ms'])) } : {};
  const print = (obj) => process.stdout.write(JSON.stringify(obj, (k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('base64') : v)) + '\n');
  await new Promise((resolve) => {
    const finish = (code, details, md) => { print({ status: { code, details, metadata: plain(md) } }); resolve(); };
    if (definition.responseStream) {
      const call = stub[methodName](request, metadata, options);
      call.on('data', (message) => print({ message }));
      call.on('error', (err) => finish(err.code, err.details, err.metadata));
      call.on('status', (status) => { if (status.code === 0) finish(0, '', status.metadata); });
    } else {
      let trailers;
      const call = stub[methodName](request, metadata, options, (err, reply) => {
        if (!err) print({ message: reply });
        setImmediate(() => finish(err ? err.code : 0, err ? err.details : '', err ? err.metadata : trailers));
      });
      call.on('status', (status) => { trailers = status.metadata; });
    }
  });
}

(async () => {
  if (args.list) {
    process.stdout.write(JSON.stringify(Object.keys(scenarios)) + '\n');
  } else if (args.call) {
    await generic();
  } else {
    const scenario = scenarios[args.scenario];
    if (!scenario) throw new Error(`Unknown scenario '${args.scenario}'. Known: ${Object.keys(scenarios).join(', ')}`);
    const result = await scenario(args.target);
    process.stdout.write(JSON.stringify(result) + '\n');
  }
  process.exit(0);
})().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});
