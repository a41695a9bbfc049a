"""What the forge builds: the real published configurations, and their tiny test-sized variants.

The vocabularies always stay real so the real tokenizers work against forged models; only the
depth and width shrink for the tiny size.
"""

import copy
import json
import os
from dataclasses import dataclass, field

MODEL_NAMES = ("minilm-embedder", "minilm-reranker", "qwen2.5", "smollm2")
SIZES = ("tiny", "real")


@dataclass(frozen=True)
class ModelSpec:
    name: str
    kind: str  # "encoder" | "cross-encoder" | "decoder"
    architecture: str
    source_config: str  # where the real config comes from (shared file or published facts)
    tokenizer_files: tuple = ()
    builds_tokenizer_json: bool = False
    config: dict = field(default_factory=dict)


# Qwen2.5-0.5B-Instruct as published (the shared tokenizer folder carries a Qwen2.5-Coder-3B
# config, whose sizes are not this model's).
_QWEN25_05B_INSTRUCT = {
    "_name_or_path": "Qwen/Qwen2.5-0.5B-Instruct",
    "architectures": ["Qwen2ForCausalLM"],
    "attention_dropout": 0.0,
    "bos_token_id": 151643,
    "eos_token_id": 151645,
    "hidden_act": "silu",
    "hidden_size": 896,
    "initializer_range": 0.02,
    "intermediate_size": 4864,
    "max_position_embeddings": 32768,
    "max_window_layers": 21,
    "model_type": "qwen2",
    "num_attention_heads": 14,
    "num_hidden_layers": 24,
    "num_key_value_heads": 2,
    "rms_norm_eps": 1e-06,
    "rope_scaling": None,
    "rope_theta": 1000000.0,
    "sliding_window": 32768,
    "tie_word_embeddings": True,
    "torch_dtype": "float32",
    "use_cache": True,
    "use_sliding_window": False,
    "vocab_size": 151936,
}

# SmolLM2-135M-Instruct as published (Llama architecture).
_SMOLLM2_135M_INSTRUCT = {
    "_name_or_path": "HuggingFaceTB/SmolLM2-135M-Instruct",
    "architectures": ["LlamaForCausalLM"],
    "attention_bias": False,
    "attention_dropout": 0.0,
    "bos_token_id": 1,
    "eos_token_id": 2,
    "head_dim": 64,
    "hidden_act": "silu",
    "hidden_size": 576,
    "initializer_range": 0.041666666666666664,
    "intermediate_size": 1536,
    "max_position_embeddings": 8192,
    "mlp_bias": False,
    "model_type": "llama",
    "num_attention_heads": 9,
    "num_hidden_layers": 30,
    "num_key_value_heads": 3,
    "pad_token_id": 2,
    "pretraining_tp": 1,
    "rms_norm_eps": 1e-05,
    "rope_scaling": None,
    "rope_theta": 100000.0,
    "tie_word_embeddings": True,
    "torch_dtype": "float32",
    "use_cache": True,
    "vocab_size": 49152,
}

# Tiny sizes. The init std is larger than the real initializer_range: with tied embeddings and
# weak layers a random decoder just echoes its input token, and a random cross-encoder gives
# every pair nearly the same score; stronger layers make outputs depend on the input, so greedy
# decoding does not repeat one token forever and reranker scores spread.
_TINY = {
    "minilm-embedder": {"num_hidden_layers": 2, "hidden_size": 32, "num_attention_heads": 4,
                        "intermediate_size": 64, "initializer_range": 0.2},
    "minilm-reranker": {"num_hidden_layers": 2, "hidden_size": 32, "num_attention_heads": 4,
                        "intermediate_size": 64, "initializer_range": 0.2},
    "qwen2.5": {"num_hidden_layers": 2, "hidden_size": 64, "num_attention_heads": 4,
                "num_key_value_heads": 2, "intermediate_size": 128, "initializer_range": 0.2},
    # 6 query heads over 2 kv heads: a group of 3, like the real 9 over 3.
    "smollm2": {"num_hidden_layers": 2, "hidden_size": 96, "num_attention_heads": 6,
                "num_key_value_heads": 2, "intermediate_size": 192, "head_dim": 16,
                "initializer_range": 0.2},
}


def _read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_spec(name, shared_models_dir):
    # The reranker's folder has no special_tokens_map.json (its tokenizer_config carries them).
    bert_tokenizer = ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json")
    if name == "minilm-embedder":
        src = os.path.join(shared_models_dir, "all-MiniLM-L6-v2", "config.json")
        return ModelSpec(name, "encoder", "BertModel", "all-MiniLM-L6-v2/config.json",
                         tuple(os.path.join("all-MiniLM-L6-v2", f) for f in bert_tokenizer),
                         config=_read_json(src))
    if name == "minilm-reranker":
        src = os.path.join(shared_models_dir, "ms-marco-MiniLM-L-12-v2", "config.json")
        config = _read_json(src)
        # ms-marco-MiniLM-L-6-v2 is the L-12 model's published config with 6 layers.
        config.update({"_name_or_path": "cross-encoder/ms-marco-MiniLM-L-6-v2", "num_hidden_layers": 6,
                       "architectures": ["BertForSequenceClassification"]})
        return ModelSpec(name, "cross-encoder", "BertForSequenceClassification",
                         "ms-marco-MiniLM-L-12-v2/config.json with num_hidden_layers=6",
                         tuple(os.path.join("ms-marco-MiniLM-L-12-v2", f) for f in bert_tokenizer[:3]),
                         config=config)
    if name == "qwen2.5":
        files = ("vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json",
                 "added_tokens.json", "generation_config.json")
        return ModelSpec(name, "decoder", "Qwen2ForCausalLM", "published Qwen/Qwen2.5-0.5B-Instruct config",
                         tuple(os.path.join("qwen2.5-tokenizer", f) for f in files),
                         builds_tokenizer_json=True, config=copy.deepcopy(_QWEN25_05B_INSTRUCT))
    if name == "smollm2":
        return ModelSpec(name, "decoder", "LlamaForCausalLM", "published HuggingFaceTB/SmolLM2-135M-Instruct config",
                         config=copy.deepcopy(_SMOLLM2_135M_INSTRUCT))
    raise ValueError(f"unknown model '{name}' (known: {', '.join(MODEL_NAMES)})")


def sized_config(spec, size, seed, external_data):
    """The config.json to write: the real config, shrunk for tiny, marked as forged."""
    config = copy.deepcopy(spec.config)
    if size == "tiny":
        config.update(_TINY[spec.name])
    config["rag_forged"] = True
    config["rag_forge_seed"] = seed
    config["rag_forge_size"] = size
    # Our weights are float32 in onnx/model.onnx; say so explicitly so transformers.js does not
    # go looking for a quantized file.
    js_config = {"dtype": "fp32"}
    if external_data:
        js_config["use_external_data_format"] = True
    config["transformers.js_config"] = js_config
    return config


def head_dim(config):
    return config.get("head_dim") or config["hidden_size"] // config["num_attention_heads"]
