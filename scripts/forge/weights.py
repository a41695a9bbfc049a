"""Seeded random weights under their Hugging Face parameter names.

Every tensor draws from its own generator seeded by (forge seed, crc32 of its name), so a tensor's
values do not depend on which other tensors exist or in which order they are made.

Linear weights are stored transposed relative to PyTorch ([in_features, out_features]), the
layout ONNX exports feed to MatMul. Embedding tables keep PyTorch's [num_embeddings, dim].

Deviation from Hugging Face init, on purpose: norm weights get 1 + small noise and biases small
noise instead of exactly 1 and 0, so a graph that dropped a norm weight or a bias would fail
verification instead of passing by accident.
"""

import zlib

import numpy as np

from specs import head_dim

_NORM_NOISE = 0.05


def _rng(seed, name):
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(name.encode("utf-8"))]))


class WeightFactory:
    def __init__(self, seed, std):
        self.seed = seed
        self.std = std
        self.tensors = {}

    def normal(self, name, shape, std=None):
        scale = self.std if std is None else std
        values = _rng(self.seed, name).standard_normal(shape, dtype=np.float32) * np.float32(scale)
        self.tensors[name] = values
        return name

    def norm_weight(self, name, dim):
        values = np.float32(1.0) + _rng(self.seed, name).standard_normal(dim, dtype=np.float32) * np.float32(_NORM_NOISE)
        self.tensors[name] = values
        return name

    def bias(self, name, dim):
        return self.normal(name, (dim,), std=0.02)


def bert_weights(config, seed, with_classifier):
    h = config["hidden_size"]
    ffn = config["intermediate_size"]
    w = WeightFactory(seed, config["initializer_range"])
    w.normal("embeddings.word_embeddings.weight", (config["vocab_size"], h))
    w.normal("embeddings.position_embeddings.weight", (config["max_position_embeddings"], h))
    w.normal("embeddings.token_type_embeddings.weight", (config["type_vocab_size"], h))
    w.norm_weight("embeddings.LayerNorm.weight", h)
    w.bias("embeddings.LayerNorm.bias", h)
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        for proj in ("query", "key", "value"):
            w.normal(f"{p}attention.self.{proj}.weight", (h, h))
            w.bias(f"{p}attention.self.{proj}.bias", h)
        w.normal(f"{p}attention.output.dense.weight", (h, h))
        w.bias(f"{p}attention.output.dense.bias", h)
        w.norm_weight(f"{p}attention.output.LayerNorm.weight", h)
        w.bias(f"{p}attention.output.LayerNorm.bias", h)
        w.normal(f"{p}intermediate.dense.weight", (h, ffn))
        w.bias(f"{p}intermediate.dense.bias", ffn)
        w.normal(f"{p}output.dense.weight", (ffn, h))
        w.bias(f"{p}output.dense.bias", h)
        w.norm_weight(f"{p}output.LayerNorm.weight", h)
        w.bias(f"{p}output.LayerNorm.bias", h)
    if with_classifier:
        w.normal("pooler.dense.weight", (h, h))
        w.bias("pooler.dense.bias", h)
        labels = len(config.get("id2label", {"0": "LABEL_0"}))
        w.normal("classifier.weight", (h, labels))
        w.bias("classifier.bias", labels)
    return w.tensors


def decoder_weights(config, seed, qkv_bias):
    h = config["hidden_size"]
    hd = head_dim(config)
    q_dim = config["num_attention_heads"] * hd
    kv_dim = config["num_key_value_heads"] * hd
    ffn = config["intermediate_size"]
    w = WeightFactory(seed, config["initializer_range"])
    w.normal("model.embed_tokens.weight", (config["vocab_size"], h))
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w.norm_weight(f"{p}input_layernorm.weight", h)
        for proj, out_dim in (("q_proj", q_dim), ("k_proj", kv_dim), ("v_proj", kv_dim)):
            w.normal(f"{p}self_attn.{proj}.weight", (h, out_dim))
            if qkv_bias:
                w.bias(f"{p}self_attn.{proj}.bias", out_dim)
        w.normal(f"{p}self_attn.o_proj.weight", (q_dim, h))
        w.norm_weight(f"{p}post_attention_layernorm.weight", h)
        w.normal(f"{p}mlp.gate_proj.weight", (h, ffn))
        w.normal(f"{p}mlp.up_proj.weight", (h, ffn))
        w.normal(f"{p}mlp.down_proj.weight", (ffn, h))
    w.norm_weight("model.norm.weight", h)
    return w.tensors
