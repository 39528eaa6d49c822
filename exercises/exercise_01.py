"""Exercise 01: convolution and pooling by hand.

Write each function with plain tensor operations. Do not call torch's own
convolution, pooling or im2col (F.conv2d, nn.Conv2d, torch.conv2d, F.unfold,
nn.Unfold, F.max_pool2d, nn.MaxPool2d, F.avg_pool2d, ...). Tensor.unfold (a
sliding-window view) and F.pad are allowed.

Check your work with:  grader check exercise_01
"""

from __future__ import annotations

import torch


def corr2d(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """2D cross-correlation (PyTorch's convention: the kernel is not flipped).

    x: (H, W), k: (kh, kw) -> (H - kh + 1, W - kw + 1)
    """
    raise NotImplementedError


def conv2d(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
) -> torch.Tensor:
    """The same result as torch.nn.functional.conv2d.

    x: (N, C_in, H, W), weight: (C_out, C_in, kh, kw), bias: (C_out,) or None.
    stride and padding: an int or an (h, w) pair.
    Raise ValueError naming both numbers when x's channels differ from weight's
    in-channels.
    """
    raise NotImplementedError


def max_pool2d(
    x: torch.Tensor, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None
) -> torch.Tensor:
    """Max pooling over (N, C, H, W); stride defaults to kernel_size."""
    raise NotImplementedError


def avg_pool2d(
    x: torch.Tensor, kernel_size: int | tuple[int, int], stride: int | tuple[int, int] | None = None
) -> torch.Tensor:
    """Average pooling over (N, C, H, W); stride defaults to kernel_size."""
    raise NotImplementedError


def conv1x1(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None) -> torch.Tensor:
    """A 1x1 convolution written as a per-pixel linear map (matmul or einsum).

    x: (N, C_in, H, W), weight: (C_out, C_in, 1, 1), bias: (C_out,) or None.
    """
    raise NotImplementedError
