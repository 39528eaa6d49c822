"""Exercise 02, reference solution: layer shapes and costs."""

from __future__ import annotations

IntOrPair = int | tuple[int, int]


def _pair(value: IntOrPair) -> tuple[int, int]:
    if isinstance(value, int):
        return value, value
    h, w = value
    return int(h), int(w)


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """floor((size + 2*padding - dilation*(kernel_size-1) - 1) / stride) + 1"""
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1


def conv2d_output_shape(
    input_shape: tuple[int, int, int, int],
    out_channels: int,
    kernel_size: IntOrPair,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
    dilation: IntOrPair = 1,
) -> tuple[int, int, int, int]:
    n, _, h, w = input_shape
    kh, kw = _pair(kernel_size)
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    dh, dw = _pair(dilation)
    return (
        int(n),
        int(out_channels),
        conv_output_size(h, kh, sh, ph, dh),
        conv_output_size(w, kw, sw, pw, dw),
    )


def pool_output_size(size: int, kernel_size: int, stride: int | None = None, padding: int = 0) -> int:
    stride = kernel_size if stride is None else stride
    return (size + 2 * padding - kernel_size) // stride + 1


def conv2d_param_count(in_channels: int, out_channels: int, kernel_size: IntOrPair, bias: bool = True) -> int:
    kh, kw = _pair(kernel_size)
    return out_channels * in_channels * kh * kw + (out_channels if bias else 0)


def conv2d_macs(in_channels: int, out_channels: int, kernel_size: IntOrPair, output_size: IntOrPair) -> int:
    """Multiply-accumulates: one per weight per output pixel."""
    kh, kw = _pair(kernel_size)
    oh, ow = _pair(output_size)
    return in_channels * out_channels * kh * kw * oh * ow


def lenet_flatten_features(height: int = 28, width: int = 28) -> int:
    """Features reaching the course LeNet's fc layer: conv5 -> pool2 -> conv5 -> pool2, 20 channels."""
    h, w = height, width
    for _ in range(2):
        h = pool_output_size(conv_output_size(h, 5), 2)
        w = pool_output_size(conv_output_size(w, 5), 2)
    return 20 * h * w
