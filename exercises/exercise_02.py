"""Exercise 02: layer shapes and costs.

Work these out with the formula from the lecture, not by running a layer:
    out = floor((in + 2*padding - dilation*(kernel - 1) - 1) / stride) + 1
Every function returns Python ints (a tuple of ints for conv2d_output_shape).

Check your work with:  grader check exercise_02
"""

from __future__ import annotations

IntOrPair = int | tuple[int, int]


def conv_output_size(size: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1) -> int:
    """The output length of a convolution along one dimension."""
    raise NotImplementedError


def conv2d_output_shape(
    input_shape: tuple[int, int, int, int],
    out_channels: int,
    kernel_size: IntOrPair,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
    dilation: IntOrPair = 1,
) -> tuple[int, int, int, int]:
    """(N, C_out, H_out, W_out) of Conv2d on an (N, C_in, H, W) input.

    kernel_size, stride, padding and dilation are each an int or an (h, w) pair.
    """
    raise NotImplementedError


def pool_output_size(size: int, kernel_size: int, stride: int | None = None, padding: int = 0) -> int:
    """The output length of a pooling layer; stride defaults to kernel_size."""
    raise NotImplementedError


def conv2d_param_count(in_channels: int, out_channels: int, kernel_size: IntOrPair, bias: bool = True) -> int:
    """The number of learnable parameters of Conv2d(in_channels, out_channels, kernel_size)."""
    raise NotImplementedError


def conv2d_macs(in_channels: int, out_channels: int, kernel_size: IntOrPair, output_size: IntOrPair) -> int:
    """Multiply-accumulate operations of a Conv2d producing an output of output_size (int or (h, w))."""
    raise NotImplementedError


def lenet_flatten_features(height: int = 28, width: int = 28) -> int:
    """Features reaching the course LeNet's fully connected layer.

    conv 5x5 -> 10 channels, max-pool 2, conv 5x5 -> 20 channels, max-pool 2; 320 for 28x28.
    """
    raise NotImplementedError
