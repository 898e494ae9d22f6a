#!/usr/bin/env python3
"""Summarise an `r1 grpo` run directory: held-out evaluation curves and training reward.

Reads RUN/metrics.jsonl (training lines and `eval/...` lines written by held-out evaluations) and writes to
OUT (default RUN):
  - curves.png         held-out pass@1 and greedy accuracy, training reward (and its 10-step mean),
                       mean completion length (held-out and training), against the step
  - eval_table.md      one row per evaluation: step, held-out pass@1, greedy accuracy, mean length,
                       training reward (mean of the steps since the previous evaluation)
  - metrics.jsonl      the metrics trimmed to the figures in the plot and table (small enough to commit)

Run:  python3 -m pip install matplotlib   (any recent version)
      python3 Scripts/plot_run.py runs/smollm2-mul --out docs/results/smollm2-arithmetic --title "..."
"""
import argparse
import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

TRAIN_KEYS = ["reward", "reward_std", "accuracy", "completions/mean_length", "completions/clipped_ratio", "kl", "entropy",
              "grad_norm", "learning_rate", "frac_reward_zero_std", "step_time"]
EVAL_PREFIX = "eval/"


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run", help="run directory of r1 grpo (holds metrics.jsonl)")
    parser.add_argument("--out", help="output directory (default: the run directory)")
    parser.add_argument("--title", default=None, help="plot title")
    args = parser.parse_args()
    out = args.out or args.run
    os.makedirs(out, exist_ok=True)
    lines = read_lines(os.path.join(args.run, "metrics.jsonl"))
    train = [l for l in lines if "reward" in l]
    evals = [l for l in lines if "eval/pass@1" in l]
    if not evals:
        raise SystemExit(f"{args.run}/metrics.jsonl has no eval/pass@1 lines: run with run.eval_steps > 0")

    # Trimmed metrics: step + the figures used here.
    with open(os.path.join(out, "metrics.jsonl"), "w", encoding="utf-8") as f:
        for l in lines:
            keep = {k: v for k, v in l.items() if k == "step" or k in TRAIN_KEYS or k.startswith(EVAL_PREFIX)}
            f.write(json.dumps(keep, sort_keys=True) + "\n")

    # Table: training reward averaged over the steps since the previous evaluation.
    rows = []
    previous = 0
    for e in evals:
        step = e["step"]
        window = [t["reward"] for t in train if previous < t["step"] <= step]
        reward = sum(window) / len(window) if window else None
        rows.append((step, e["eval/pass@1"], e.get("eval/greedy_accuracy"), e.get("eval/mean_length"), reward))
        previous = step
    with open(os.path.join(out, "eval_table.md"), "w", encoding="utf-8") as f:
        f.write("| step | held-out pass@1 | greedy accuracy | mean length (tokens) | training reward (steps since previous eval) |\n")
        f.write("| ---: | ---: | ---: | ---: | ---: |\n")
        for step, p1, greedy, length, reward in rows:
            fmt = lambda x, pct=True: "–" if x is None else (f"{100 * x:.1f} %" if pct else f"{x:.1f}")
            f.write(f"| {step} | {fmt(p1)} | {fmt(greedy)} | {fmt(length, False)} | {'–' if reward is None else f'{reward:.3f}'} |\n")

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    ax = axes[0]
    ax.plot([e["step"] for e in evals], [100 * e["eval/pass@1"] for e in evals], "o-", label="held-out pass@1 (sampled)")
    if any("eval/greedy_accuracy" in e for e in evals):
        ax.plot([e["step"] for e in evals if "eval/greedy_accuracy" in e],
                [100 * e["eval/greedy_accuracy"] for e in evals if "eval/greedy_accuracy" in e], "s-", label="held-out greedy accuracy")
    if train:
        steps = [t["step"] for t in train]
        rewards = [100 * t["reward"] for t in train]
        ax.plot(steps, rewards, color="0.75", lw=0.8, label="training reward (×100)")
        smooth = [sum(rewards[max(0, i - 9):i + 1]) / len(rewards[max(0, i - 9):i + 1]) for i in range(len(rewards))]
        ax.plot(steps, smooth, color="0.35", lw=1.5, label="training reward, 10-step mean (×100)")
    ax.set_xlabel("GRPO step")
    ax.set_ylabel("%")
    ax.set_ylim(0, 100)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("accuracy")
    ax = axes[1]
    ax.plot([e["step"] for e in evals], [e["eval/mean_length"] for e in evals], "o-", label="held-out mean length")
    if train:
        ax.plot([t["step"] for t in train], [t.get("completions/mean_length", float("nan")) for t in train], color="0.6",
                lw=0.8, label="training mean length")
    ax.set_xlabel("GRPO step")
    ax.set_ylabel("tokens")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("completion length")
    if args.title:
        fig.suptitle(args.title)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "curves.png"), dpi=110)
    print(f"wrote {out}/curves.png, eval_table.md, metrics.jsonl ({len(lines)} lines, {len(evals)} evaluations)")


if __name__ == "__main__":
    main()
