#!/usr/bin/env bash
# Transport benchmark: grpc-dotnet (Grpc.AspNetCore with the platform's server defaults, Grpc.Net.Client) vs
# @grpc/grpc-js, as real processes on loopback. Builds Release, starts the grpc-dotnet server (bench/Transport) and
# the grpc-js server (bench/node), then for each client→server pair (grpc-dotnet→grpc-dotnet, grpc-js→grpc-js and
# both cross pairs) measures unary calls/s at 1 and 32 concurrent callers (with p50/p99 latency) and
# server-streaming messages/s, and prints a side-by-side table.
# Usage: bench/transport.sh            (BENCH_SECONDS=4 per measurement; ~80 s in total)
#        DOTNET_gcServer=1 bench/transport.sh   (server GC in both .NET processes; workstation GC by default)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${BENCH_SECONDS:-4}"
payload="${BENCH_PAYLOAD:-100}"
work="$(mktemp -d)"
pids=()
cleanup() {
  exec 3>&- 4>&- 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "building bench/Transport (Release)..." >&2
dotnet build -c Release "$repo/bench/Transport/RagPlatform.Bench.Transport.csproj" -v q -nologo >/dev/null
dll="$repo/bench/Transport/bin/Release/net10.0/RagPlatform.Bench.Transport.dll"
bash "$repo/scripts/setup/npm-folder.sh" "$repo/bench/node"

# Each server keeps running while we hold its stdin open (fd 3 / fd 4).
mkfifo "$work/cs.in" "$work/js.in"
dotnet "$dll" server <"$work/cs.in" >"$work/cs.out" & pids+=($!)
exec 3>"$work/cs.in"
node "$repo/bench/node/server.js" <"$work/js.in" >"$work/js.out" & pids+=($!)
exec 4>"$work/js.in"
port_of() { for _ in $(seq 100); do [ -s "$1" ] && { node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).port)' "$1"; return; }; sleep 0.1; done; echo "server did not start" >&2; exit 1; }
cs_port="$(port_of "$work/cs.out")"
js_port="$(port_of "$work/js.out")"

run_client() { # client server mode concurrency
  local port; [ "$2" = "grpc-dotnet" ] && port="$cs_port" || port="$js_port"
  if [ "$1" = "grpc-dotnet" ]; then
    dotnet "$dll" client --target "http://127.0.0.1:$port" --mode "$3" --concurrency "$4" --seconds "$seconds" --payload "$payload"
  else
    node "$repo/bench/node/client.js" --target "127.0.0.1:$port" --mode "$3" --concurrency "$4" --seconds "$seconds" --payload "$payload"
  fi
}

field() { node -e 'const r=JSON.parse(process.argv[1]); console.log(r[process.argv[2]])' "$1" "$2"; }

printf '\n%-28s | %-30s | %-30s | %-16s\n' "client -> server" "unary c=1: calls/s (p50/p99 ms)" "unary c=32: calls/s (p50/p99 ms)" "stream msgs/s"
printf '%s\n' "-----------------------------+--------------------------------+--------------------------------+-----------------"
for pair in "grpc-dotnet:grpc-dotnet" "grpc-js:grpc-js" "grpc-dotnet:grpc-js" "grpc-js:grpc-dotnet"; do
  client="${pair%%:*}"; server="${pair##*:}"
  u1="$(run_client "$client" "$server" unary 1)"
  [ "$client" = "grpc-dotnet" ] && dotnet_client="$u1"
  u32="$(run_client "$client" "$server" unary 32)"
  st="$(run_client "$client" "$server" stream 1)"
  printf '%-28s | %-30s | %-30s | %-16s\n' "$client -> $server" \
    "$(field "$u1" callsPerSecond) ($(field "$u1" p50Ms)/$(field "$u1" p99Ms))" \
    "$(field "$u32" callsPerSecond) ($(field "$u32" p50Ms)/$(field "$u32" p99Ms))" \
    "$(field "$st" messagesPerSecond)"
done
echo
gc() { [ "$1" = "true" ] && echo server || echo workstation; }
echo "payload ${payload} B, ${seconds} s per measurement after 1 s warm-up; loopback; $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); dotnet $(dotnet --version); node $(node --version)"
echo "grpc-dotnet GC: server process $(gc "$(field "$(cat "$work/cs.out")" serverGc)") GC, client process $(gc "$(field "$dotnet_client" serverGc)") GC (DOTNET_gcServer=1 for server GC)"
