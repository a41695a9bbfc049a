#!/usr/bin/env bash
# Index benchmark (docs/BENCHMARKS.md, "Retrieval index"): recall@10 and queries/s of our exact SIMD scan, our HNSW
# graph and hnswlib-node (npm), the two graphs built with the same M and efConstruction and searched with the same
# efSearch values on the same vectors (one binary file both read), at 100k and 1M vectors of 384 dimensions, cosine.
# The vectors are a seeded clustered data set (bench/RetrievalIndex/ClusteredVectors.cs); the ground truth is a
# brute-force scan re-ranked in double precision. Queries run one at a time on one thread, best of PASSES passes.
#
# The two graphs are built at the same time, one core each (BUILD_TOGETHER=1; each build is single-threaded), and
# searched one after the other: that keeps a full run with 1M vectors near 20 minutes on 2 cores. BUILD_TOGETHER=0
# builds one after the other (cleaner build times, longer run).
#
#   bench/retrieval-index.sh   # env: SIZES ("100000 1000000"), QUERIES (1000), M (16), EF_CONSTRUCTION (100),
#                              #      EF_SEARCH ("10 16 24 32 48 64 96 128 192 256 384 512"), PASSES (3),
#                              #      EXACT_QUERIES (200: a 1M scan takes ~0.1 s per query), BUILD_TOGETHER (1)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh

sizes="${SIZES:-100000 1000000}"
queries="${QUERIES:-1000}"
m="${M:-16}"
ef_construction="${EF_CONSTRUCTION:-100}"
ef_search="${EF_SEARCH:-10 16 24 32 48 64 96 128 192 256 384 512}"
passes="${PASSES:-3}"
exact_queries="${EXACT_QUERIES:-200}"
together="${BUILD_TOGETHER:-1}"
out="$root/artifacts/bench/retrieval-index"
node_dir="$root/bench/node/retrieval-index"
log() { echo "retrieval-index.sh: $*" >&2; }

bash scripts/setup/npm-folder.sh "$node_dir"
release_build bench/RetrievalIndex
bench=(dotnet "$root/bench/RetrievalIndex/bin/Release/net10.0/RagPlatform.Bench.RetrievalIndex.dll")

largest=0
for n in $sizes; do [ "$n" -gt "$largest" ] && largest="$n"; done
data="$out/data"
mkdir -p "$data"
results="$out/results.jsonl"
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "{\"machine\":\"$machine\",\"loadStart\":\"$(cut -d' ' -f1-3 /proc/loadavg)\",\"buildTogether\":$together}" >"$results"
log "machine: $machine; load $(cut -d' ' -f1-3 /proc/loadavg)"

# The data set is generated once for the largest size; smaller sizes use its first vectors.
spec="$largest:$queries:$(sha256sum bench/RetrievalIndex/ClusteredVectors.cs | cut -c1-16)"
if [ "$(cat "$data/spec" 2>/dev/null)" != "$spec" ]; then
  log "generating $largest base vectors and $queries queries"
  rm -f "$data"/*
  "${bench[@]}" generate --out "$data" --count "$largest" --queries "$queries" | tee -a "$results"
  echo "$spec" >"$data/spec"
fi

for n in $sizes; do
  truth="$data/truth-$n.bin"
  if [ ! -f "$truth" ]; then
    log "ground truth for $n vectors"
    "${bench[@]}" truth --data "$data" --count "$n" --k 10 --out "$truth" >&2
  fi

  log "$n vectors: exact scan ($exact_queries queries)"
  "${bench[@]}" exact --data "$data" --count "$n" --truth "$truth" --max-queries "$exact_queries" | tee -a "$results"

  common=(--data "$data" --count "$n" --truth "$truth" --m "$m" --ef-construction "$ef_construction" --ef-search "$ef_search" --passes "$passes")
  if [ "$together" = 1 ]; then
    sync="$(mktemp -d)"
    log "$n vectors: building both graphs at once (M=$m, efConstruction=$ef_construction), then searching one after the other"
    "${bench[@]}" hnsw "${common[@]}" --sync "$sync" --search-after "hnswlib-node.built" >"$sync/csharp.jsonl" &
    cs_pid=$!
    node "$node_dir/hnsw.mjs" "${common[@]}" --sync "$sync" --search-after "csharp-hnsw.searched" >"$sync/node.jsonl" &
    node_pid=$!
    status=0
    pending=("$cs_pid" "$node_pid")
    while [ ${#pending[@]} -gt 0 ]; do
      finished=""
      if ! wait -n -p finished "${pending[@]}"; then
        status=1 # the other engine would wait for this one forever: stop it
        kill "${pending[@]}" 2>/dev/null || true
      fi
      still=()
      for pid in "${pending[@]}"; do [ "$pid" = "$finished" ] || still+=("$pid"); done
      pending=("${still[@]}")
    done
    cat "$sync/csharp.jsonl" "$sync/node.jsonl" | tee -a "$results"
    rm -rf "$sync"
    [ "$status" -eq 0 ] || { log "an engine failed (status $status)"; exit 1; }
  else
    log "$n vectors: C# HNSW (M=$m, efConstruction=$ef_construction)"
    "${bench[@]}" hnsw "${common[@]}" | tee -a "$results"
    log "$n vectors: hnswlib-node"
    node "$node_dir/hnsw.mjs" "${common[@]}" | tee -a "$results"
  fi
done

echo "{\"loadEnd\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >>"$results"
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
node bench/node/summaries/retrieval-index.mjs "$results" | tee "$out/summary.md"
