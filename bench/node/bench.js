'use strict';
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const protoPath = path.resolve(__dirname, '..', 'Transport', 'Protos', 'bench.proto');
const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(protoPath, { keepCase: true, defaults: true }));

module.exports = { grpc, Bench: pkg.ragbench.v1.Bench };
