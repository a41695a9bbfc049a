#!/usr/bin/python3
"""Builds the tiny ONNX graphs the runtime tests of RagPlatform.Inference run (Debian's python3-onnx).

Every model is deterministic: fixed weights, fixed producer fields, so the bytes only change
when this file does. Weights are small integers so float/float16 results are exact.
Usage: build_test_models.py OUTPUT_DIR
"""
import os
import sys

import numpy as np
from onnx import TensorProto, checker, helper, numpy_helper

OPSET = 13
PRODUCER = "ragplatform-testmodels"
PRODUCER_VERSION = "1"


def save(graph, path, metadata=None, **model_fields):
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name=PRODUCER,
        producer_version=PRODUCER_VERSION,
        **model_fields,
    )
    # ORT reads any IR version up to 11; pin it so the bytes do not depend on onnx's default.
    model.ir_version = 8
    for key, value in (metadata or {}).items():
        entry = model.metadata_props.add()
        entry.key = key
        entry.value = value
    checker.check_model(model)
    with open(path, "wb") as f:
        f.write(model.SerializeToString())


def add_float(out):
    """Z = X + Y and the batch of row sums; symbolic batch, forge-style metadata."""
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, ["batch", 3])
    y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["batch", 3])
    z = helper.make_tensor_value_info("Z", TensorProto.FLOAT, ["batch", 3])
    s = helper.make_tensor_value_info("RowSum", TensorProto.FLOAT, ["batch", 1])
    axes = numpy_helper.from_array(np.array([1], dtype=np.int64), "axes")
    nodes = [
        helper.make_node("Add", ["X", "Y"], ["Z"]),
        helper.make_node("ReduceSum", ["Z", "axes"], ["RowSum"], keepdims=1),
    ]
    graph = helper.make_graph(nodes, "add_float", [x, y], [z, s], [axes], doc_string="adds two float batches")
    save(
        graph,
        os.path.join(out, "add_float.onnx"),
        {"forged": "true", "purpose": "unit-test"},
        doc_string="toy Add model",
        domain="ai.ragplatform.test",
        model_version=7,
    )


def matmul_float(out):
    """Y = X @ W + B with X [batch, seq, 4] (two symbolic dims), W [4, 2] = integers."""
    x = helper.make_tensor_value_info("X", TensorProto.FLOAT, ["batch", "seq", 4])
    y = helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["batch", "seq", 2])
    w = numpy_helper.from_array(np.array([[1, 0], [0, 1], [1, 1], [2, -1]], dtype=np.float32), "W")
    b = numpy_helper.from_array(np.array([10, 20], dtype=np.float32), "B")
    nodes = [
        helper.make_node("MatMul", ["X", "W"], ["XW"]),
        helper.make_node("Add", ["XW", "B"], ["Y"]),
    ]
    save(helper.make_graph(nodes, "matmul_float", [x], [y], [w, b]), os.path.join(out, "matmul_float.onnx"))


def add_int64(out):
    """C = A + B and D = A * B over int64 [n] (one dimension left unnamed: -1 with no symbol)."""
    a = helper.make_tensor_value_info("A", TensorProto.INT64, [None])
    b = helper.make_tensor_value_info("B", TensorProto.INT64, [None])
    c = helper.make_tensor_value_info("C", TensorProto.INT64, [None])
    d = helper.make_tensor_value_info("D", TensorProto.INT64, [None])
    nodes = [helper.make_node("Add", ["A", "B"], ["C"]), helper.make_node("Mul", ["A", "B"], ["D"])]
    save(helper.make_graph(nodes, "add_int64", [a, b], [c, d]), os.path.join(out, "add_int64.onnx"))


def long_loop(out):
    """state = Tanh(state @ W) repeated trip_count times: runs as long as the caller asks."""
    size = 64
    weights = ((np.arange(size * size, dtype=np.float32).reshape(size, size) % 7) - 3) / 16
    body = helper.make_graph(
        [
            helper.make_node("Identity", ["cond_in"], ["cond_out"]),
            helper.make_node("MatMul", ["state_in", "W"], ["product"]),
            helper.make_node("Tanh", ["product"], ["state_out"]),
        ],
        "loop_body",
        [
            helper.make_tensor_value_info("iteration", TensorProto.INT64, []),
            helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
            helper.make_tensor_value_info("state_in", TensorProto.FLOAT, [size, size]),
        ],
        [
            helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
            helper.make_tensor_value_info("state_out", TensorProto.FLOAT, [size, size]),
        ],
    )
    graph = helper.make_graph(
        [helper.make_node("Loop", ["trip_count", "keep_going", "initial"], ["final"], body=body)],
        "long_loop",
        [
            helper.make_tensor_value_info("trip_count", TensorProto.INT64, []),
            helper.make_tensor_value_info("initial", TensorProto.FLOAT, [size, size]),
        ],
        [helper.make_tensor_value_info("final", TensorProto.FLOAT, [size, size])],
        [
            numpy_helper.from_array(weights.astype(np.float32), "W"),
            numpy_helper.from_array(np.array(True), "keep_going"),
        ],
    )
    save(graph, os.path.join(out, "long_loop.onnx"))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: build_test_models.py OUTPUT_DIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for build in (add_float, matmul_float, add_int64, long_loop):
        build(out)


if __name__ == "__main__":
    main()
