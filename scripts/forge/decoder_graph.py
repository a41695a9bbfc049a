"""Qwen2 / Llama decoder with KV cache as one ONNX graph (the Optimum "with past" interface).

Inputs:  input_ids, position_ids (int64 [batch_size, sequence_length]), attention_mask (int64
         [batch_size, total_sequence_length]), past_key_values.{i}.key/.value (float [batch_size,
         kv_heads, past_sequence_length, head_dim]; past_sequence_length may be 0).
Outputs: logits (float [batch_size, sequence_length, vocab]), present.{i}.key/.value (float
         [batch_size, kv_heads, total_sequence_length, head_dim]), keys stored after RoPE as in HF.
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


def build_decoder(config, weights, with_bias):
    g = GraphBuilder()
    for name, array in weights.items():
        g.weight(name, array)
    eps = config["rms_norm_eps"]
    vocab, hidden = config["vocab_size"], config["hidden_size"]

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
    # Tied LM head: Gemm with transB reads the same [vocab, hidden] table the embedding Gather
    # reads, so there is one copy of it (Gemm wants 2-D, hence the reshapes around it).
    g.scope("lm_head")
    flat = g.op("Reshape", [x, g.i64([-1, hidden])])
    flat_logits = g.op("Gemm", [flat, "model.embed_tokens.weight"], transB=1)
    logits_shape = g.op("Concat", [g.op("Shape", ["input_ids"]), g.i64([vocab])], axis=0)
    g.op("Reshape", [flat_logits, logits_shape], outputs=["logits"])

    kv_heads, hd = config["num_key_value_heads"], head_dim(config)
    inputs = [
        tensor_info("input_ids", INT64, ["batch_size", "sequence_length"]),
        tensor_info("attention_mask", INT64, ["batch_size", "total_sequence_length"]),
        tensor_info("position_ids", INT64, ["batch_size", "sequence_length"]),
    ]
    outputs = [tensor_info("logits", FLOAT, ["batch_size", "sequence_length", vocab])]
    for i in range(config["num_hidden_layers"]):
        for kind in ("key", "value"):
            inputs.append(tensor_info(f"past_key_values.{i}.{kind}", FLOAT,
                                      ["batch_size", kv_heads, "past_sequence_length", hd]))
            outputs.append(tensor_info(f"present.{i}.{kind}", FLOAT,
                                       ["batch_size", kv_heads, "total_sequence_length", hd]))
    return g, inputs, outputs
