#!/usr/bin/env bash
# Ingestion benchmark (docs/BENCHMARKS.md, "Ingestion"): the Python 3.11 documentation (Debian's python3.11-doc, HTML)
# through the real IngestionPipeline (HTML parser, token chunker on the embedder's tokenizer, the real-size forged
# all-MiniLM-L6-v2 on ONNX Runtime, EmbeddedIndex on disk with fsync): documents/s, chunks/s, MB/s, and where the
# time goes. Before and after it, on a sample of the same chunks: the C# embedder alone and a raw onnxruntime-node
# session (bracketing the run, so load from elsewhere on the machine shows up as a before/after difference).
#
# The whole set (530 pages, 14,471 chunks) takes 14-27 minutes on the shared 2-core machine, so a run ingests an
# evenly spaced subset by default and reports the whole set's chunk count (chunked, not embedded) and its extrapolated
# time; MAX_DOCS=0 ingests all of it (the figures in docs/BENCHMARKS.md).
#
#   bench/ingestion.sh     # env: MAX_DOCS (180 of the 530 pages; 0 = all), THREADS (nproc), CONCURRENCY (2, the
#                          #      pipeline default), SAMPLE_CHUNKS (512), EMBEDDER_DIR (the forged real MiniLM)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/env.sh

docs=/usr/share/doc/python3.11/html
max_docs="${MAX_DOCS:-180}"
threads="${THREADS:-$(nproc)}"
concurrency="${CONCURRENCY:-2}"
sample_chunks="${SAMPLE_CHUNKS:-512}"
embedder="${EMBEDDER_DIR:-$root/.models/forged/real/minilm-embedder}"
out="$root/artifacts/bench/ingestion"
node_dir="$root/bench/node/model-runtime"
log() { echo "ingestion.sh: $*" >&2; }

if [ ! -d "$docs" ]; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  log "installing python3.11-doc (the corpus)"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3.11-doc >/dev/null
fi
[ -n "${EMBEDDER_DIR:-}" ] || bash scripts/forge-models.sh --size real --models minilm-embedder
bash scripts/setup/npm-folder.sh "$node_dir"
release_build bench/Ingestion
bench=(dotnet "$root/bench/Ingestion/bin/Release/net10.0/RagPlatform.Bench.Ingestion.dll")

mkdir -p "$out"
results="$out/results.jsonl"
machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "{\"machine\":\"$machine\",\"loadStart\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >"$results"
log "machine: $machine; load $(cut -d' ' -f1-3 /proc/loadavg)"

embedder_alone() {
  log "embedder alone on the sample ($1 the pipeline run)"
  "${bench[@]}" embed-sample --model "$embedder" --inputs "$out/sample.json" --threads "$threads" | sed "s/^{/{\"when\":\"$1\",/" | tee -a "$results"
  node "$node_dir/embed-chunks-ort.mjs" --model "$embedder/onnx/model.onnx" --inputs "$out/sample.json" --threads "$threads" |
    sed "s/^{/{\"when\":\"$1\",/" | tee -a "$results"
}

pages="$([ "$max_docs" -gt 0 ] && echo "$max_docs" || echo all)"
log "reading, parsing and chunking all pages on one thread; sampling the chunks of the $pages pages to ingest"
"${bench[@]}" prepare --docs "$docs" --model "$embedder" --max-docs "$max_docs" --sample-chunks "$sample_chunks" \
  --sample-out "$out/sample.json" | tee -a "$results"
embedder_alone before
log "ingesting $pages pages of $docs into $out/work"
"${bench[@]}" ingest --docs "$docs" --model "$embedder" --work "$out/work" --threads "$threads" --concurrency "$concurrency" \
  --max-docs "$max_docs" | tee -a "$results"
embedder_alone after

echo "{\"loadEnd\":\"$(cut -d' ' -f1-3 /proc/loadavg)\"}" >>"$results"
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
node bench/node/summaries/ingestion.mjs "$results" | tee "$out/summary.md"
