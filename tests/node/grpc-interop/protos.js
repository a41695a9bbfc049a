'use strict';
// Loads the repository's protos with proto-loader: protos/ (rag.v1, grpc.health.v1) and the
// interop suite's test-only contract (ragtest.v1), so both sides read the very same files.
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const protoRoot = path.join(repoRoot, 'protos');
const testProtoDir = path.join(repoRoot, 'tests', 'RagPlatform.Interop.Tests', 'Protos');

function load(extraFiles = []) {
  const files = [
    'grpc/health/v1/health.proto',
    'rag/v1/embedder.proto',
    'rag/v1/reranker.proto',
    'rag/v1/generator.proto',
    path.join(testProtoDir, 'interop_test.proto'),
    ...extraFiles,
  ];
  const definition = protoLoader.loadSync(files, {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
    includeDirs: [protoRoot, testProtoDir],
  });
  return grpc.loadPackageDefinition(definition);
}

/** Finds a service constructor by its full name, e.g. "rag.v1.Embedder". */
function serviceByName(pkg, fullName) {
  const service = fullName.split('.').reduce((node, part) => (node ? node[part] : undefined), pkg);
  if (!service || !service.service) {
    throw new Error(`Unknown service ${fullName}`);
  }
  return service;
}

module.exports = { grpc, load, serviceByName, repoRoot };
