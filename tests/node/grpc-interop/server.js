'use strict';
// grpc-js implementation of ragtest.v1.InteropTest and grpc.health.v1.Health, mirroring the
// C# test service. Listens on a free loopback port, prints {"port":N} on one line, and exits
// when stdin closes. grpc-js servers accept gzip requests but never compress responses.
// Usage: node server.js
const { grpc, load } = require('./protos');

const pkg = load();
const calls = new Map(); // call_id -> { cancelled, ended, onEnd: [] }
const health = new Map([['', 'SERVING']]);
const watchers = new Map(); // service -> Set<fn(status)>

function record(callId) {
  if (!callId) return null;
  let entry = calls.get(callId);
  if (!entry) {
    entry = { cancelled: false, ended: false, onEnd: [] };
    calls.set(callId, entry);
  }
  return entry;
}

function end(entry, cancelled) {
  if (!entry || entry.ended) return;
  entry.cancelled = entry.cancelled || cancelled;
  entry.ended = true;
  entry.onEnd.splice(0).forEach((fn) => fn());
}

function echoedMetadata(metadata) {
  const headers = new grpc.Metadata();
  const trailers = new grpc.Metadata();
  const echoed = {};
  for (const [key, values] of Object.entries(metadata.getMap())) {
    if (!key.startsWith('x-meta-')) continue;
    const value = values;
    headers.add(key, value);
    trailers.add('x-trailer-' + key.slice('x-meta-'.length), value);
    echoed[key] = Buffer.isBuffer(value) ? value.toString('base64') : String(value);
  }
  return { headers, trailers, echoed };
}

function delay(ms, call, ignoreCancellation) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    if (!ignoreCancellation) {
      call.on('cancelled', () => {
        clearTimeout(timer);
        reject(Object.assign(new Error('cancelled'), { cancelled: true }));
      });
    }
  });
}

const interop = {
  async Echo(call, callback) {
    const request = call.request;
    const entry = record(request.call_id);
    call.on('cancelled', () => end(entry, true));
    const deadline = call.getDeadline();
    const deadlineMs = deadline instanceof Date ? deadline.getTime() : Number(deadline);
    const remaining = Number.isFinite(deadlineMs) ? deadlineMs - Date.now() : -1;
    const { headers, trailers, echoed } = echoedMetadata(call.metadata);
    if (Object.keys(echoed).length > 0) call.sendMetadata(headers);
    try {
      if (request.delay_ms > 0) await delay(request.delay_ms, call, request.ignore_cancellation);
    } catch (e) {
      end(entry, true);
      return;
    }
    if (call.cancelled) {
      end(entry, true);
      return;
    }
    end(entry, false);
    if (request.fail_code) {
      callback({ code: request.fail_code, details: request.fail_message, metadata: trailers });
      return;
    }
    if (request.crash) {
      callback({ code: grpc.status.UNKNOWN, details: 'The test service crashed on purpose.' });
      return;
    }
    // grpc-js hides grpc-encoding from handlers: this stays "" even for compressed requests.
    const encoding = call.metadata.get('grpc-encoding');
    callback(null, {
      message: request.message,
      payload: request.reply_payload_size > 0 ? Buffer.alloc(request.reply_payload_size) : request.payload,
      request_encoding: encoding.length > 0 ? String(encoding[0]) : '',
      metadata: echoed,
      deadline_remaining_ms: String(Math.round(remaining)),
    }, trailers);
  },

  async StreamNumbers(call) {
    const request = call.request;
    const entry = record(request.call_id);
    call.on('cancelled', () => end(entry, true));
    for (let i = 0; i < request.count; i++) {
      if (call.cancelled) return;
      if (request.fail_code && i === request.fail_after) {
        end(entry, false);
        call.emit('error', { code: request.fail_code, details: request.fail_message });
        return;
      }
      if (request.interval_ms > 0 && i > 0) {
        try {
          await delay(request.interval_ms, call, false);
        } catch (e) {
          return;
        }
      }
      call.write({ index: i, payload: request.payload_size > 0 ? Buffer.alloc(request.payload_size) : Buffer.alloc(0) });
    }
    end(entry, false);
    if (request.fail_code && request.fail_after >= request.count) {
      call.emit('error', { code: request.fail_code, details: request.fail_message });
      return;
    }
    call.end();
  },

  GetCallRecord(call, callback) {
    const { call_id: callId, wait_ms: waitMs } = call.request;
    const reply = () => {
      const entry = calls.get(callId);
      callback(null, { seen: !!entry, cancelled: !!entry && entry.cancelled, ended: !!entry && entry.ended });
    };
    const entry = calls.get(callId);
    if (entry && entry.ended) return reply();
    const timer = setTimeout(reply, waitMs);
    if (entry) {
      entry.onEnd.push(() => {
        clearTimeout(timer);
        reply();
      });
    }
  },

  SetHealth(call, callback) {
    setHealth(call.request.service, statusName(call.request.status));
    callback(null, {});
  },
};

const STATUS_NAMES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
function statusName(number) {
  return STATUS_NAMES[number] || 'UNKNOWN';
}

function setHealth(service, status) {
  if (health.get(service) === status) return;
  health.set(service, status);
  (watchers.get(service) || new Set()).forEach((notify) => notify(status));
}

const healthService = {
  Check(call, callback) {
    const status = health.get(call.request.service);
    if (status === undefined) {
      callback({ code: grpc.status.NOT_FOUND, details: `Unknown service '${call.request.service}'.` });
      return;
    }
    callback(null, { status });
  },
  Watch(call) {
    const service = call.request.service;
    const notify = (status) => call.write({ status });
    if (!watchers.has(service)) watchers.set(service, new Set());
    watchers.get(service).add(notify);
    notify(health.get(service) || 'SERVICE_UNKNOWN');
    call.on('cancelled', () => watchers.get(service).delete(notify));
  },
};

function start(options) {
  const server = new grpc.Server(options);
  server.addService(pkg.ragtest.v1.InteropTest.service, interop);
  server.addService(pkg.grpc.health.v1.Health.service, healthService);
  return new Promise((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve({ server, port })));
  });
}

(async () => {
  const { server, port } = await start({});
  process.stdout.write(JSON.stringify({ port }) + '\n');
  const stop = () => {
    server.forceShutdown();
    process.exit(0);
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
})().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});
