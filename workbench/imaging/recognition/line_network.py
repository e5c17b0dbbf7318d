"""The PP-OCRv6 "small" line-recognition network, in plain PyTorch, for ParisaOCR's model.

ParisaOCR (PyPI ``parisaocr``, Apache-2.0, by Ali Javadi) ships a Persian print recognizer
trained with Kraken 7 (Apache-2.0): a PPLCNetV4 backbone, a light SVTR neck and a CTC head,
stored as safetensors. Kraken's own loader imports torchvision, whose PyPI build does not
run beside the CPU build of torch the workbench installs, and pulls a multi-gigabyte GPU
build when left to resolve. This module rebuilds the same layers (module names and shapes
as in Kraken's ``kraken.lib.ppocr``, so the stored weights load one to one) with nothing but
``torch.nn``; `workbench.imaging.recognition.line_recognizer` prepares line images and decodes.

Only what inference needs is here: no dropout, no weight initialisation, no training heads.
Importing this module imports torch; callers import it only when the second reader is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

#: The "small" variant's backbone stages: (kernel, in, out, stride, squeeze-excite) per block.
#: A stride of (2, 1) halves the height only, keeping the width (the CTC sequence length).
_STAGES: dict[str, list[tuple[int, int, int, tuple[int, int], bool]]] = {
    "blocks2": [(3, 96, 96, (1, 1), True)],
    "blocks3": [(3, 96, 96, (1, 1), False), (3, 96, 96, (1, 1), False)],
    "blocks4": [
        (3, 96, 192, (2, 1), False),
        (3, 192, 192, (1, 1), True),
        (3, 192, 192, (1, 1), False),
        (3, 192, 192, (1, 1), True),
        (3, 192, 192, (1, 1), False),
        (3, 192, 192, (1, 1), True),
        (3, 192, 192, (1, 1), False),
    ],
    "blocks5": [
        (3, 192, 384, (2, 1), False),
        (3, 384, 384, (1, 1), True),
        (3, 384, 384, (1, 1), False),
    ],
}
#: Stem channels (middle, out), neck width and depth, attention heads of the "small" variant.
_STEM = (48, 96)
_NECK_DIMS = 120
_NECK_DEPTH = 2
_NECK_HEADS = 8
_NECK_MLP_RATIO = 2.0
_NECK_LOCAL_KERNEL = 7


def _same_pad(x: torch.Tensor, kernel: int, value: float = 0.0) -> torch.Tensor:
    """TensorFlow-style SAME padding for a stride-1 square kernel (right/bottom for even k)."""
    total = kernel - 1
    if total == 0:
        return x
    return F.pad(x, [total // 2, total - total // 2, total // 2, total - total // 2], value=value)


class _ConvBN(nn.Module):
    """Conv2d without bias followed by BatchNorm2d (Kraken's ``Conv2DBN``)."""

    def __init__(
        self,
        cin: int,
        cout: int,
        kernel: int = 1,
        stride: int | tuple[int, int] = 1,
        padding: int = 0,
        groups: int = 1,
    ) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, kernel, stride, padding, groups=groups, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Convolve and normalise."""
        return self.bn(self.conv(x))  # type: ignore[no-any-return]


class _StemConv(nn.Module):
    """Conv-BN-ReLU of the branch stem, with SAME padding for its 2x2 kernels."""

    def __init__(self, cin: int, cout: int, kernel: int, stride: int, same: bool = False) -> None:
        super().__init__()
        self.same = same
        self.kernel = kernel
        padding = 0 if same else (kernel - 1) // 2
        self.conv = nn.Conv2d(cin, cout, kernel, stride, padding=padding, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Pad if SAME, convolve, normalise, ReLU."""
        if self.same:
            x = _same_pad(x, self.kernel)
        return F.relu(self.bn(self.conv(x)))


class _Stem(nn.Module):
    """The multi-branch stem (total stride 4): a conv branch and a max-pool branch."""

    def __init__(self, cin: int, mid: int, out: int) -> None:
        super().__init__()
        self.stem1 = _StemConv(cin, mid, 3, 2)
        self.stem2a = _StemConv(mid, mid // 2, 2, 1, same=True)
        self.stem2b = _StemConv(mid // 2, mid, 2, 1, same=True)
        self.stem3 = _StemConv(mid * 2, mid, 3, 2)
        self.stem4 = _StemConv(mid, out, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Both branches, concatenated, then reduced."""
        x = self.stem1(x)
        branch = self.stem2b(self.stem2a(x))
        pooled = F.max_pool2d(_same_pad(x, 2, value=float("-inf")), kernel_size=2, stride=1)
        return self.stem4(self.stem3(torch.cat([pooled, branch], dim=1)))  # type: ignore[no-any-return]


class _SqueezeExcite(nn.Module):
    """Channel gating: global mean, reduce by 4, ReLU, expand, hard sigmoid."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels // 4, 1)
        self.conv2 = nn.Conv2d(channels // 4, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Scale each channel by its gate."""
        gate = F.hardsigmoid(self.conv2(F.relu(self.conv1(x.mean(dim=(2, 3), keepdim=True)))))
        return x * gate


class _RepDW(nn.Module):
    """Depthwise 3x3 Conv-BN plus depthwise 1x1 plus identity, then BatchNorm."""

    def __init__(self, channels: int, kernel: int) -> None:
        super().__init__()
        self.conv = _ConvBN(channels, channels, kernel, 1, (kernel - 1) // 2, groups=channels)
        self.conv1 = nn.Conv2d(channels, channels, 1, 1, 0, groups=channels, bias=False)
        self.bn = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Sum the three branches and normalise."""
        return self.bn(self.conv(x) + self.conv1(x) + x)  # type: ignore[no-any-return]


class _Block(nn.Module):
    """A PPLCNetV4 block: depthwise token mixer (optionally gated), then an MLP of 1x1 convs."""

    def __init__(
        self, kernel: int, cin: int, cout: int, stride: tuple[int, int], use_se: bool
    ) -> None:
        super().__init__()
        self.residual = cin == cout and stride == (1, 1)
        self.token_mixer = nn.Sequential()
        if self.residual:
            self.token_mixer.add_module("rep_dw", _RepDW(cin, kernel))
        else:
            self.token_mixer.add_module(
                "dw_conv", _ConvBN(cin, cin, kernel, stride, (kernel - 1) // 2, groups=cin)
            )
        if use_se:
            self.token_mixer.add_module("se", _SqueezeExcite(cin))
        self.channel_mixer = nn.Sequential()
        self.channel_mixer.add_module("expand", _ConvBN(cin, cin * 2))
        self.channel_mixer.add_module("act", nn.GELU())
        self.channel_mixer.add_module("compress", _ConvBN(cin * 2, cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Mix tokens, then channels (with a residual when the shape is kept)."""
        x = self.token_mixer(x)
        mixed = self.channel_mixer(x)
        return x + mixed if self.residual else mixed  # type: ignore[no-any-return]


class _Backbone(nn.Module):
    """PPLCNetV4: stem, four stages, and a pool that collapses the height and halves the width."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = _Stem(3, *_STEM)
        for name, blocks in _STAGES.items():
            self.add_module(name, nn.Sequential(*(_Block(*spec) for spec in blocks)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 3, H, W) -> (N, 384, 1, W / 8)."""
        x = self.conv1(x)
        for name in _STAGES:
            x = getattr(self, name)(x)
        # The height left here is fixed by the model's input height: as an int it is a
        # constant of an exported graph (`workbench.imaging.recognition.line_onnx`).
        return F.avg_pool2d(x, kernel_size=(int(x.shape[2]), 2))


class _ConvBNSiLU(nn.Module):
    """1x1 Conv-BN-SiLU of the neck (its BatchNorm is called ``norm``)."""

    def __init__(self, cin: int, cout: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 1, bias=False)
        self.norm = nn.BatchNorm2d(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Convolve, normalise, SiLU."""
        return F.silu(self.norm(self.conv(x)))


class _Attention(nn.Module):
    """Multi-head self-attention over the sequence, padded positions masked out as keys."""

    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        """Attend; `mask` is (N, W) with True where a position is real."""
        n, w, c = x.shape
        qkv = self.qkv(x).reshape(n, w, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        attn_mask = None if mask is None else mask[:, None, None, :]
        out = F.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask=attn_mask)
        return self.proj(out.transpose(1, 2).reshape(n, w, c))  # type: ignore[no-any-return]


class _Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Two linear layers with SiLU between."""
        return self.fc2(F.silu(self.fc1(x)))  # type: ignore[no-any-return]


class _SvtrBlock(nn.Module):
    """Pre-norm transformer block: attention and MLP, each with a residual."""

    def __init__(self, dim: int, heads: int, mlp_ratio: float) -> None:
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-5)
        self.mixer = _Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-5)
        self.mlp = _Mlp(dim, int(dim * mlp_ratio))

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        """Attention then MLP."""
        x = x + self.mixer(self.norm1(x), mask)
        return x + self.mlp(self.norm2(x))  # type: ignore[no-any-return]


class _Neck(nn.Module):
    """The light SVTR neck: 1x1 reduction, local 1x7 depthwise conv, global blocks, skip."""

    def __init__(self, cin: int) -> None:
        super().__init__()
        dims, k = _NECK_DIMS, _NECK_LOCAL_KERNEL
        self.conv_reduce = _ConvBNSiLU(cin, dims)
        self.local_conv = nn.Sequential(
            nn.Conv2d(dims, dims, (1, k), padding=(0, k // 2), groups=dims, bias=False),
            nn.BatchNorm2d(dims),
            nn.SiLU(),
        )
        self.svtr_block = nn.ModuleList(
            _SvtrBlock(dims, _NECK_HEADS, _NECK_MLP_RATIO) for _ in range(_NECK_DEPTH)
        )
        self.norm = nn.LayerNorm(dims, eps=1e-6)
        self.skip_conv = _ConvBNSiLU(cin, dims)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        """(N, 384, 1, W) -> (N, W, 120); padded columns are zeroed before the local conv."""
        skip = self.skip_conv(x)
        z = self.conv_reduce(x)
        m = None if mask is None else mask[:, None, None, :].to(z.dtype)
        if m is not None:
            z = z * m
        z = z + self.local_conv(z)
        if m is not None:
            z = z * m
        n, c, h, w = z.shape
        seq = z.flatten(2).transpose(1, 2)
        for block in self.svtr_block:
            seq = block(seq, mask)
        seq = self.norm(seq)
        z = seq.reshape(n, h, w, c).permute(0, 3, 1, 2) + skip
        return z.squeeze(2).permute(0, 2, 1)  # type: ignore[no-any-return]


class _Head(nn.Module):
    def __init__(self, cin: int, classes: int) -> None:
        super().__init__()
        self.fc = nn.Linear(cin, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Per-position class logits."""
        return self.fc(x)  # type: ignore[no-any-return]


class LineNetwork(nn.Module):
    """Backbone, neck and CTC head; ``forward`` gives (N, W', classes) logits and lengths.

    Submodule names follow the stored weights (``nn.backbone...``, ``nn.neck...``,
    ``nn.head.fc``) once the model's prefix is taken off.
    """

    def __init__(self, classes: int) -> None:
        super().__init__()
        self.backbone = _Backbone()
        self.neck = _Neck(_STAGES["blocks5"][-1][2])
        self.head = _Head(_NECK_DIMS, classes)

    def forward(self, x: torch.Tensor, widths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits for a batch of (N, 3, H, W) lines whose real widths are `widths`."""
        w_in = x.shape[3]
        features = self.backbone(x)
        w_out = features.shape[3]
        lengths = (widths.to(torch.float32) * (w_out / float(w_in))).floor().long()
        lengths = lengths.clamp(min=1, max=w_out)
        mask = torch.arange(w_out)[None, :] < lengths[:, None]
        return self.head(self.neck(features, mask)), lengths


def load_network(path: Path, meta: dict[str, Any]) -> LineNetwork:
    """The network with the weights stored in `path` (a safetensors file described by `meta`)."""
    from safetensors.torch import load_file

    prefix = f"{meta['prefix']}.nn."
    stored = load_file(str(path))
    weights = {
        k[len(prefix) :]: v
        for k, v in stored.items()
        if k.startswith(prefix) and not k.endswith("num_batches_tracked")
    }
    network = LineNetwork(int(meta["num_classes"]))
    network.load_state_dict(weights, strict=True)
    network.eval()
    return network
