"""A small model using ONNX fields the graph tools' own .proto does not declare, to prove they survive a rewrite.

usage: /usr/bin/python3 unknown_fields_model.py write <model dir>
       /usr/bin/python3 unknown_fields_model.py compare <original .onnx> <rewritten .onnx>

write: <model dir>/config.json + onnx/model.onnx: Y = MatMul(X, W) with W [32, 32] (quantisable), plus a local function
(ModelProto.functions), a sparse initializer (GraphProto.sparse_initializer), a sequence-typed value_info
(TypeProto.sequence_type) and a training_info entry (ModelProto.training_info).
compare: exits 0 and prints "ok" when every one of those is in the rewritten model unchanged.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def build():
    rng = np.random.default_rng(5)
    w = numpy_helper.from_array(rng.normal(0, 0.2, (32, 32)).astype(np.float32), "W")
    matmul = helper.make_node("MatMul", ["X", "W"], ["Y"], name="proj", doc_string="kept doc")
    graph = helper.make_graph([matmul], "unknown-fields", [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["batch", 32])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["batch", 32])], [w])
    graph.sparse_initializer.append(helper.make_sparse_tensor(
        helper.make_tensor("S_values", TensorProto.FLOAT, [2], [1.5, -2.5]),
        helper.make_tensor("S_indices", TensorProto.INT64, [2], [1, 7]), [10]))
    graph.sparse_initializer[0].values.name = "S"
    graph.value_info.append(helper.make_tensor_sequence_value_info("unused_sequence", TensorProto.FLOAT, None))
    function = helper.make_function("rag.test", "Twice", ["a"], ["b"], [helper.make_node("Add", ["a", "a"], ["b"])],
                                    [helper.make_opsetid("", 17)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("rag.test", 1)],
                              functions=[function], producer_name="unknown-fields-fixture")
    model.ir_version = 8
    training = model.training_info.add()
    training.algorithm.name = "kept-training-algorithm"
    return model


def main():
    mode = sys.argv[1]
    if mode == "write":
        target = sys.argv[2]
        os.makedirs(os.path.join(target, "onnx"), exist_ok=True)
        onnx.save(build(), os.path.join(target, "onnx", "model.onnx"))
        with open(os.path.join(target, "config.json"), "w", encoding="utf-8") as f:
            json.dump({"architectures": ["BertModel"], "model_type": "bert"}, f)
        return
    original, rewritten = onnx.load(sys.argv[2]), onnx.load(sys.argv[3])
    problems = []
    if list(original.functions) != list(rewritten.functions):
        problems.append("functions differ")
    if list(original.graph.sparse_initializer) != list(rewritten.graph.sparse_initializer):
        problems.append("sparse_initializer differs")
    if list(original.training_info) != list(rewritten.training_info):
        problems.append("training_info differs")
    sequence = [v for v in rewritten.graph.value_info if v.name == "unused_sequence"]
    if not sequence or not sequence[0].type.HasField("sequence_type"):
        problems.append("the sequence-typed value_info lost its type")
    if problems:
        print("; ".join(problems))
        sys.exit(1)
    print("ok")


if __name__ == "__main__":
    main()
