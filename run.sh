#!/usr/bin/env bash
# Starts RagPlatform on this machine with the embedded defaults and shows it working: installs what it
# needs, builds, starts the model services (Embedder, Reranker, Generator) as their own processes,
# waits until each reports SERVING over grpc.health.v1, calls each once, and leaves them running.
#
# Models: RAG_MODELS_DIR (default .models/forged/tiny) holds minilm-embedder/, minilm-reranker/ and
# qwen2.5/. Without real weights configured the forged test models are built and used: every
# vector, score and word they produce is noise (see README, "Models: real and forged").
# Stop everything with: ./run.sh stop
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
cd "$root"
source scripts/env.sh

state="$root/.run"
services=(Embedder Reranker Generator)
declare -A port=([Embedder]=50051 [Reranker]=50052 [Generator]=50053)
declare -A model=([Embedder]=minilm-embedder [Reranker]=minilm-reranker [Generator]=qwen2.5)

stop() {
  for s in "${services[@]}"; do
    if [ -f "$state/$s.pid" ]; then kill "$(cat "$state/$s.pid")" 2>/dev/null || true; rm -f "$state/$s.pid"; fi
  done
}
if [ "${1:-}" = "stop" ]; then stop; echo "RagPlatform stopped."; exit 0; fi

./scripts/setup.sh
models="${RAG_MODELS_DIR:-$root/.models/forged/tiny}"
dotnet build RagPlatform.sln -c Release -nologo -clp:ErrorsOnly

stop
mkdir -p "$state"
for s in "${services[@]}"; do
  env "${s}__ModelDirectory=$models/${model[$s]}" "Grpc__Url=http://127.0.0.1:${port[$s]}" \
    nohup dotnet "services/$s/bin/Release/net10.0/RagPlatform.$s.dll" --contentRoot "$root/services/$s/bin/Release/net10.0" \
    > "$state/$s.log" 2>&1 &
  echo $! > "$state/$s.pid"
done

grpc() { node tests/node/grpc-interop/client.js --target "127.0.0.1:$1" --call "$2" --json "$3" --deadline-ms "${4:-10000}"; }
for s in "${services[@]}"; do
  for _ in $(seq 1 120); do
    if grpc "${port[$s]}" grpc.health.v1.Health/Check "{\"service\":\"rag.v1.$s\"}" 2>/dev/null | grep -q '"SERVING"'; then break; fi
    if ! kill -0 "$(cat "$state/$s.pid")" 2>/dev/null; then echo "$s failed to start; its log:" >&2; cat "$state/$s.log" >&2; exit 1; fi
    sleep 0.5
  done
  echo "$s serving on http://127.0.0.1:${port[$s]} (log: .run/$s.log)"
done

echo; echo "== Embed =="
grpc 50051 rag.v1.Embedder/Embed '{"texts":["What is retrieval-augmented generation?"],"role":"EMBED_ROLE_QUERY"}' | head -c 300; echo
echo; echo "== Rerank =="
grpc 50052 rag.v1.Reranker/Rerank '{"query":"What does the embedder do?","passages":["The embedder turns text into vectors.","Paris is in France."]}'
echo; echo "== Generate (streamed) =="
grpc 50053 rag.v1.Generator/Generate '{"chat":{"messages":[{"role":"CHAT_ROLE_USER","content":"Say hello."}]},"max_new_tokens":24}' 30000
echo
grpc 50051 rag.v1.Embedder/Info '{}' | grep -q '"forged":true' && \
  echo "NOTE: these are FORGED models (seeded random weights): their output is noise. Point RAG_MODELS_DIR at real weights."
echo "RagPlatform is running. Stop it with: ./run.sh stop"
