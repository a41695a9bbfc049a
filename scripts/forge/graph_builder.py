"""A thin, deterministic wrapper over onnx.helper for building graphs node by node.

Node and initializer names are derived from a scope plus a per-op counter, so the same build
always yields the same protobuf bytes (the forge promises byte-identical output per seed).
"""

import numpy as np
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8  # the IR version that goes with opset 17
PRODUCER_NAME = "ragplatform-model-forge"


class GraphBuilder:
    def __init__(self):
        self.nodes = []
        self.initializers = []
        self._counters = {}
        self._constants = {}
        self._scope = ""

    def scope(self, name):
        """Prefix for the names of nodes created until the next call (e.g. 'layers.3/attn')."""
        self._scope = name

    def _name(self, op_type):
        key = (self._scope, op_type)
        n = self._counters.get(key, 0)
        self._counters[key] = n + 1
        prefix = f"/{self._scope}" if self._scope else ""
        return f"{prefix}/{op_type}_{n}"

    def op(self, op_type, inputs, outputs=1, **attrs):
        """Adds a node; returns its output name (or a list of names when outputs > 1).

        `outputs` may be a list of explicit names (used for graph outputs)."""
        name = self._name(op_type)
        if isinstance(outputs, int):
            out_names = [f"{name}_output_{i}" for i in range(outputs)]
        else:
            out_names = list(outputs)
        self.nodes.append(helper.make_node(op_type, list(inputs), out_names, name=name, **attrs))
        return out_names[0] if len(out_names) == 1 else out_names

    def weight(self, name, array):
        """Registers a learned parameter under its Hugging Face name."""
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def const(self, value, dtype):
        """A constant as an initializer, shared between all users of the same value."""
        array = np.asarray(value, dtype=dtype)
        key = (array.dtype.str, array.shape, array.tobytes())
        if key not in self._constants:
            name = f"const_{len(self._constants)}"
            self.initializers.append(numpy_helper.from_array(array, name))
            self._constants[key] = name
        return self._constants[key]

    def i64(self, value):
        return self.const(value, np.int64)

    def f32(self, value):
        return self.const(value, np.float32)

    # Small composites used by both architectures.

    def linear(self, x, weight_name, bias_name=None):
        y = self.op("MatMul", [x, weight_name])
        return self.op("Add", [y, bias_name]) if bias_name else y

    def dim(self, tensor, axis):
        """A 1-element int64 tensor holding tensor.shape[axis] (1-D so it can be concatenated)."""
        shape = self.op("Shape", [tensor])
        return self.op("Gather", [shape, self.i64([axis])], axis=0)

    def scalar_dim(self, tensor, axis):
        shape = self.op("Shape", [tensor])
        return self.op("Gather", [shape, self.i64(axis)], axis=0)


def tensor_info(name, elem_type, dims):
    return helper.make_tensor_value_info(name, elem_type, dims)


def finish_model(builder, graph_name, inputs, outputs, metadata, doc, producer_version):
    graph = helper.make_graph(builder.nodes, graph_name, inputs, outputs, builder.initializers, doc_string=doc)
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name=PRODUCER_NAME,
        producer_version=producer_version,
        ir_version=IR_VERSION,
    )
    for key, value in metadata:
        entry = model.metadata_props.add()
        entry.key = key
        entry.value = str(value)
    return model


FLOAT = TensorProto.FLOAT
INT64 = TensorProto.INT64
BOOL = TensorProto.BOOL
