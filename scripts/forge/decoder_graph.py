"""Qwen2 / Llama decoder with KV cache as one ONNX graph (the Optimum "with past" interface).

Inputs:  input_ids, position_ids (int64 [batch_size, sequence_length]), attention_mask (int64
         [batch_size, total_sequence_length]), past_key_values.{i}.key/.value (float [batch_size,
         kv_heads, past_sequence_length, head_dim]; past_sequence_length may be 0).
Outputs: logits (float [batch_size, 1, vocab]: the last position only, the one a generator samples
         from), present.{i}.key/.value (float [batch_size, kv_heads, total_sequence_length, head_dim]),
         keys stored after RoPE as in HF. logits="all" builds the head as Optimum exports it instead:
         MatMul over every position with a transposed copy of the tied embedding, logits [batch_size,
         sequence_length, vocab] (what a pulled model computes; `rag models optimize` rewrites it).
"""

import numpy as np

from graph_builder import BOOL, FLOAT, INT64, GraphBuilder, tensor_info
from specs import head_dim


def _rms_norm(g, x, weight_name, eps):
    variance = g.op("ReduceMean", [g.op("Mul", [x, x])], axes=[-1], keepdims=1)
    inv_rms = g.op("Reciprocal", [g.op("Sqrt", [g.op("Add", [variance, g.f32(eps)])])])
    return g.op("Mul", [weight_name, g.op("Mul", [x, inv_rms])])


def _rotary_tables(g, config):
    """cos/sin [batch, 1, seq, head_dim] from position_ids, HF's default rope (no scaling)."""
    hd = head_dim(config)
    inv_freq = 1.0 / (config["rope_theta"] ** (np.arange(0, hd, 2, dtype=np.int64).astype(np.float32) / hd))
    positions = g.op("Unsqueeze", [g.op("Cast", ["position_ids"], to=FLOAT), g.i64([2])])
    freqs = g.op("Mul", [positions, g.f32(inv_freq.astype(np.float32))])
    angles = g.op("Unsqueeze", [g.op("Concat", [freqs, freqs], axis=-1), g.i64([1])])
    return g.op("Cos", [angles]), g.op("Sin", [angles])


def _apply_rotary(g, x, cos, sin, hd):
    # rotate_half: [x1, x2] -> [-x2, x1] over the two halves of head_dim.
    x1, x2 = g.op("Split", [x, g.i64([hd // 2, hd // 2])], outputs=2, axis=-1)
    rotated = g.op("Concat", [g.op("Neg", [x2]), x1], axis=-1)
    return g.op("Add", [g.op("Mul", [x, cos]), g.op("Mul", [rotated, sin])])


def _attention_mask(g):
    """Additive mask [batch, 1, 1, seq, total]: a query at cache index past+i sees keys 0..past+i
    that are not padding. The middle axes broadcast over (kv head, query head in group)."""
    total = g.scalar_dim("attention_mask", 1)
    seq = g.scalar_dim("input_ids", 1)
    past = g.op("Sub", [total, seq])
    key_index = g.op("Range", [g.i64(0), total, g.i64(1)])
    query_index = g.op("Unsqueeze", [g.op("Range", [past, total, g.i64(1)]), g.i64([1])])
    causal = g.op("LessOrEqual", [key_index, query_index])
    not_padding = g.op("Unsqueeze", [g.op("Cast", ["attention_mask"], to=BOOL), g.i64([1])])
    allowed = g.op("And", [causal, not_padding])
    additive = g.op("Where", [allowed, g.f32(0.0), g.f32(np.finfo(np.float32).min)])
    return g.op("Unsqueeze", [additive, g.i64([1, 2])])


def _self_attention(g, x, i, config, cos, sin, mask, with_bias):
    p = f"model.layers.{i}.self_attn"
    heads, kv_heads, hd = config["num_attention_heads"], config["num_key_value_heads"], head_dim(config)
    group = heads // kv_heads

    def project(proj, n_heads):
        y = g.linear(x, f"{p}.{proj}.weight", f"{p}.{proj}.bias" if with_bias else None)
        return g.op("Transpose", [g.op("Reshape", [y, g.i64([0, 0, n_heads, hd])])], perm=[0, 2, 1, 3])

    q = _apply_rotary(g, project("q_proj", heads), cos, sin, hd)
    k = _apply_rotary(g, project("k_proj", kv_heads), cos, sin, hd)
    v = project("v_proj", kv_heads)
    keys = g.op("Concat", [f"past_key_values.{i}.key", k], outputs=[f"present.{i}.key"], axis=2)
    values = g.op("Concat", [f"past_key_values.{i}.value", v], outputs=[f"present.{i}.value"], axis=2)

    # GQA: query head j uses kv head j // group (HF repeat_kv). Grouping the query heads as
    # [batch, kv_heads, group, seq, hd] and broadcasting keys over the group axis is the same
    # computation without materialising repeated keys.
    q_grouped = g.op("Reshape", [q, g.i64([0, kv_heads, group, -1, hd])])
    keys_t = g.op("Unsqueeze", [g.op("Transpose", [keys], perm=[0, 1, 3, 2]), g.i64([2])])
    scores = g.op("Mul", [g.op("MatMul", [q_grouped, keys_t]), g.f32(hd ** -0.5)])
    probs = g.op("Softmax", [g.op("Add", [scores, mask])], axis=-1)
    context = g.op("MatMul", [probs, g.op("Unsqueeze", [values, g.i64([2])])])
    context = g.op("Reshape", [context, g.i64([0, heads, -1, hd])])
    merged = g.op("Reshape", [g.op("Transpose", [context], perm=[0, 2, 1, 3]), g.i64([0, 0, heads * hd])])
    return g.linear(merged, f"{p}.o_proj.weight")


def _mlp(g, x, i):
    p = f"model.layers.{i}.mlp"
    gate = g.linear(x, f"{p}.gate_proj.weight")
    silu = g.op("Mul", [gate, g.op("Sigmoid", [gate])])
    return g.linear(g.op("Mul", [silu, g.linear(x, f"{p}.up_proj.weight")]), f"{p}.down_proj.weight")


def _lm_head(g, x, logits):
    g.scope("lm_head")
    if logits == "all":
        # Optimum's export of a tied head: a MatMul on [batch, seq, hidden] with its own transposed copy of the table.
        g.op("MatMul", [x, "lm_head.weight"], outputs=["logits"])
        return
    # Only the last position is sampled, so only its hidden state meets the [vocab, hidden] table: on Qwen2.5-0.5B
    # the head is a quarter of a 1,000-token prefill's arithmetic. Gather(-1) gives [batch, hidden], which the tied
    # Gemm (transB: the same table the embedding Gather reads, one copy) takes as it is.
    last = g.op("Gather", [x, g.i64(-1)], axis=1)
    flat_logits = g.op("Gemm", [last, "model.embed_tokens.weight"], transB=1)
    g.op("Unsqueeze", [flat_logits, g.i64([1])], outputs=["logits"])


def build_decoder(config, weights, with_bias, logits="last"):
    g = GraphBuilder()
    for name, array in weights.items():
        g.weight(name, array)
    if logits == "all":
        g.weight("lm_head.weight", weights["model.embed_tokens.weight"].T)
    eps = config["rms_norm_eps"]
    vocab = config["vocab_size"]

    g.scope("model.embed_tokens")
    x = g.op("Gather", ["model.embed_tokens.weight", "input_ids"], axis=0)
    g.scope("model.rotary_emb")
    cos, sin = _rotary_tables(g, config)
    g.scope("model.mask")
    mask = _attention_mask(g)

    for i in range(config["num_hidden_layers"]):
        g.scope(f"model.layers.{i}")
        normed = _rms_norm(g, x, f"model.layers.{i}.input_layernorm.weight", eps)
        x = g.op("Add", [x, _self_attention(g, normed, i, config, cos, sin, mask, with_bias)])
        normed = _rms_norm(g, x, f"model.layers.{i}.post_attention_layernorm.weight", eps)
        x = g.op("Add", [x, _mlp(g, normed, i)])

    g.scope("model.norm")
    x = _rms_norm(g, x, "model.norm.weight", eps)
    _lm_head(g, x, logits)

    kv_heads, hd = config["num_key_value_heads"], head_dim(config)
    inputs = [
        tensor_info("input_ids", INT64, ["batch_size", "sequence_length"]),
        tensor_info("attention_mask", INT64, ["batch_size", "total_sequence_length"]),
        tensor_info("position_ids", INT64, ["batch_size", "sequence_length"]),
    ]
    positions = "sequence_length" if logits == "all" else 1
    outputs = [tensor_info("logits", FLOAT, ["batch_size", positions, vocab])]
    for i in range(config["num_hidden_layers"]):
        for kind in ("key", "value"):
            inputs.append(tensor_info(f"past_key_values.{i}.{kind}", FLOAT,
                                      ["batch_size", kv_heads, "past_sequence_length", hd]))
            outputs.append(tensor_info(f"present.{i}.{kind}", FLOAT,
                                       ["batch_size", kv_heads, "total_sequence_length", hd]))
    return g, inputs, outputs
