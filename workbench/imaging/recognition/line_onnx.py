"""The second reader's network exported to ONNX and run with ONNX Runtime: no torch when reading.

Importing torch takes 2.5-6 s of CPU on the machines the workbench is measured on, more than
the reading it serves: in one ``workbench check`` of a 150-dpi letter the second reader cost
about 2.2 s over Tesseract alone, most of it that import. ONNX Runtime (already installed as
a dependency of the name romaniser) imports in about 0.3 s and runs the same network.

`export` writes the network rebuilt in `workbench.imaging.recognition.line_network`, with
the weights of ParisaOCR's model (Apache-2.0, by Ali Javadi; the model file stays in the
``parisaocr`` package and is only read), as an ONNX graph; `scripts/dev.sh install` runs it
once (``python -m workbench.imaging.recognition.line_onnx``), which needs torch and the
``onnx`` package. The graph is kept in the virtual environment's ``share/workbench/``
(`onnx_path`), named after the model file's digest, so a changed model is never read with
a stale graph. `OnnxNetwork` runs it; `LineRecognizer` uses it when it is there and falls
back to torch otherwise. The two give the same characters; their probabilities differ in
the fifth decimal (measured by ``tests/imaging/recognition/test_line_onnx.py``).
"""

from __future__ import annotations

import functools
import hashlib
import sys
import warnings
from importlib import util
from pathlib import Path
from typing import Any

import numpy as np

#: Raised when the exported graph changes (its inputs, opset or the layers), so an old
#: export is not reused.
EXPORT_VERSION = 1
#: ONNX operator set of the export (LayerNorm and attention's masked softmax need 17).
OPSET = 17
#: Input columns per output step of the network: its backbone halves the width three times.
#: Checked by `export` on the graph it writes.
COLUMNS_PER_STEP = 8


def onnx_path(model: Path) -> Path:
    """Where the export of `model` is kept: ``share/workbench`` of this Python's prefix.

    Named after the model file's digest (computed once per file size and time).
    """
    stat = model.stat()
    digest = _digest(model, stat.st_size, stat.st_mtime_ns)
    name = f"{model.stem}-{digest}-v{EXPORT_VERSION}.onnx"
    return Path(sys.prefix) / "share" / "workbench" / name


@functools.lru_cache(maxsize=4)
def _digest(model: Path, size: int, mtime_ns: int) -> str:
    """The first 16 hex digits of the SHA-256 of `model` (`size`, `mtime_ns`: cache key)."""
    return hashlib.sha256(model.read_bytes()).hexdigest()[:16]


def onnx_runtime_available() -> bool:
    """Whether ONNX Runtime is installed."""
    return util.find_spec("onnxruntime") is not None


def step_lengths(widths: np.ndarray, width: int) -> np.ndarray:
    """Output steps holding each line of real width `widths` in a batch `width` columns wide.

    As `LineNetwork.forward` computes them (the rest are padding, masked in attention).
    """
    steps = width // COLUMNS_PER_STEP
    lengths = np.floor(widths.astype(np.float32) * np.float32(steps / float(width)))
    return np.asarray(np.clip(lengths.astype(np.int64), 1, steps), dtype=np.int64)


class OnnxNetwork:
    """The exported network in an ONNX Runtime session, called like `LineNetwork`.

    ``network(batch, widths)`` takes an (N, 3, H, W) float32 batch whose lines are `widths`
    columns wide and gives (N, W / 8, classes) logits and the steps of each line.
    """

    def __init__(self, path: Path, threads: int) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.path = path
        self._session: Any = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )

    def __call__(self, batch: np.ndarray, widths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Logits of the batch and each line's steps (`step_lengths`)."""
        lengths = step_lengths(widths, batch.shape[3])
        (logits,) = self._session.run(None, {"lines": batch, "lengths": lengths})
        return np.asarray(logits, dtype=np.float32), lengths


def export(model: Path, meta: dict[str, Any], out: Path) -> Path:
    """Write the network with `model`'s weights as an ONNX graph at `out` (torch and onnx needed).

    The graph takes the batch and each line's output steps (`step_lengths`): the mask the
    attention needs is built from them inside the graph, for any batch size and width.
    """
    import torch
    from torch import nn

    from workbench.imaging.recognition.line_network import LineNetwork, load_network

    network = load_network(model, meta)

    class _Masked(nn.Module):
        def __init__(self, inner: LineNetwork) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, lines: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
            features = self.inner.backbone(lines)
            mask = torch.arange(features.shape[3])[None, :] < lengths[:, None]
            return self.inner.head(self.inner.neck(features, mask))  # type: ignore[no-any-return]

    height = int(meta["height"])
    sample = torch.zeros(2, 3, height, 4 * 256)
    widths = np.array([1024, 700])
    lengths = torch.from_numpy(step_lengths(widths, 1024))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".part")
    with torch.inference_mode():
        steps = network.backbone(sample).shape[3]
    if steps * COLUMNS_PER_STEP != sample.shape[3]:
        raise RuntimeError(f"the network gives {steps} steps for {sample.shape[3]} columns")
    with warnings.catch_warnings():
        # The tracer warns that the pooled height becomes a constant: it is, for a model.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Masked(network).eval(),
            (sample, lengths),
            str(partial),
            input_names=["lines", "lengths"],
            output_names=["logits"],
            dynamic_axes={
                "lines": {0: "n", 3: "w"},
                "lengths": {0: "n"},
                "logits": {0: "n", 1: "s"},
            },
            opset_version=OPSET,
            dynamo=False,
        )
    partial.replace(out)
    return out


def main() -> int:
    """Export the installed model's network (`scripts/dev.sh install`); print where."""
    from workbench.imaging.recognition.line_recognizer import model_path, read_metadata

    model = model_path()
    if model is None:
        print("the parisaocr model is not installed: nothing exported", file=sys.stderr)
        return 1
    out = onnx_path(model)
    if out.is_file():
        try:
            import onnxruntime

            onnxruntime.InferenceSession(str(out), providers=["CPUExecutionProvider"])
        except Exception as exc:  # a damaged file from an interrupted install: export again
            print(f"{out} does not load ({exc}): exporting again", file=sys.stderr)
        else:
            print(f"{out} is up to date")
            return 0
    export(model, read_metadata(model), out)
    print(f"exported {model.name} to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
