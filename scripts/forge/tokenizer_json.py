#!/usr/bin/python3
"""Write a Hugging Face tokenizer.json for a Qwen2 byte-level BPE tokenizer (stdlib only).

Reads vocab.json, merges.txt and the added tokens (tokenizer_config.json's added_tokens_decoder, else
added_tokens.json with special flags from special_tokens_map.json) and writes the pipeline that
Qwen2TokenizerFast saves: NFC normalizer; Sequence[Split(Qwen2 regex, Isolated), ByteLevel(no prefix space,
no regex)]; ByteLevel post-processor and decoder; BPE model with the merges in rank order.

usage: tokenizer_json.py SOURCE_DIR [--out FILE]   (default FILE: SOURCE_DIR/tokenizer.json)
"""
import argparse
import json
import os
import sys

QWEN2_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
                 r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")

BYTE_LEVEL = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def token_content(value):
    if isinstance(value, dict):
        return value.get("content")
    return value


def read_merges(path):
    merges = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line or line.startswith("#version"):
                continue
            parts = line.split(" ")
            if len(parts) != 2:
                raise ValueError(f"malformed merge line: {line!r}")
            merges.append(line)
    return merges


def read_added_tokens(source):
    config_path = os.path.join(source, "tokenizer_config.json")
    config = read_json(config_path) if os.path.exists(config_path) else {}
    decoder = config.get("added_tokens_decoder")
    if decoder:
        tokens = []
        for token_id, token in decoder.items():
            special = bool(token.get("special", False))
            tokens.append({
                "id": int(token_id),
                "content": token["content"],
                "single_word": bool(token.get("single_word", False)),
                "lstrip": bool(token.get("lstrip", False)),
                "rstrip": bool(token.get("rstrip", False)),
                "normalized": bool(token.get("normalized", not special)),
                "special": special,
            })
        return sorted(tokens, key=lambda t: t["id"])

    added_path = os.path.join(source, "added_tokens.json")
    if not os.path.exists(added_path):
        return []
    special_names = set()
    for name in ("special_tokens_map.json", "tokenizer_config.json"):
        path = os.path.join(source, name)
        if not os.path.exists(path):
            continue
        data = read_json(path)
        for key in ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"):
            content = token_content(data.get(key))
            if content:
                special_names.add(content)
        for value in data.get("additional_special_tokens", []) or []:
            content = token_content(value)
            if content:
                special_names.add(content)
    tokens = []
    for content, token_id in sorted(read_json(added_path).items(), key=lambda kv: kv[1]):
        tokens.append({"id": token_id, "content": content, "single_word": False, "lstrip": False,
                       "rstrip": False, "normalized": False, "special": content in special_names})
    return tokens


def build(source):
    vocab = read_json(os.path.join(source, "vocab.json"))
    ordered_vocab = dict(sorted(vocab.items(), key=lambda kv: kv[1]))
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": read_added_tokens(source),
        "normalizer": {"type": "NFC"},
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": QWEN2_PATTERN}, "behavior": "Isolated", "invert": False},
                dict(BYTE_LEVEL),
            ],
        },
        "post_processor": dict(BYTE_LEVEL),
        "decoder": dict(BYTE_LEVEL),
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": None,
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "",
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": ordered_vocab,
            "merges": read_merges(os.path.join(source, "merges.txt")),
        },
    }


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", help="directory with vocab.json, merges.txt and tokenizer_config.json")
    parser.add_argument("--out", help="output file (default: SOURCE/tokenizer.json)")
    args = parser.parse_args(argv)
    out = args.out or os.path.join(args.source, "tokenizer.json")
    tokenizer = build(args.source)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False, indent=2)
        f.write("\n")
    os.replace(tmp, out)
    print(f"wrote {out}: {len(tokenizer['model']['vocab'])} tokens, {len(tokenizer['model']['merges'])} merges, "
          f"{len(tokenizer['added_tokens'])} added tokens")


if __name__ == "__main__":
    main(sys.argv[1:])
