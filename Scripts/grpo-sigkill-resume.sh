#!/usr/bin/env bash
# Exact-resume check of `r1 grpo` under SIGKILL: trains N steps uninterrupted, then trains the same run,
# kills it with SIGKILL once the step-K checkpoint exists (mid-way through step K+1), resumes with --resume,
# and compares the final weights.safetensors byte for byte.
#
# Usage: Scripts/grpo-sigkill-resume.sh R1_BINARY MODEL.gguf [WORKDIR]
#   e.g. swift build -c release && Scripts/grpo-sigkill-resume.sh .build/release/r1 SmolLM2-135M-Instruct.Q4_1.gguf
# Exit status 0 when the weights are identical.
set -euo pipefail
r1=$1; model=$2; work=${3:-$(mktemp -d)}
steps=4; kill_after=2
settings=(--set max_steps=$steps --set save_steps=1 --set prompts_per_step=2 --set num_generations=4
          --set per_device_train_batch_size=8 --set gradient_accumulation_steps=1 --set max_completion_length=16
          --set learning_rate=1e-5 --set beta=0.04 --set reference_reset_steps=2 --set reward_funcs=accuracy
          --set run.keep_checkpoints=0)
common=(--model "$model" --task arithmetic --threads 2 "${settings[@]}")
rm -rf "$work/straight" "$work/killed"
"$r1" grpo "${common[@]}" --output "$work/straight" > "$work/straight.log"
"$r1" grpo "${common[@]}" --output "$work/killed" > "$work/killed-1.log" &
pid=$!
checkpoint=$(printf "%s/killed/checkpoints/step-%08d/manifest.json" "$work" "$kill_after")
while [ ! -f "$checkpoint" ]; do
    kill -0 $pid 2>/dev/null || { echo "the run ended before step $kill_after was saved"; exit 2; }
    sleep 0.2
done
sleep 1   # now inside step kill_after + 1
kill -KILL $pid; wait $pid 2>/dev/null || true
echo "killed after: $(ls "$work/killed/checkpoints" | tr '\n' ' ')"
"$r1" grpo "${common[@]}" --output "$work/killed" --resume > "$work/killed-2.log"
for name in weights.safetensors optimizer.safetensors; do
    final=$(printf "checkpoints/step-%08d/%s" "$steps" "$name")
    if cmp "$work/straight/$final" "$work/killed/$final"; then
        echo "identical: $final (uninterrupted vs SIGKILL in step $((kill_after + 1)) + resume)"
    else
        echo "DIFFERENT: $final"; exit 1
    fi
done
