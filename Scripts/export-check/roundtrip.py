#!/usr/bin/env python3
"""Checks models written by `r1 export` against the reference implementations.

  roundtrip.py hf   --model DIR  --swift LOGPROBS.json --text-file TEXT [--rtol 1e-4] [--corpus FILE]
      Loads DIR with PyPI transformers (AutoTokenizer + AutoModelForCausalLM, float32, CPU), encodes the text and
      requires the ids SwiftR1 used (`r1 logprobs --json`), then requires every token log-probability
      log p(t_i | t_<i) to agree: |transformers − SwiftR1| ≤ rtol · max(1, |SwiftR1|).
  roundtrip.py gguf --model FILE --swift GENERATE.json [--corpus FILE] [--hf DIR]
      Loads FILE with PyPI llama-cpp-python (llama.cpp), requires llama.cpp's tokenization of the prompt to equal
      SwiftR1's prompt ids, then decodes greedily (arg-max of llama.cpp's logits) for as many tokens as SwiftR1
      generated (`r1 generate --json --temperature 0`) and requires the same token ids, hence the same text.
      With --corpus and --hf, every corpus line must tokenize identically in llama.cpp and in the exported
      tokenizer.json (HF tokenizers).

Exits 0 when everything agrees, 1 with a message naming the first mismatch otherwise, 2 on bad usage.
Run (deps from PyPI: `pip install torch transformers llama-cpp-python numpy`); Scripts/export-check/run.sh
drives it end to end.
"""
import argparse
import json
import sys


def fail(message: str) -> None:
    print(f"MISMATCH: {message}", file=sys.stderr)
    sys.exit(1)


def corpus_lines(path):
    if not path:
        return []
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n").replace("\\n", "\n") for line in f if line.strip()]


def check_hf(args) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    with open(args.swift, encoding="utf-8") as f:
        swift = json.load(f)
    with open(args.text_file, encoding="utf-8") as f:
        text = f.read()
    swift_ids = [t["id"] for t in swift["tokens"]]
    tokenizer = AutoTokenizer.from_pretrained(args.model)
    ids = tokenizer(text, add_special_tokens=True)["input_ids"]
    if ids != swift_ids:
        first = next((i for i, (a, b) in enumerate(zip(ids, swift_ids)) if a != b), min(len(ids), len(swift_ids)))
        fail(f"{args.model}: transformers tokenizes the text into {len(ids)} ids, SwiftR1 into {len(swift_ids)}; "
             f"first difference at position {first}: {ids[first:first + 5]} vs {swift_ids[first:first + 5]}")
    for line in corpus_lines(args.corpus):
        again = tokenizer.decode(tokenizer(line, add_special_tokens=False)["input_ids"])
        if again != line:
            fail(f"{args.model}: tokenizer.json does not round-trip {line!r} (decodes to {again!r})")
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32)
    model.eval()
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0].double()
    logprobs = torch.log_softmax(logits, dim=-1)
    worst, worst_at = 0.0, -1
    for i in range(1, len(ids)):
        ours = swift["tokens"][i]["logprob"]
        theirs = logprobs[i - 1, ids[i]].item()
        error = abs(theirs - ours) / max(1.0, abs(ours))
        if error > worst:
            worst, worst_at = error, i
    print(f"hf {args.model}: {len(ids) - 1} token log-probs, worst relative difference {worst:.2e} at position "
          f"{worst_at} (tolerance {args.rtol:g}); total log p transformers "
          f"{sum(logprobs[i - 1, ids[i]].item() for i in range(1, len(ids))):.5f} vs SwiftR1 {swift['total_logprob']:.5f}")
    if not worst <= args.rtol:
        fail(f"{args.model}: log p of token {worst_at} ({ids[worst_at]}) differs by {worst:.2e} relative "
             f"(transformers {logprobs[worst_at - 1, ids[worst_at]].item():.6f}, "
             f"SwiftR1 {swift['tokens'][worst_at]['logprob']:.6f}); tolerance {args.rtol:g}")


def check_gguf(args) -> None:
    import numpy as np
    from llama_cpp import Llama

    with open(args.swift, encoding="utf-8") as f:
        swift = json.load(f)
    prompt_ids = swift["prompt_tokens"]
    completion = swift["completions"][0]
    swift_out = completion["tokens"]
    llm = Llama(model_path=args.model, n_ctx=max(256, len(prompt_ids) + len(swift_out) + 8), n_threads=2,
                n_batch=512, seed=0, logits_all=True, verbose=False)
    ids = llm.tokenize(swift["prompt"].encode("utf-8"), add_bos=False, special=True)
    if llm.metadata.get("tokenizer.ggml.add_bos_token") == "true" and llm.token_bos() >= 0:
        ids = [llm.token_bos()] + ids
    if ids != prompt_ids:
        fail(f"{args.model}: llama.cpp tokenizes the prompt into {ids}, SwiftR1 into {prompt_ids}")
    if args.corpus and args.hf:
        from tokenizers import Tokenizer
        hf = Tokenizer.from_file(f"{args.hf}/tokenizer.json")
        for line in corpus_lines(args.corpus):
            a = llm.tokenize(line.encode("utf-8"), add_bos=False, special=True)
            b = hf.encode(line, add_special_tokens=False).ids
            if a != b:
                fail(f"corpus line {line!r}: llama.cpp ids {a} != tokenizer.json ids {b}")
    llm.reset()
    llm.eval(prompt_ids)
    generated = []
    for step in range(len(swift_out)):
        scores = np.asarray(llm.scores[llm.n_tokens - 1], dtype=np.float64)
        token = int(np.argmax(scores))
        if token != swift_out[step]:
            order = np.argsort(-scores)
            margin = scores[order[0]] - scores[swift_out[step]]
            text_so_far = llm.detokenize(generated).decode("utf-8", errors="replace")
            fail(f"{args.model}: greedy token {step} is {token} in llama.cpp but {swift_out[step]} in SwiftR1 "
                 f"(llama.cpp logit margin {margin:.4f}); common text so far {text_so_far!r}")
        generated.append(token)
        llm.eval([token])
    text = llm.detokenize(generated).decode("utf-8", errors="replace")
    print(f"gguf {args.model}: {len(generated)} greedy tokens identical to SwiftR1: {text!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="kind", required=True)
    hf = sub.add_parser("hf", help="compare an exported Hugging Face folder with SwiftR1's log-probs")
    hf.add_argument("--model", required=True)
    hf.add_argument("--swift", required=True, help="output of `r1 logprobs --json`")
    hf.add_argument("--text-file", required=True, help="the text that was scored")
    hf.add_argument("--rtol", type=float, default=1e-4)
    hf.add_argument("--corpus", help="lines the tokenizer must decode back exactly")
    gg = sub.add_parser("gguf", help="compare an exported GGUF file with SwiftR1's greedy generation")
    gg.add_argument("--model", required=True)
    gg.add_argument("--swift", required=True, help="output of `r1 generate --json --temperature 0`")
    gg.add_argument("--corpus", help="lines llama.cpp and tokenizer.json must tokenize identically")
    gg.add_argument("--hf", help="exported Hugging Face folder whose tokenizer.json to compare with")
    args = parser.parse_args()
    if args.kind == "hf":
        check_hf(args)
    else:
        check_gguf(args)


if __name__ == "__main__":
    main()
