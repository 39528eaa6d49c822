"""Exercise 01, reference solution: convolution and pooling by hand."""

from __future__ import annotations

import torch


def _pair(value: int | tuple[int, int]) -> tuple[int, int]:
    if isinstance(value, int):
        return value, value
    h, w = value
    return int(h), int(w)


def corr2d(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """2D cross-correlation of x (H, W) with k (kh, kw): no kernel flip."""
    kh, kw = k.shape
    h, w = x.shape[0] - kh + 1, x.shape[1] - kw + 1
    out = torch.zeros((h, w), dtype=torch.result_type(x, k))
    for i in range(h):
        for j in range(w):
            out[i, j] = (x[i : i + kh, j : j + kw] * k).sum()
    return out


def conv2d(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
) -> torch.Tensor:
    """Same result as torch.nn.functional.conv2d, with tensor ops only."""
    if x.shape[1] != weight.shape[1]:
        raise ValueError(
            f"input has {x.shape[1]} channels but weight expects {weight.shape[1]} input channels"
        )
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    x = torch.nn.functional.pad(x, (pw, pw, ph, ph))
    kh, kw = weight.shape[2:]
    # windows: (N, C, H_out, W_out, kh, kw)
    windows = x.unfold(2, kh, sh).unfold(3, kw, sw)
    out = torch.einsum("nchwij,ocij->nohw", windows, weight)
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out


def _pool_windows(x: torch.Tensor, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None) -> torch.Tensor:
    kh, kw = _pair(kernel_size)
    sh, sw = _pair(stride) if stride is not None else (kh, kw)
    return x.unfold(2, kh, sh).unfold(3, kw, sw)


def max_pool2d(x: torch.Tensor, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None) -> torch.Tensor:
    return _pool_windows(x, kernel_size, stride).amax(dim=(-2, -1))


def avg_pool2d(x: torch.Tensor, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None) -> torch.Tensor:
    return _pool_windows(x, kernel_size, stride).mean(dim=(-2, -1))


def conv1x1(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
    """A 1x1 convolution as a per-pixel linear map over channels."""
    out = torch.einsum("nchw,oc->nohw", x, weight[:, :, 0, 0])
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out
