"""Forges ONNX models of the real architectures with seeded random weights.

Writes <out>/<name>/ in the transformers.js / Optimum layout: config.json, the tokenizer files,
onnx/model.onnx (+ onnx/model.onnx_data when the weights pass ~1.9 GB) and forge.json (the recipe
that produced it; a model whose recipe is unchanged is skipped).

Run through scripts/forge-models.sh; see --help.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

import onnx

from bert_graph import build_bert
from decoder_graph import build_decoder
from graph_builder import finish_model
from specs import MODEL_NAMES, SIZES, load_spec, sized_config
from weights import bert_weights, decoder_weights

# Bump when the output changes in a way the source hash below would not catch.
FORGE_VERSION = "1"
DEFAULT_SEED = 1234
# Protobuf cannot serialize a message past 2 GB; stay clear of it.
EXTERNAL_DATA_THRESHOLD = 1_900_000_000
HERE = os.path.dirname(os.path.abspath(__file__))
# The files whose content determines the forged bytes (verification code is not among them).
_RECIPE_SOURCES = ("forge.py", "specs.py", "weights.py", "graph_builder.py", "bert_graph.py", "decoder_graph.py")
TOKENIZER_JSON_TOOL = os.path.join(HERE, "tokenizer_json.py")


def _sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def recipe(spec, size, seed, shared_dir, logits):
    inputs = {name: _sha256_file(os.path.join(HERE, name)) for name in _RECIPE_SOURCES}
    for rel in spec.tokenizer_files:
        inputs[rel] = _sha256_file(os.path.join(shared_dir, rel))
    if spec.builds_tokenizer_json and os.path.exists(TOKENIZER_JSON_TOOL):
        inputs["tokenizer_json.py"] = _sha256_file(TOKENIZER_JSON_TOOL)
    body = {"forge_version": FORGE_VERSION, "model": spec.name, "size": size, "seed": seed,
            "config": spec.config, "inputs": inputs}
    if spec.kind == "decoder":
        body["logits"] = logits
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()
    return digest, body


def _up_to_date(target, digest):
    manifest = os.path.join(target, "forge.json")
    if not os.path.exists(manifest):
        return False
    with open(manifest, encoding="utf-8") as f:
        recorded = json.load(f)
    if recorded.get("recipe_hash") != digest:
        return False
    return all(os.path.exists(os.path.join(target, rel)) and os.path.getsize(os.path.join(target, rel)) == size
               for rel, size in recorded.get("files", {}).items())


def build_model(spec, config, seed, logits):
    if spec.kind == "decoder":
        weights = decoder_weights(config, seed, qkv_bias=config["model_type"] == "qwen2")
        builder, inputs, outputs = build_decoder(config, weights, with_bias=config["model_type"] == "qwen2", logits=logits)
    else:
        with_classifier = spec.kind == "cross-encoder"
        weights = bert_weights(config, seed, with_classifier)
        builder, inputs, outputs = build_bert(config, weights, with_classifier)
    weight_bytes = sum(t.ByteSize() for t in builder.initializers)
    return builder, inputs, outputs, weight_bytes


def _write_json(path, value):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write("\n")


def _tokenizer_json(spec, shared_dir, dest):
    """Qwen2.5 ships vocab.json + merges.txt; transformers.js needs a tokenizer.json built from them."""
    if not spec.builds_tokenizer_json:
        return "copied"
    if not os.path.exists(TOKENIZER_JSON_TOOL):
        print(f"forge: {spec.name}: scripts/forge/tokenizer_json.py missing; no tokenizer.json written", file=sys.stderr)
        return "vocab files only (tokenizer_json.py missing)"
    source = os.path.join(shared_dir, os.path.dirname(spec.tokenizer_files[0]))
    subprocess.run([sys.executable, TOKENIZER_JSON_TOOL, source, "--out", os.path.join(dest, "tokenizer.json")], check=True)
    return "tokenizer.json built by tokenizer_json.py"


def forge_one(spec, size, seed, out_dir, shared_dir, force, logits):
    target = os.path.join(out_dir, spec.name)
    digest, body = recipe(spec, size, seed, shared_dir, logits)
    if not force and _up_to_date(target, digest):
        print(f"forge: {spec.name} ({size}, seed {seed}) up to date")
        return
    started = time.monotonic()
    staging = os.path.join(out_dir, f".{spec.name}.staging-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(os.path.join(staging, "onnx"))
    try:
        for rel in spec.tokenizer_files:
            shutil.copyfile(os.path.join(shared_dir, rel), os.path.join(staging, os.path.basename(rel)))
        tokenizer_note = _tokenizer_json(spec, shared_dir, staging) if spec.tokenizer_files else "none (config only)"

        # The config decides the shapes; whether weights go external depends on their size.
        config = sized_config(spec, size, seed, external_data=False)
        builder, inputs, outputs, weight_bytes = build_model(spec, config, seed, logits)
        external = weight_bytes > EXTERNAL_DATA_THRESHOLD
        if external:
            config = sized_config(spec, size, seed, external_data=True)
        _write_json(os.path.join(staging, "config.json"), config)

        metadata = [
            ("forged", "true"),
            ("forge_seed", seed),
            ("forge_size", size),
            ("forge_version", FORGE_VERSION),
            ("forge_recipe", digest),
            ("architecture", spec.architecture),
            ("model_type", config["model_type"]),
            ("source_config", spec.source_config),
            ("linear_weight_layout", "[in_features, out_features] (transposed from PyTorch)"),
        ]
        if spec.kind == "decoder":
            metadata.append(("logits", "every position" if logits == "all" else "last position only"))
        doc = f"Forged {spec.architecture} ({size}) with seeded random weights; not a trained model."
        model = finish_model(builder, spec.name, inputs, outputs, metadata, doc, FORGE_VERSION)
        del builder
        model_path = os.path.join(staging, "onnx", "model.onnx")
        if external:
            onnx.save_model(model, model_path, save_as_external_data=True, all_tensors_to_one_file=True,
                            location="model.onnx_data", size_threshold=1024)
        else:
            onnx.save_model(model, model_path)
        del model
        onnx.checker.check_model(model_path, full_check=True)

        files = {}
        for root, _, names in os.walk(staging):
            for name in names:
                path = os.path.join(root, name)
                files[os.path.relpath(path, staging)] = os.path.getsize(path)
        _write_json(os.path.join(staging, "forge.json"), {
            "recipe_hash": digest, "recipe": body, "tokenizer": tokenizer_note,
            "external_data": external, "files": dict(sorted(files.items())),
        })
        _replace_dir(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    megabytes = sum(files.values()) / 1e6
    print(f"forge: {spec.name} ({size}, seed {seed}) -> {target} [{megabytes:.1f} MB, {time.monotonic() - started:.1f} s]")


def _replace_dir(staging, target):
    # Readers either see the old complete model or the new one, never a half-written file.
    old = f"{target}.old-{os.getpid()}"
    if os.path.exists(target):
        os.rename(target, old)
    os.rename(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=SIZES, default="tiny")
    parser.add_argument("--models", default=",".join(MODEL_NAMES), help="comma-separated subset of " + ", ".join(MODEL_NAMES))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", required=True)
    parser.add_argument("--shared", required=True, help="the shared folder holding models/ (real tokenizers and configs)")
    parser.add_argument("--force", action="store_true", help="forge even when the recipe is unchanged")
    parser.add_argument("--logits", choices=("last", "all"), default="last",
                        help="decoders: logits of the last position only (default), or of every position with an "
                             "Optimum-style MatMul head (what pulled exports compute)")
    args = parser.parse_args(argv)

    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in MODEL_NAMES]
    if unknown or not models:
        parser.error(f"--models: unknown {unknown or 'empty list'}; known: {', '.join(MODEL_NAMES)}")
    shared_models = os.path.join(args.shared, "models")
    os.makedirs(args.out, exist_ok=True)
    for name in models:
        forge_one(load_spec(name, shared_models), args.size, args.seed, args.out, shared_models, args.force, args.logits)


if __name__ == "__main__":
    main()
