"""BERT encoder (BertModel) and cross-encoder (BertForSequenceClassification) as ONNX graphs.

Interface as in the Optimum / transformers.js exports: input_ids, attention_mask, token_type_ids
(int64 [batch_size, sequence_length]) -> last_hidden_state [batch_size, sequence_length, hidden]
or logits [batch_size, num_labels]. Pooling and normalisation of embeddings are the runtime's
job, as in the Xenova exports.
"""

import math

import numpy as np

from graph_builder import FLOAT, INT64, GraphBuilder, tensor_info


def _layer_norm(g, x, prefix, eps):
    return g.op("LayerNormalization", [x, f"{prefix}.weight", f"{prefix}.bias"], axis=-1, epsilon=eps)


def _gelu_erf(g, x):
    # The exact erf form BERT uses (hidden_act "gelu"); opset 17 has no Gelu operator.
    scaled = g.op("Div", [x, g.f32(math.sqrt(2.0))])
    one_plus = g.op("Add", [g.op("Erf", [scaled]), g.f32(1.0)])
    return g.op("Mul", [g.op("Mul", [x, one_plus]), g.f32(0.5)])


def _split_heads(g, x, heads, hd, perm):
    return g.op("Transpose", [g.op("Reshape", [x, g.i64([0, 0, heads, hd])])], perm=perm)


def _attention(g, x, prefix, config, additive_mask):
    heads = config["num_attention_heads"]
    hd = config["hidden_size"] // heads
    q = _split_heads(g, g.linear(x, f"{prefix}.self.query.weight", f"{prefix}.self.query.bias"), heads, hd, [0, 2, 1, 3])
    k_t = _split_heads(g, g.linear(x, f"{prefix}.self.key.weight", f"{prefix}.self.key.bias"), heads, hd, [0, 2, 3, 1])
    v = _split_heads(g, g.linear(x, f"{prefix}.self.value.weight", f"{prefix}.self.value.bias"), heads, hd, [0, 2, 1, 3])
    scores = g.op("Div", [g.op("MatMul", [q, k_t]), g.f32(math.sqrt(hd))])
    probs = g.op("Softmax", [g.op("Add", [scores, additive_mask])], axis=-1)
    context = g.op("Transpose", [g.op("MatMul", [probs, v])], perm=[0, 2, 1, 3])
    merged = g.op("Reshape", [context, g.i64([0, 0, config["hidden_size"]])])
    out = g.linear(merged, f"{prefix}.output.dense.weight", f"{prefix}.output.dense.bias")
    return _layer_norm(g, g.op("Add", [out, x]), f"{prefix}.output.LayerNorm", config["layer_norm_eps"])


def _feed_forward(g, x, prefix, config):
    inner = _gelu_erf(g, g.linear(x, f"{prefix}.intermediate.dense.weight", f"{prefix}.intermediate.dense.bias"))
    out = g.linear(inner, f"{prefix}.output.dense.weight", f"{prefix}.output.dense.bias")
    return _layer_norm(g, g.op("Add", [out, x]), f"{prefix}.output.LayerNorm", config["layer_norm_eps"])


def build_bert(config, weights, with_classifier):
    """Returns (builder, inputs, outputs) for the graph; weights are the named numpy tensors."""
    g = GraphBuilder()
    for name, array in weights.items():
        g.weight(name, array)
    eps = config["layer_norm_eps"]

    g.scope("embeddings")
    seq_len = g.scalar_dim("input_ids", 1)
    position_ids = g.op("Range", [g.i64(0), seq_len, g.i64(1)])
    words = g.op("Gather", ["embeddings.word_embeddings.weight", "input_ids"], axis=0)
    types = g.op("Gather", ["embeddings.token_type_embeddings.weight", "token_type_ids"], axis=0)
    positions = g.op("Gather", ["embeddings.position_embeddings.weight", position_ids], axis=0)
    x = g.op("Add", [g.op("Add", [words, types]), positions])
    x = _layer_norm(g, x, "embeddings.LayerNorm", eps)

    # transformers' extended attention mask: (1 - mask) * float32 min, broadcast over heads/queries.
    g.scope("mask")
    mask = g.op("Unsqueeze", [g.op("Cast", ["attention_mask"], to=FLOAT), g.i64([1, 2])])
    additive_mask = g.op("Mul", [g.op("Sub", [g.f32(1.0), mask]), g.f32(np.finfo(np.float32).min)])

    for i in range(config["num_hidden_layers"]):
        g.scope(f"encoder.layer.{i}")
        x = _attention(g, x, f"encoder.layer.{i}.attention", config, additive_mask)
        x = _feed_forward(g, x, f"encoder.layer.{i}", config)

    dims = ["batch_size", "sequence_length"]
    inputs = [tensor_info(n, INT64, dims) for n in ("input_ids", "attention_mask", "token_type_ids")]
    if not with_classifier:
        g.op("Identity", [x], outputs=["last_hidden_state"])
        outputs = [tensor_info("last_hidden_state", FLOAT, dims + [config["hidden_size"]])]
        return g, inputs, outputs

    g.scope("pooler")
    first_token = g.op("Gather", [x, g.i64(0)], axis=1)
    pooled = g.op("Tanh", [g.linear(first_token, "pooler.dense.weight", "pooler.dense.bias")])
    g.scope("classifier")
    logits = g.op("MatMul", [pooled, "classifier.weight"])
    g.op("Add", [logits, "classifier.bias"], outputs=["logits"])
    labels = weights["classifier.bias"].shape[0]
    return g, inputs, [tensor_info("logits", FLOAT, ["batch_size", labels])]
