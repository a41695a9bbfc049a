"""Copies a model directory, saving its graph with external data (onnx/model.onnx + onnx/model.onnx_data), as exports
of models past 2 GB are laid out. usage: /usr/bin/python3 external_data_copy.py <model dir> <output dir>"""
import json
import os
import shutil
import sys

import onnx


def main(source, target):
    os.makedirs(os.path.join(target, "onnx"), exist_ok=True)
    for name in os.listdir(source):
        if os.path.isfile(os.path.join(source, name)) and name not in ("forge.json", "config.json"):
            shutil.copyfile(os.path.join(source, name), os.path.join(target, name))
    with open(os.path.join(source, "config.json"), encoding="utf-8") as f:
        config = json.load(f)
    config.setdefault("transformers.js_config", {})["use_external_data_format"] = True
    with open(os.path.join(target, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
    model = onnx.load(os.path.join(source, "onnx", "model.onnx"))
    onnx.save_model(model, os.path.join(target, "onnx", "model.onnx"), save_as_external_data=True,
                    all_tensors_to_one_file=True, location="model.onnx_data", size_threshold=1024)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
