"""Seven students who each wrote exercise_01 on their own, in their own way (and their
exercise_02: one formula everyone writes alike, the rest their own). The planted class
(planted.py) copies some of them."""

from __future__ import annotations

ALICE_01 = '''"""Exercise 01: convolution and pooling by hand."""

from __future__ import annotations

import torch


def corr2d(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    rows, cols = k.shape
    result = torch.zeros(x.shape[0] - rows + 1, x.shape[1] - cols + 1)
    for r in range(result.shape[0]):
        for c in range(result.shape[1]):
            window = x[r:r + rows, c:c + cols]
            result[r, c] = torch.sum(window * k)
    return result


def _two(value):
    if isinstance(value, tuple):
        return value
    return (value, value)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    n, c_in, height, width = x.shape
    c_out, c_w, kh, kw = weight.shape
    if c_in != c_w:
        raise ValueError(f"x has {c_in} channels, weight wants {c_w}")
    sh, sw = _two(stride)
    ph, pw = _two(padding)
    padded = torch.zeros(n, c_in, height + 2 * ph, width + 2 * pw, dtype=x.dtype)
    padded[:, :, ph:ph + height, pw:pw + width] = x
    out_h = (height + 2 * ph - kh) // sh + 1
    out_w = (width + 2 * pw - kw) // sw + 1
    out = torch.zeros(n, c_out, out_h, out_w, dtype=x.dtype)
    for i in range(out_h):
        for j in range(out_w):
            patch = padded[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            for o in range(c_out):
                out[:, o, i, j] = (patch * weight[o]).sum(dim=(1, 2, 3))
    if bias is not None:
        out += bias.reshape(1, c_out, 1, 1)
    return out


def _pool(x, kernel_size, stride, reduce):
    kh, kw = _two(kernel_size)
    sh, sw = _two(stride) if stride is not None else (kh, kw)
    n, c, height, width = x.shape
    out_h = (height - kh) // sh + 1
    out_w = (width - kw) // sw + 1
    out = torch.empty(n, c, out_h, out_w, dtype=x.dtype)
    for i in range(out_h):
        for j in range(out_w):
            block = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            out[:, :, i, j] = reduce(block.flatten(2))
    return out


def max_pool2d(x, kernel_size, stride=None):
    return _pool(x, kernel_size, stride, lambda t: t.max(dim=2).values)


def avg_pool2d(x, kernel_size, stride=None):
    return _pool(x, kernel_size, stride, lambda t: t.mean(dim=2))


def conv1x1(x, weight, bias=None):
    flat = weight.squeeze(-1).squeeze(-1)
    out = torch.einsum("oc,nchw->nohw", flat, x)
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out
'''

BORIS_01 = '''"""Exercise 01: convolution and pooling by hand."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def corr2d(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    # slide a window over every position, then multiply and add
    patches = x.unfold(0, k.shape[0], 1).unfold(1, k.shape[1], 1)
    return torch.einsum("ijab,ab->ij", patches, k)


def as_pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    if x.size(1) != weight.size(1):
        raise ValueError("input channels %d != weight channels %d" % (x.size(1), weight.size(1)))
    stride_h, stride_w = as_pair(stride)
    pad_h, pad_w = as_pair(padding)
    x = F.pad(x, [pad_w, pad_w, pad_h, pad_h])
    windows = x.unfold(2, weight.size(2), stride_h).unfold(3, weight.size(3), stride_w)
    y = torch.einsum("bchwpq,ocpq->bohw", windows, weight)
    return y if bias is None else y + bias.view(-1, 1, 1)


def max_pool2d(x, kernel_size, stride=None):
    kh, kw = as_pair(kernel_size)
    sh, sw = as_pair(kernel_size if stride is None else stride)
    tiles = x.unfold(2, kh, sh).unfold(3, kw, sw)
    return tiles.amax(dim=-1).amax(dim=-1)


def avg_pool2d(x, kernel_size, stride=None):
    kh, kw = as_pair(kernel_size)
    sh, sw = as_pair(kernel_size if stride is None else stride)
    tiles = x.unfold(2, kh, sh).unfold(3, kw, sw)
    return tiles.sum(dim=(-1, -2)) / (kh * kw)


def conv1x1(x, weight, bias=None):
    n, c, h, w = x.shape
    pixels = x.permute(0, 2, 3, 1).reshape(-1, c)
    mixed = pixels @ weight.view(weight.shape[0], c).t()
    if bias is not None:
        mixed = mixed + bias
    return mixed.reshape(n, h, w, -1).permute(0, 3, 1, 2)
'''

CHEN_01 = '''"""Exercise 01: convolution and pooling by hand."""

from __future__ import annotations

import torch
from torch.nn import functional


def corr2d(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    h = x.shape[0] - k.shape[0] + 1
    w = x.shape[1] - k.shape[1] + 1
    total = torch.zeros(h, w, dtype=x.dtype)
    for a in range(k.shape[0]):
        for b in range(k.shape[1]):
            total = total + k[a, b] * x[a:a + h, b:b + w]
    return total


def pair_of(value):
    if type(value) is int:
        return value, value
    first, second = value
    return first, second


def conv2d(x, weight, bias=None, stride=1, padding=0):
    batch, channels = x.shape[0], x.shape[1]
    out_channels, in_channels, kh, kw = weight.shape
    if channels != in_channels:
        raise ValueError("channels differ: " + str(channels) + " vs " + str(in_channels))
    step_h, step_w = pair_of(stride)
    pad_h, pad_w = pair_of(padding)
    x = functional.pad(x, (pad_w, pad_w, pad_h, pad_h))
    rows = (x.shape[2] - kh) // step_h + 1
    cols = (x.shape[3] - kw) // step_w + 1
    columns = []
    for a in range(kh):
        for b in range(kw):
            piece = x[:, :, a:a + step_h * rows:step_h, b:b + step_w * cols:step_w]
            columns.append(piece)
    stacked = torch.stack(columns, dim=2)
    flat_weight = weight.reshape(out_channels, in_channels, kh * kw)
    result = torch.einsum("nckhw,ock->nohw", stacked, flat_weight)
    if bias is not None:
        result = result + bias.reshape(1, -1, 1, 1)
    return result


def max_pool2d(x, kernel_size, stride=None):
    kh, kw = pair_of(kernel_size)
    step_h, step_w = pair_of(stride if stride is not None else kernel_size)
    rows = (x.shape[2] - kh) // step_h + 1
    cols = (x.shape[3] - kw) // step_w + 1
    best = None
    for a in range(kh):
        for b in range(kw):
            piece = x[:, :, a:a + step_h * rows:step_h, b:b + step_w * cols:step_w]
            best = piece if best is None else torch.maximum(best, piece)
    return best


def avg_pool2d(x, kernel_size, stride=None):
    kh, kw = pair_of(kernel_size)
    step_h, step_w = pair_of(stride if stride is not None else kernel_size)
    rows = (x.shape[2] - kh) // step_h + 1
    cols = (x.shape[3] - kw) // step_w + 1
    acc = 0
    for a in range(kh):
        for b in range(kw):
            acc = acc + x[:, :, a:a + step_h * rows:step_h, b:b + step_w * cols:step_w]
    return acc / (kh * kw)


def conv1x1(x, weight, bias=None):
    out = torch.tensordot(weight[:, :, 0, 0], x, dims=([1], [1])).transpose(0, 1)
    if bias is not None:
        out += bias.view(1, -1, 1, 1)
    return out
'''

DANA_01 = '''"""Exercise 01: convolution and pooling by hand."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def corr2d(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    out_rows = x.size(0) - k.size(0) + 1
    out_cols = x.size(1) - k.size(1) + 1
    values = [[(x[i:i + k.size(0), j:j + k.size(1)] * k).sum() for j in range(out_cols)]
              for i in range(out_rows)]
    return torch.stack([torch.stack(row) for row in values])


def conv2d(x, weight, bias=None, stride=1, padding=0):
    if isinstance(stride, int):
        stride = (stride, stride)
    if isinstance(padding, int):
        padding = (padding, padding)
    if x.size(1) != weight.size(1):
        raise ValueError(f"got {x.size(1)} input channels, expected {weight.size(1)}")
    x = F.pad(x, (padding[1], padding[1], padding[0], padding[0]))
    kernel_h, kernel_w = weight.shape[-2:]
    out_h = (x.size(2) - kernel_h) // stride[0] + 1
    out_w = (x.size(3) - kernel_w) // stride[1] + 1
    flat_kernel = weight.flatten(1)
    answer = x.new_zeros(x.size(0), weight.size(0), out_h, out_w)
    for row in range(out_h):
        top = row * stride[0]
        for col in range(out_w):
            left = col * stride[1]
            region = x[:, :, top:top + kernel_h, left:left + kernel_w].flatten(1)
            answer[:, :, row, col] = region @ flat_kernel.T
    if bias is not None:
        answer = answer + bias.view(1, -1, 1, 1)
    return answer


def max_pool2d(x, kernel_size, stride=None):
    size = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    step = size if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    windows = x.unfold(2, size[0], step[0]).unfold(3, size[1], step[1])
    return windows.flatten(-2).max(dim=-1)[0]


def avg_pool2d(x, kernel_size, stride=None):
    size = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    step = size if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    windows = x.unfold(2, size[0], step[0]).unfold(3, size[1], step[1])
    return windows.flatten(-2).mean(dim=-1)


def conv1x1(x, weight, bias=None):
    matrix = weight.view(weight.size(0), weight.size(1))
    result = (matrix @ x.flatten(2)).view(x.size(0), -1, x.size(2), x.size(3))
    return result if bias is None else result + bias.view(1, -1, 1, 1)
'''

EMIL_01 = '''"""Exercise 01: convolution and pooling by hand."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def _hw(v):
    """(h, w) from an int or a pair."""
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def corr2d(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    kh, kw = k.shape
    view = x.unfold(0, kh, 1).unfold(1, kw, 1)
    return torch.tensordot(view, k, dims=([2, 3], [0, 1]))


def conv2d(x, weight, bias=None, stride=1, padding=0):
    if x.shape[1] != weight.shape[1]:
        raise ValueError(f"{x.shape[1]} channels in x but {weight.shape[1]} in weight")
    (sh, sw), (ph, pw) = _hw(stride), _hw(padding)
    x = F.pad(x, (pw, pw, ph, ph))
    kh, kw = weight.shape[2], weight.shape[3]
    patches = x.unfold(2, kh, sh).unfold(3, kw, sw)
    out = torch.tensordot(patches, weight, dims=([1, 4, 5], [1, 2, 3]))
    out = out.permute(0, 3, 1, 2).contiguous()
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out


def max_pool2d(x, kernel_size, stride=None):
    kh, kw = _hw(kernel_size)
    sh, sw = _hw(stride) if stride is not None else (kh, kw)
    patches = x.unfold(2, kh, sh).unfold(3, kw, sw)
    return patches.reshape(*patches.shape[:4], -1).max(-1).values


def avg_pool2d(x, kernel_size, stride=None):
    kh, kw = _hw(kernel_size)
    sh, sw = _hw(stride) if stride is not None else (kh, kw)
    patches = x.unfold(2, kh, sh).unfold(3, kw, sw)
    return patches.reshape(*patches.shape[:4], -1).mean(-1)


def conv1x1(x, weight, bias=None):
    out = torch.tensordot(x, weight[:, :, 0, 0], dims=([1], [1])).permute(0, 3, 1, 2)
    if bias is not None:
        out = out + bias[None, :, None, None]
    return out
'''

FARID_01 = '''"""Exercise 01: convolution and pooling by hand."""

from __future__ import annotations

import torch


def corr2d(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    H, W = x.shape
    kh, kw = k.shape
    out = []
    for top in range(H - kh + 1):
        line = []
        for left in range(W - kw + 1):
            line.append((x[top:top + kh, left:left + kw] * k).sum())
        out.append(torch.stack(line))
    return torch.stack(out)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    N, C, H, W = x.shape
    O, I, KH, KW = weight.shape
    if C != I:
        raise ValueError("x: %d channels, weight: %d channels" % (C, I))
    SH, SW = (stride, stride) if isinstance(stride, int) else stride
    PH, PW = (padding, padding) if isinstance(padding, int) else padding
    big = torch.zeros((N, C, H + 2 * PH, W + 2 * PW), dtype=x.dtype)
    big[:, :, PH:PH + H, PW:PW + W] = x
    OH = (H + 2 * PH - KH) // SH + 1
    OW = (W + 2 * PW - KW) // SW + 1
    cols = torch.empty((N, C * KH * KW, OH * OW), dtype=x.dtype)
    idx = 0
    for top in range(OH):
        for left in range(OW):
            part = big[:, :, top * SH:top * SH + KH, left * SW:left * SW + KW]
            cols[:, :, idx] = part.reshape(N, -1)
            idx += 1
    res = weight.reshape(O, -1) @ cols
    res = res.reshape(N, O, OH, OW)
    if bias is not None:
        res = res + bias.reshape(1, O, 1, 1)
    return res


def max_pool2d(x, kernel_size, stride=None):
    KH, KW = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    if stride is None:
        SH, SW = KH, KW
    else:
        SH, SW = (stride, stride) if isinstance(stride, int) else stride
    N, C, H, W = x.shape
    rows = [torch.stack([x[:, :, t:t + KH, l:l + KW].amax(dim=(2, 3)) for l in range(0, W - KW + 1, SW)], dim=-1)
            for t in range(0, H - KH + 1, SH)]
    return torch.stack(rows, dim=-2)


def avg_pool2d(x, kernel_size, stride=None):
    KH, KW = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    if stride is None:
        SH, SW = KH, KW
    else:
        SH, SW = (stride, stride) if isinstance(stride, int) else stride
    N, C, H, W = x.shape
    rows = [torch.stack([x[:, :, t:t + KH, l:l + KW].mean(dim=(2, 3)) for l in range(0, W - KW + 1, SW)], dim=-1)
            for t in range(0, H - KH + 1, SH)]
    return torch.stack(rows, dim=-2)


def conv1x1(x, weight, bias=None):
    N, C, H, W = x.shape
    res = torch.matmul(weight.reshape(weight.shape[0], C), x.reshape(N, C, H * W)).reshape(N, -1, H, W)
    if bias is not None:
        res = res + bias.reshape(1, -1, 1, 1)
    return res
'''

GRETA_01 = '''"""Exercise 01: convolution and pooling by hand."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def corr2d(x: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    out_shape = (x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1)
    s0, s1 = x.stride()
    windows = torch.as_strided(x, size=(*out_shape, *k.shape), stride=(s0, s1, s0, s1))
    return (windows * k).sum(dim=(2, 3))


def twice(n):
    return n if isinstance(n, tuple) else (n, n)


def conv2d(x, weight, bias=None, stride=1, padding=0):
    if x.shape[1] != weight.shape[1]:
        raise ValueError("x has %s channels, weight has %s" % (x.shape[1], weight.shape[1]))
    sy, sx = twice(stride)
    py, px = twice(padding)
    x = F.pad(x, (px, px, py, py)).contiguous()
    n, c, hh, ww = x.shape
    _, _, ky, kx = weight.shape
    oy, ox = (hh - ky) // sy + 1, (ww - kx) // sx + 1
    a, b, d, e = x.stride()
    view = x.as_strided((n, c, oy, ox, ky, kx), (a, b, d * sy, e * sx, d, e))
    result = (view.unsqueeze(1) * weight[None, :, :, None, None]).sum(dim=(2, 5, 6))
    if bias is not None:
        result = result + bias.view(1, -1, 1, 1)
    return result


def _windows(x, kernel_size, stride):
    ky, kx = twice(kernel_size)
    sy, sx = twice(kernel_size if stride is None else stride)
    x = x.contiguous()
    n, c, hh, ww = x.shape
    a, b, d, e = x.stride()
    return x.as_strided((n, c, (hh - ky) // sy + 1, (ww - kx) // sx + 1, ky, kx), (a, b, d * sy, e * sx, d, e))


def max_pool2d(x, kernel_size, stride=None):
    return _windows(x, kernel_size, stride).amax(dim=(4, 5))


def avg_pool2d(x, kernel_size, stride=None):
    return _windows(x, kernel_size, stride).mean(dim=(4, 5))


def conv1x1(x, weight, bias=None):
    y = (x.unsqueeze(1) * weight.view(1, weight.shape[0], weight.shape[1], 1, 1)).sum(dim=2)
    return y if bias is None else y + bias.view(1, -1, 1, 1)
'''

# exercise_02: conv_output_size is the lecture's formula, written alike by everyone; the
# rest each in their own way (or left as the stub).
_FORMULA = "    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1\n"


def exercise_02(pool: str, params: str = "") -> str:
    """A student's exercise_02: the stub with conv_output_size and pool_output_size filled."""
    from tests.conftest import REPO_ROOT

    stub = (REPO_ROOT / "exercises" / "exercise_02.py").read_text(encoding="utf-8")
    head, rest = stub.split('    """The output length of a convolution along one dimension."""\n'
                            '    raise NotImplementedError\n')
    middle, tail = rest.split('    """The output length of a pooling layer; stride defaults to kernel_size."""\n'
                              '    raise NotImplementedError\n')
    filled = head + _FORMULA + middle + pool + tail
    if params:
        filled = filled.replace('    """The number of learnable parameters of Conv2d(in_channels, out_channels, '
                                'kernel_size)."""\n    raise NotImplementedError\n', params)
    return filled


POOLS_02 = {
    "alice": "    stride = kernel_size if stride is None else stride\n"
             "    return (size + 2 * padding - kernel_size) // stride + 1\n",
    "boris": "    if stride is None:\n        stride = kernel_size\n"
             "    return conv_output_size(size, kernel_size, stride, padding)\n",
    "chen": "    step = stride or kernel_size\n    span = size + 2 * padding - kernel_size\n    return span // step + 1\n",
    "dana": "    import math\n    s = kernel_size if stride is None else stride\n"
            "    return math.floor((size + 2 * padding - kernel_size) / s) + 1\n",
    "emil": "    return (size + padding * 2 - kernel_size) // (stride if stride else kernel_size) + 1\n",
    "farid": "    if stride is None:\n        return (size + 2 * padding) // kernel_size\n"
             "    return (size + 2 * padding - kernel_size) // stride + 1\n",
    "greta": "    stride = stride if stride is not None else kernel_size\n"
             "    count = 0\n    position = -padding\n"
             "    while position + kernel_size <= size + padding:\n        count += 1\n        position += stride\n"
             "    return count\n",
}
