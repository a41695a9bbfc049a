"""Plain-numpy forward passes that follow the Hugging Face modeling code (BertModel,
BertForSequenceClassification, Qwen2ForCausalLM / LlamaForCausalLM in eager mode).

Written independently of the graph builders: it shares nothing with them but the parameter
names and the weight layout ([in, out] for linear layers). Computes in float64 so that the
float32 ONNX graph is compared against something more precise than itself.
"""

import math

import numpy as np

_F32_MIN = float(np.finfo(np.float32).min)
_erf = np.frompyfunc(math.erf, 1, 1)


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _layer_norm(x, weight, bias, eps):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x):
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)).astype(np.float64))


class _Weights:
    def __init__(self, tensors):
        self._tensors = tensors

    def __getitem__(self, name):
        return self._tensors[name].astype(np.float64)


def bert_forward(config, tensors, input_ids, attention_mask, token_type_ids):
    """BertModel last_hidden_state [batch, seq, hidden]."""
    w = _Weights(tensors)
    eps = config["layer_norm_eps"]
    heads = config["num_attention_heads"]
    batch, seq = input_ids.shape
    hd = config["hidden_size"] // heads

    x = (w["embeddings.word_embeddings.weight"][input_ids]
         + w["embeddings.token_type_embeddings.weight"][token_type_ids]
         + w["embeddings.position_embeddings.weight"][np.arange(seq)][None])
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    extended = (1.0 - attention_mask[:, None, None, :].astype(np.float64)) * _F32_MIN

    def heads_of(t):
        return t.reshape(batch, seq, heads, hd).transpose(0, 2, 1, 3)

    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        q = heads_of(x @ w[p + "attention.self.query.weight"] + w[p + "attention.self.query.bias"])
        k = heads_of(x @ w[p + "attention.self.key.weight"] + w[p + "attention.self.key.bias"])
        v = heads_of(x @ w[p + "attention.self.value.weight"] + w[p + "attention.self.value.bias"])
        probs = _softmax(q @ k.transpose(0, 1, 3, 2) / math.sqrt(hd) + extended)
        context = (probs @ v).transpose(0, 2, 1, 3).reshape(batch, seq, heads * hd)
        attn = context @ w[p + "attention.output.dense.weight"] + w[p + "attention.output.dense.bias"]
        x = _layer_norm(attn + x, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)
        inner = _gelu(x @ w[p + "intermediate.dense.weight"] + w[p + "intermediate.dense.bias"])
        out = inner @ w[p + "output.dense.weight"] + w[p + "output.dense.bias"]
        x = _layer_norm(out + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    return x


def cross_encoder_forward(config, tensors, input_ids, attention_mask, token_type_ids):
    """BertForSequenceClassification logits [batch, num_labels]."""
    w = _Weights(tensors)
    hidden = bert_forward(config, tensors, input_ids, attention_mask, token_type_ids)
    pooled = np.tanh(hidden[:, 0] @ w["pooler.dense.weight"] + w["pooler.dense.bias"])
    return pooled @ w["classifier.weight"] + w["classifier.bias"]


def _rms_norm(x, weight, eps):
    return weight * (x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + eps))


def _rotate_half(x):
    half = x.shape[-1] // 2
    return np.concatenate([-x[..., half:], x[..., :half]], axis=-1)


def decoder_forward(config, tensors, input_ids, attention_mask, position_ids, past=None):
    """Qwen2/Llama causal LM. attention_mask covers past + current tokens; past is a list of
    (key, value) per layer ([batch, kv_heads, past_len, head_dim]) or None.
    Returns (logits [batch, seq, vocab], presents [(key, value)] with keys after RoPE)."""
    w = _Weights(tensors)
    eps = config["rms_norm_eps"]
    heads, kv_heads = config["num_attention_heads"], config["num_key_value_heads"]
    hd = config.get("head_dim") or config["hidden_size"] // heads
    batch, seq = input_ids.shape
    total = attention_mask.shape[1]
    past_len = total - seq
    qkv_bias = config["model_type"] == "qwen2"

    # Rotary tables: inv_freq = theta^(-2i/d), emb = cat(freqs, freqs).
    inv_freq = 1.0 / (config["rope_theta"] ** (np.arange(0, hd, 2) / hd))
    freqs = position_ids[..., None].astype(np.float64) * inv_freq
    emb = np.concatenate([freqs, freqs], axis=-1)
    cos, sin = np.cos(emb)[:, None], np.sin(emb)[:, None]

    # Causal over cache positions (query i sits at past_len + i) and no padded keys.
    causal = np.arange(total)[None, :] <= (past_len + np.arange(seq))[:, None]
    allowed = causal[None] & (attention_mask[:, None, :] == 1)
    additive = np.where(allowed, 0.0, _F32_MIN)[:, None]

    x = w["model.embed_tokens.weight"][input_ids]
    presents = []
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = _rms_norm(x, w[p + "input_layernorm.weight"], eps)

        def project(name, n):
            y = h @ w[p + f"self_attn.{name}.weight"]
            if qkv_bias:
                y = y + w[p + f"self_attn.{name}.bias"]
            return y.reshape(batch, seq, n, hd).transpose(0, 2, 1, 3)

        q, k, v = project("q_proj", heads), project("k_proj", kv_heads), project("v_proj", kv_heads)
        q = q * cos + _rotate_half(q) * sin
        k = k * cos + _rotate_half(k) * sin
        if past is not None:
            k = np.concatenate([past[i][0], k], axis=2)
            v = np.concatenate([past[i][1], v], axis=2)
        presents.append((k, v))
        # repeat_kv: each kv head serves heads // kv_heads consecutive query heads.
        k_rep = np.repeat(k, heads // kv_heads, axis=1)
        v_rep = np.repeat(v, heads // kv_heads, axis=1)
        probs = _softmax(q @ k_rep.transpose(0, 1, 3, 2) / math.sqrt(hd) + additive)
        context = (probs @ v_rep).transpose(0, 2, 1, 3).reshape(batch, seq, heads * hd)
        x = x + context @ w[p + "self_attn.o_proj.weight"]

        h = _rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        gate = h @ w[p + "mlp.gate_proj.weight"]
        silu = gate / (1.0 + np.exp(-gate))
        x = x + (silu * (h @ w[p + "mlp.up_proj.weight"])) @ w[p + "mlp.down_proj.weight"]

    x = _rms_norm(x, w["model.norm.weight"], eps)
    return x @ w["model.embed_tokens.weight"].T, presents
