"""Writes a copy of a forged decoder that returns the logits of its last position only.

usage: /usr/bin/python3 last_logits_variant.py <model dir> <output dir>

The graph's logits [batch, sequence, vocabulary] pass through a Slice that keeps the last position, so the output is
[batch, 1, vocabulary]: the shape of an export whose LM head runs only for the sampled position. The KV cache and
every weight are unchanged, so greedy generation must give the same tokens as the original.
"""
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper


def main(source, target):
    model = onnx.load(os.path.join(source, "onnx", "model.onnx"))
    graph = model.graph
    logits = next(value for value in graph.output if value.name == "logits")
    for node in graph.node:
        node.output[:] = ["logits_all" if name == "logits" else name for name in node.output]
    graph.initializer.extend([
        numpy_helper.from_array(np.array([-1], dtype=np.int64), "last_start"),
        numpy_helper.from_array(np.array([np.iinfo(np.int64).max], dtype=np.int64), "last_end"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "last_axis"),
    ])
    graph.node.append(helper.make_node("Slice", ["logits_all", "last_start", "last_end", "last_axis"], ["logits"]))
    sequence = logits.type.tensor_type.shape.dim[1]
    sequence.Clear()
    sequence.dim_value = 1
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
