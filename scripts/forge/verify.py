"""Verifies forged models: runs each ONNX graph in ONNX Runtime (onnxruntime-node, through
tests/node/forge-check/run-onnx.mjs) and compares with the numpy reference in reference.py.

Checks per model: interface (names, element types, metadata), graph vs reference (max abs diff
<= 1e-4); for decoders also cached step-by-step == one full forward, left padding == unpadded,
and greedy decoding that does not repeat one token forever. A decoder whose logits are the last
position's only ([batch, 1, vocab], the default) is compared at the positions it returns: the last
of each forward pass. With --determinism, forges again
into a scratch folder and compares every file byte for byte.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

from reference import bert_forward, cross_encoder_forward, decoder_forward

TOLERANCE = 1e-4
# Valid ids in every forged vocabulary; shared with the transformers.js smoke run.
GREEDY_PROMPT = [9707, 11, 1879, 0]
HERE = os.path.dirname(os.path.abspath(__file__))


class Report:
    def __init__(self):
        self.failures = 0
        self.passes = 0

    def check(self, name, ok, detail):
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)
        if ok:
            self.passes += 1
        else:
            self.failures += 1

    def close(self, name, actual, expected, tolerance=TOLERANCE):
        diff = float(np.max(np.abs(actual.astype(np.float64) - expected))) if actual.size else 0.0
        self.check(name, actual.shape == expected.shape and diff <= tolerance,
                   f"shape {list(actual.shape)} max|diff| {diff:.2e} (tolerance {tolerance:g})")


class NodeRunner:
    """Writes a job for run-onnx.mjs, runs it, reads the results back."""

    def __init__(self, node_dir, scratch):
        self.script = os.path.join(node_dir, "run-onnx.mjs")
        self.scratch = scratch
        self.runs = []

    def tensor(self, run, name, array):
        file = f"{run}.in.{name}.bin"
        array = np.ascontiguousarray(array)
        array.tofile(os.path.join(self.scratch, file))
        return {"dtype": "int64" if array.dtype == np.int64 else "float32", "dims": list(array.shape), "file": file}

    def add(self, name, kind, inputs=None, **extra):
        run = {"name": name, "kind": kind, **extra}
        if inputs is not None:
            run["inputs"] = {k: self.tensor(name, k, v) for k, v in inputs.items()}
        self.runs.append(run)

    def execute(self, model_path):
        job = os.path.join(self.scratch, "job.json")
        results_path = os.path.join(self.scratch, "results.json")
        with open(job, "w", encoding="utf-8") as f:
            json.dump({"model": model_path, "runs": self.runs}, f)
        subprocess.run(["node", self.script, job, results_path], check=True)
        with open(results_path, encoding="utf-8") as f:
            results = json.load(f)
        for run in results["runs"].values():
            for name, spec in run.items():
                if "values" in spec:
                    run[name] = np.array(spec["values"], dtype=np.int64)
                else:
                    dtype = np.int64 if spec["dtype"] == "int64" else np.float32
                    run[name] = np.fromfile(os.path.join(self.scratch, spec["file"]), dtype=dtype).reshape(spec["dims"])
        return results


def _load(model_dir):
    with open(os.path.join(model_dir, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    model = onnx.load(os.path.join(model_dir, "onnx", "model.onnx"))
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer if not t.name.startswith("const_")}
    return config, model, weights


def _logits_positions(model_path):
    """The declared sequence dimension of a decoder's logits: 1 for a last-position head, else a name."""
    output = next(o for o in onnx.load(model_path, load_external_data=False).graph.output if o.name == "logits")
    dim = output.type.tensor_type.shape.dim[1]
    return dim.dim_value if dim.HasField("dim_value") else dim.dim_param


def _check_interface(report, name, config, model, kind):
    meta = {p.key: p.value for p in model.metadata_props}
    report.check(f"{name} metadata", meta.get("forged") == "true" and meta.get("forge_seed") == str(config["rag_forge_seed"])
                 and meta.get("architecture") == config["architectures"][0] and "source_config" in meta,
                 ", ".join(f"{k}={v}" for k, v in meta.items() if k != "forge_recipe"))
    graph_inputs = [i.name for i in model.graph.input]
    graph_outputs = [o.name for o in model.graph.output]
    if kind == "decoder":
        layers = config["num_hidden_layers"]
        want_in = ["input_ids", "attention_mask", "position_ids"] + [
            f"past_key_values.{i}.{t}" for i in range(layers) for t in ("key", "value")]
        want_out = ["logits"] + [f"present.{i}.{t}" for i in range(layers) for t in ("key", "value")]
    else:
        want_in = ["input_ids", "attention_mask", "token_type_ids"]
        want_out = ["logits"] if kind == "cross-encoder" else ["last_hidden_state"]
    report.check(f"{name} interface", graph_inputs == want_in and graph_outputs == want_out,
                 f"inputs {graph_inputs[:4]}{'...' if len(graph_inputs) > 4 else ''} outputs {graph_outputs[:3]}"
                 f"{'...' if len(graph_outputs) > 3 else ''}")


def verify_encoder(report, name, config, weights, runner, model_path, kind):
    rng = np.random.default_rng(7)
    batch, seq = 3, 12
    lengths = [12, 7, 3]
    ids = rng.integers(1000, config["vocab_size"], size=(batch, seq), dtype=np.int64)
    mask = np.zeros((batch, seq), dtype=np.int64)
    types = np.zeros((batch, seq), dtype=np.int64)
    for b, n in enumerate(lengths):
        ids[b, 0], ids[b, n - 1], ids[b, n:] = 101, 102, 0  # [CLS] ... [SEP] [PAD]...
        mask[b, :n] = 1
    types[0, 6:12] = 1  # a sentence pair, as the cross-encoder sees it
    runner.add("batch", "single", {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
    out = runner.execute(model_path)["runs"]["batch"]
    if kind == "cross-encoder":
        report.close(f"{name} logits vs numpy reference", out["logits"], cross_encoder_forward(config, weights, ids, mask, types))
    else:
        expected = bert_forward(config, weights, ids, mask, types)
        report.close(f"{name} last_hidden_state vs numpy reference", out["last_hidden_state"], expected)


def _hf_position_ids(mask):
    # What generate() does for left-padded batches: cumsum - 1, padding positions set to 1.
    positions = np.cumsum(mask, axis=1) - 1
    return np.where(mask == 0, 1, positions).astype(np.int64)


def _returned_positions(last_only, chunks):
    """Sequence positions whose logits a run returns: every fed one, or each forward pass's last."""
    ends = np.cumsum(chunks) - 1
    return ends if last_only else np.arange(int(ends[-1]) + 1)


def verify_decoder(report, name, config, weights, runner, model_path, size, last_only):
    rng = np.random.default_rng(11)
    vocab, layers = config["vocab_size"], config["num_hidden_layers"]
    kv_heads = config["num_key_value_heads"]
    hd = config.get("head_dim") or config["hidden_size"] // config["num_attention_heads"]
    dims = {"kv_heads": kv_heads, "head_dim": hd}
    seq, pad = 10, 4
    ids = rng.integers(0, vocab, size=(2, seq), dtype=np.int64)
    ones = np.ones((2, seq), dtype=np.int64)
    positions = np.tile(np.arange(seq, dtype=np.int64), (2, 1))
    empty = {}
    for i in range(layers):
        for t in ("key", "value"):
            empty[f"past_key_values.{i}.{t}"] = np.zeros((2, kv_heads, 0, hd), dtype=np.float32)
    runner.add("full", "single", {"input_ids": ids, "attention_mask": ones, "position_ids": positions, **empty})
    runner.add("chunked", "chunked", {"input_ids": ids, "attention_mask": ones, "position_ids": positions},
               chunks=[4] + [1] * (seq - 4), **dims)

    # Row 1 of the padded batch is row 1's last seq - pad tokens, left padded.
    padded_ids = ids.copy()
    padded_ids[1, :pad] = config.get("pad_token_id") or config["bos_token_id"]
    padded_mask = ones.copy()
    padded_mask[1, :pad] = 0
    padded_positions = _hf_position_ids(padded_mask)
    short = {"input_ids": ids[1:, pad:], "attention_mask": ones[1:, pad:],
             "position_ids": np.arange(seq - pad, dtype=np.int64)[None]}
    runner.add("padded", "single", {"input_ids": padded_ids, "attention_mask": padded_mask, "position_ids": padded_positions, **empty})
    runner.add("short", "single", {**short, **{k: v[:1] for k, v in empty.items()}})
    runner.add("padded_chunked", "chunked", {"input_ids": padded_ids, "attention_mask": padded_mask, "position_ids": padded_positions},
               chunks=[7, 1, 1, 1], **dims)
    runner.add("greedy", "greedy", prompt=GREEDY_PROMPT, steps=16, **dims)
    runs = runner.execute(model_path)["runs"]

    full = runs["full"]
    ref_logits, ref_presents = decoder_forward(config, weights, ids, ones, positions)
    at_full = _returned_positions(last_only, [seq])
    report.close(f"{name} logits vs numpy reference", full["logits"], ref_logits[:, at_full])
    worst = max(float(np.max(np.abs(full[f"present.{i}.{t}"] - ref_presents[i][j])))
                for i in range(layers) for j, t in enumerate(("key", "value")))
    report.check(f"{name} present.* vs numpy reference (keys after RoPE)", worst <= TOLERANCE, f"max|diff| {worst:.2e}")

    chunked = runs["chunked"]
    at_chunks = _returned_positions(last_only, [4] + [1] * (seq - 4))
    report.close(f"{name} cached step-by-step logits == full forward", chunked["logits"], ref_logits[:, at_chunks])
    report.close(f"{name} cached last logits == one full pass's", chunked["logits"][:, -1:], full["logits"][:, -1:].astype(np.float64))
    report.close(f"{name} cached present.{layers - 1}.key == full forward", chunked[f"present.{layers - 1}.key"],
                 full[f"present.{layers - 1}.key"].astype(np.float64))

    padded = runs["padded"]
    at_padded = _returned_positions(last_only, [seq])
    kept = at_padded >= pad  # row 1's returned positions that are not padding: the short run's, shifted by pad
    report.close(f"{name} left-padded row == unpadded run", padded["logits"][1:, kept], runs["short"]["logits"].astype(np.float64))
    report.close(f"{name} unpadded row in padded batch == full forward", padded["logits"][:1], full["logits"][:1].astype(np.float64))
    ref_padded, _ = decoder_forward(config, weights, padded_ids, padded_mask, padded_positions)
    report.close(f"{name} left-padded logits vs numpy reference", padded["logits"][1:, kept], ref_padded[1:, at_padded[kept]])
    at_padded_chunks = _returned_positions(last_only, [7, 1, 1, 1])
    kept_chunks = at_padded_chunks >= pad
    report.close(f"{name} left-padded cached step-by-step == full", runs["padded_chunked"]["logits"][1:, kept_chunks],
                 ref_padded[1:, at_padded_chunks[kept_chunks]])

    tokens = runs["greedy"]["tokens"]
    spread = float(full["logits"].std(axis=-1).mean())
    distinct = len(set(tokens.tolist()))
    detail = f"{distinct} distinct of {len(tokens)} greedy tokens {tokens.tolist()}, mean logit std {spread:.2f}"
    if size == "tiny":
        report.check(f"{name} not degenerate", distinct >= 4 and spread >= 0.5, detail)
    else:
        print(f"INFO {name} greedy: {detail}")
    return tokens


def verify_transformers_js(report, args, greedy, hidden_sizes):
    """Loads the models the way transformers.js users do (local folder, no hub) and checks that
    its generate() agrees token for token with the plain ONNX Runtime greedy loop."""
    scratch = tempfile.mkdtemp(prefix="forge-transformers-js-")
    try:
        results_path = os.path.join(scratch, "smoke.json")
        subprocess.run(["node", os.path.join(args.node_dir, "smoke-transformers.mjs"), args.out, results_path,
                        ",".join(map(str, GREEDY_PROMPT)), ",".join(hidden_sizes)], check=True, stdout=subprocess.DEVNULL)
        with open(results_path, encoding="utf-8") as f:
            seen = json.load(f)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if "minilm-embedder" in hidden_sizes:
        e = seen.get("minilm-embedder", {})
        report.check("minilm-embedder transformers.js feature-extraction", e.get("dims") == [2, hidden_sizes["minilm-embedder"]]
                     and all(abs(n - 1.0) < 1e-4 for n in e.get("norms", [])), f"dims {e.get('dims')}, norms {e.get('norms')}")
    if "minilm-reranker" in hidden_sizes:
        r = seen.get("minilm-reranker", {})
        report.check("minilm-reranker transformers.js sequence classification", r.get("dims") == [2, 1]
                     and all(np.isfinite(r.get("logits", [np.nan]))), f"logits {r.get('logits')}")
    for name, tokens in greedy.items():
        entry = seen.get(name, {})
        theirs = entry.get("greedy_tokens")
        detail = f"transformers.js {theirs} vs ONNX Runtime loop {tokens[:8].tolist()}"
        if "chat_reply" in entry:
            detail += f"; chat template prompt of {entry['chat_prompt_tokens']} tokens -> {entry['chat_reply']!r}"
        report.check(f"{name} transformers.js generate() == greedy loop", theirs == tokens[:8].tolist(), detail)


def _tree_digests(root):
    digests = {}
    for folder, _, names in os.walk(root):
        for n in names:
            path = os.path.join(folder, n)
            with open(path, "rb") as f:
                digests[os.path.relpath(path, root)] = hashlib.sha256(f.read()).hexdigest()
    return digests


def verify_determinism(report, args, models):
    scratch = tempfile.mkdtemp(prefix="forge-determinism-")
    try:
        subprocess.run([sys.executable, os.path.join(HERE, "forge.py"), "--size", args.size, "--seed", str(args.seed),
                        "--models", ",".join(models), "--out", scratch, "--shared", args.shared, "--force",
                        "--logits", args.logits], check=True)
        for name in models:
            first, second = _tree_digests(os.path.join(args.out, name)), _tree_digests(os.path.join(scratch, name))
            report.check(f"{name} byte-identical re-forge (seed {args.seed})", first == second,
                         f"{len(first)} files, onnx/model.onnx sha256 {first.get('onnx/model.onnx', '?')[:16]}...")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    parser.add_argument("--models", required=True)
    parser.add_argument("--node-dir", required=True)
    parser.add_argument("--size", default="tiny")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--shared", required=True)
    parser.add_argument("--determinism", action="store_true")
    parser.add_argument("--logits", choices=("last", "all"), default="last")
    args = parser.parse_args()
    models = [m for m in args.models.split(",") if m]

    report = Report()
    greedy = {}
    hidden_sizes = {}
    for name in models:
        model_dir = os.path.join(args.out, name)
        config, model, weights = _load(model_dir)
        kind = "decoder" if config["model_type"] in ("qwen2", "llama") else (
            "cross-encoder" if config["architectures"][0] == "BertForSequenceClassification" else "encoder")
        hidden_sizes[name] = config["hidden_size"]
        _check_interface(report, name, config, model, kind)
        del model
        scratch = tempfile.mkdtemp(prefix=f"forge-verify-{name}-")
        try:
            runner = NodeRunner(args.node_dir, scratch)
            model_path = os.path.join(model_dir, "onnx", "model.onnx")
            if kind == "decoder":
                last_only = _logits_positions(model_path) == 1
                greedy[name] = verify_decoder(report, name, config, weights, runner, model_path, args.size, last_only)
            else:
                verify_encoder(report, name, config, weights, runner, model_path, kind)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    verify_transformers_js(report, args, greedy, hidden_sizes)
    if args.determinism:
        verify_determinism(report, args, models)
    print(f"verify: {report.passes} passed, {report.failures} failed")
    sys.exit(1 if report.failures else 0)


if __name__ == "__main__":
    main()
