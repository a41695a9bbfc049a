"""Writes a copy of a forged decoder whose KV cache is float16 at the graph boundary.

usage: /usr/bin/python3 fp16_kv_variant.py <model dir> <output dir>

Each past_key_values.* input becomes float16 and is cast to float inside; each present.* output is cast to
float16 on the way out. Everything else (weights, logits, config, tokenizer files) is unchanged, so the variant
tests a pipeline's float16 cache handling against the float original.
"""
import os
import shutil
import sys

import onnx
from onnx import TensorProto, helper


def main(source, target):
    model = onnx.load(os.path.join(source, "onnx", "model.onnx"))
    graph = model.graph
    renames = {}
    casts_in = []
    for value in graph.input:
        if value.name.startswith("past_key_values."):
            inner = value.name + "_float"
            renames[value.name] = inner
            value.type.tensor_type.elem_type = TensorProto.FLOAT16
            casts_in.append(helper.make_node("Cast", [value.name], [inner], to=TensorProto.FLOAT))
    casts_out = []
    for value in graph.output:
        if value.name.startswith("present."):
            inner = value.name + "_float"
            renames[value.name] = inner
            value.type.tensor_type.elem_type = TensorProto.FLOAT16
            casts_out.append(helper.make_node("Cast", [inner], [value.name], to=TensorProto.FLOAT16))
    for node in graph.node:
        node.input[:] = [renames.get(name, name) for name in node.input]
        node.output[:] = [renames.get(name, name) for name in node.output]
    nodes = casts_in + list(graph.node) + casts_out
    del graph.node[:]
    graph.node.extend(nodes)
    onnx.checker.check_model(model)

    os.makedirs(os.path.join(target, "onnx"), exist_ok=True)
    for name in os.listdir(source):
        path = os.path.join(source, name)
        if os.path.isfile(path) and name != "forge.json":
            shutil.copyfile(path, os.path.join(target, name))
    partial = os.path.join(target, "onnx", "model.onnx.partial")
    onnx.save(model, partial)
    os.replace(partial, os.path.join(target, "onnx", "model.onnx"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
