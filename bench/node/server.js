'use strict';
// grpc-js server for ragbench.v1.Bench on a free loopback port; prints {"port":N}; exits when stdin closes.
const { grpc, Bench } = require('./bench');

const server = new grpc.Server();
server.addService(Bench.service, {
  Unary(call, callback) {
    callback(null, call.request);
  },
  Stream(call) {
    const message = { data: Buffer.alloc(call.request.size) };
    let sent = 0;
    let stopped = false;
    call.on('cancelled', () => { stopped = true; });
    // Respect backpressure: write until the stream buffer is full, resume on 'drain'.
    const pump = () => {
      while (!stopped && sent < call.request.count) {
        sent++;
        if (!call.write(message)) {
          call.once('drain', pump);
          return;
        }
      }
      if (!stopped) call.end();
    };
    pump();
  },
});
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  process.stdout.write(JSON.stringify({ port }) + '\n');
});
const stop = () => { server.forceShutdown(); process.exit(0); };
process.stdin.on('end', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
