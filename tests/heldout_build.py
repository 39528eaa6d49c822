"""Write the held-out catalogue (issue 23): tests/fixtures/heldout/<case>/ from the
reference solutions and the edits listed here, so that every case can be rebuilt.

    python tests/heldout_build.py           # (re)write every case folder
    python tests/heldout_build.py --check   # exit 1 when a folder differs from what it would write

Each case is the student's view of the reference (solutions/exercise_NN.py, less any part
marked "For the checks only") with a few (find, replace) edits. Every `find` must occur
exactly once in the text it edits, and every edit must change it. A mistake carries the
cause in one sentence and the groups of words a diagnosis must use (tests/heldout.py says
how they are read); a correct variant carries neither. These cases were written from the
exercises' docstrings and the solutions alone, without reading the checks or the other
catalogues of mistakes, so that they measure the diagnoses rather than echo them.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOLUTIONS = REPO / "solutions"
HELDOUT = REPO / "tests" / "fixtures" / "heldout"
CHECKS_ONLY_MARK = "# -- For the checks only"


@dataclass(frozen=True)
class CaseSpec:
    name: str
    exercise: str
    edits: tuple[tuple[str, str], ...]
    cause: str = ""  # empty: a correct variant
    words: tuple[tuple[str, ...], ...] = ()

    @property
    def kind(self) -> str:
        return "mistake" if self.cause else "correct"


def mistake(name: str, exercise: str, edits: list[tuple[str, str]], cause: str, words: list[list[str]]) -> CaseSpec:
    return CaseSpec(name, exercise, tuple(edits), cause, tuple(tuple(g) for g in words))


def correct(name: str, exercise: str, edits: list[tuple[str, str]]) -> CaseSpec:
    return CaseSpec(name, exercise, tuple(edits))


# Word groups used by several cases.
SWAPPED = ["swap", "swapped", "exchang", "each other", "other way", "reversed", "the wrong order", "交换", "颠倒"]
MISSING = ["missing", "forgot", "without", "omit", "left out", "never", "not used", "unused", "ignor", "缺", "忘", "忽略"]

E1, E2, E3, E4, E5, E6 = (f"exercise_0{i}" for i in range(1, 7))

CASES: list[CaseSpec] = [
    # ---- exercise_01: convolution and pooling by hand ---------------------------------
    mistake("e01_corr2d_window_max", E1,
            [("out[i, j] = (x[i : i + kh, j : j + kw] * k).sum()",
              "out[i, j] = (x[i : i + kh, j : j + kw] * k).max()")],
            "corr2d takes the maximum of each window's products instead of their sum.",
            [["max", "最大"], ["sum", "求和", "相加"]]),
    mistake("e01_corr2d_output_one_short", E1,
            [("h, w = x.shape[0] - kh + 1, x.shape[1] - kw + 1", "h, w = x.shape[0] - kh, x.shape[1] - kw")],
            "corr2d's output size forgets the + 1 (H - kh instead of H - kh + 1), so the last row and column are missing.",
            [["off by one", "off-by-one", "one row", "one column", "one fewer", "one short", "last row",
              "last column", "差一", "少一"]]),
    mistake("e01_corr2d_kernel_hw_swapped", E1,
            [("    kh, kw = k.shape\n    h, w = x.shape[0]", "    kw, kh = k.shape\n    h, w = x.shape[0]")],
            "corr2d reads the kernel's shape as (width, height): kh and kw are swapped, which breaks non-square kernels.",
            [SWAPPED + ["transpos", "转置"], ["kh", "kw", "height", "width", "kernel's shape", "k.shape", "高", "宽"]]),
    mistake("e01_conv2d_stride_padding_swapped", E1,
            [("    sh, sw = _pair(stride)\n    ph, pw = _pair(padding)",
              "    sh, sw = _pair(padding)\n    ph, pw = _pair(stride)")],
            "conv2d uses the padding as the stride and the stride as the padding.",
            [SWAPPED, ["stride", "步幅"], ["padding", "填充"]]),
    mistake("e01_conv2d_pad_one_sided", E1,
            [("x = torch.nn.functional.pad(x, (pw, pw, ph, ph))",
              "x = torch.nn.functional.pad(x, (0, 2 * pw, 0, 2 * ph))")],
            "conv2d puts all the padding on the right and bottom (none on the left and top), shifting the output.",
            [["one side", "one-sided", "only on", "right and bottom", "bottom and right", "left and top", "top and left",
              "shift", "单侧", "一侧", "平移"]]),
    mistake("e01_conv2d_assert_not_valueerror", E1,
            [("    if x.shape[1] != weight.shape[1]:\n        raise ValueError(\n"
              "            f\"input has {x.shape[1]} channels but weight expects {weight.shape[1]} input channels\"\n"
              "        )\n",
              "    assert x.shape[1] == weight.shape[1], (\n"
              "        f\"input has {x.shape[1]} channels but weight expects {weight.shape[1]} input channels\"\n"
              "    )\n")],
            "conv2d checks the channels with assert (AssertionError) instead of raising ValueError.",
            [["valueerror"], ["assert"]]),
    mistake("e01_conv2d_calls_f_conv2d", E1,
            [("    sh, sw = _pair(stride)\n    ph, pw = _pair(padding)\n"
              "    x = torch.nn.functional.pad(x, (pw, pw, ph, ph))\n"
              "    kh, kw = weight.shape[2:]\n"
              "    # windows: (N, C, H_out, W_out, kh, kw)\n"
              "    windows = x.unfold(2, kh, sh).unfold(3, kw, sw)\n"
              "    out = torch.einsum(\"nchwij,ocij->nohw\", windows, weight)\n"
              "    if bias is not None:\n"
              "        out = out + bias.view(1, -1, 1, 1)\n"
              "    return out\n",
              "    return torch.nn.functional.conv2d(x, weight, bias, stride=stride, padding=padding)\n")],
            "conv2d calls torch.nn.functional.conv2d, which the exercise forbids.",
            [["forbid", "not allowed", "may not", "must not", "do not call", "don't call", "by hand", "禁止", "不允许",
              "不能"]]),
    mistake("e01_max_pool_indices", E1,
            [("return _pool_windows(x, kernel_size, stride).amax(dim=(-2, -1))",
              "return _pool_windows(x, kernel_size, stride).flatten(-2).argmax(dim=-1)")],
            "max_pool2d returns the position of each window's maximum (argmax) instead of the maximum itself.",
            [["index", "indices", "argmax", "position", "索引", "位置"]]),
    mistake("e01_pool_stride_default_one", E1,
            [("sh, sw = _pair(stride) if stride is not None else (kh, kw)",
              "sh, sw = _pair(stride) if stride is not None else (1, 1)")],
            "The pooling functions default the stride to 1 instead of to kernel_size, so the windows overlap.",
            [["stride", "步幅"], ["default", "none", "not given", "omitted", "默认"]]),
    mistake("e01_avg_pool_sums", E1,
            [(".mean(dim=(-2, -1))", ".sum(dim=(-2, -1))")],
            "avg_pool2d sums each window instead of averaging it (a factor of kh*kw too large).",
            [["sum", "factor", "times", "scaled", "multiple", "倍", "求和"]]),
    mistake("e01_avg_pool_wrong_dims", E1,
            [(".mean(dim=(-2, -1))", ".mean(dim=(2, 3))")],
            "avg_pool2d averages over dims 2 and 3 (the grid of windows) instead of over each window's own elements.",
            [["dim", "axis", "axes", "维"], ["window", "reduc", "窗口"]]),
    mistake("e01_conv1x1_reshape_not_permute", E1,
            [("    out = torch.einsum(\"nchw,oc->nohw\", x, weight[:, :, 0, 0])\n",
              "    n, _, h, w = x.shape\n"
              "    out = (x.permute(0, 2, 3, 1) @ weight[:, :, 0, 0].T).reshape(n, -1, h, w)\n")],
            "conv1x1 brings its channels-last product back with reshape instead of permute, scrambling the pixels.",
            [["permute", "reshape", "channels-last", "channels last", "layout", "scrambl", "axis order",
              "order of the axes", "order of the dimensions", "维度顺序"]]),

    # ---- exercise_02: layer shapes and costs -------------------------------------------
    mistake("e02_conv_output_true_division", E2,
            [("- dilation * (kernel_size - 1) - 1) // stride + 1", "- dilation * (kernel_size - 1) - 1) / stride + 1")],
            "conv_output_size divides with / instead of //, returning a float that is not floored.",
            [["float", "浮点"], ["integer", "an int", "floor", "//", "整数", "向下取整"]]),
    mistake("e02_conv_output_dilation_ignored", E2,
            [("- dilation * (kernel_size - 1) - 1) // stride + 1", "- (kernel_size - 1) - 1) // stride + 1")],
            "conv_output_size leaves dilation out of the formula (as if it were always 1).",
            [["dilation", "膨胀", "空洞"], MISSING + ["as if"]]),
    mistake("e02_conv_output_padding_once", E2,
            [("(size + 2 * padding - dilation", "(size + padding - dilation")],
            "conv_output_size adds the padding once instead of on both sides (2 * padding).",
            [["padding", "填充"], ["once", "one side", "both sides", "twice", "2 *", "2*", "两侧", "两边", "一侧"]]),
    mistake("e02_shape_channels_as_height", E2,
            [("n, _, h, w = input_shape", "n, h, w, _ = input_shape")],
            "conv2d_output_shape reads the input shape as (N, H, W, C): the channels are taken as the height.",
            [["channel", "通道"], ["height", "nhwc", "channels-last", "channels last", "高"]]),
    mistake("e02_shape_kernel_hw_swapped", E2,
            [("kh, kw = _pair(kernel_size)\n    sh, sw", "kw, kh = _pair(kernel_size)\n    sh, sw")],
            "conv2d_output_shape reads a (h, w) kernel_size pair as (w, h).",
            [SWAPPED + ["transpos", "转置"], ["kernel", "height", "width", "kh", "kw", "核", "高", "宽"]]),
    mistake("e02_pool_stride_default_one", E2,
            [("stride = kernel_size if stride is None else stride", "stride = 1 if stride is None else stride")],
            "pool_output_size defaults the stride to 1 instead of to kernel_size.",
            [["stride", "步幅"], ["default", "none", "not given", "omitted", "默认"]]),
    mistake("e02_pool_output_forgets_plus_one", E2,
            [("return (size + 2 * padding - kernel_size) // stride + 1",
              "return (size + 2 * padding - kernel_size) // stride")],
            "pool_output_size forgets the + 1 of the formula: every answer is one too small.",
            [["off by one", "off-by-one", "one too small", "one less", "one fewer", "差一", "少一", "少 1"]]),
    mistake("e02_param_count_one_bias", E2,
            [("+ (out_channels if bias else 0)", "+ (1 if bias else 0)")],
            "conv2d_param_count counts one bias for the whole layer instead of one per output channel.",
            [["bias", "偏置"], ["per output channel", "per channel", "one per", "each output", "每个", "每一个"]]),
    mistake("e02_macs_counts_flops", E2,
            [("return in_channels * out_channels * kh * kw * oh * ow",
              "return 2 * in_channels * out_channels * kh * kw * oh * ow")],
            "conv2d_macs counts the multiply and the add separately (FLOPs): twice the multiply-accumulates.",
            [["factor", "twice", "double", "2x", "2 x", "2×", "× 2", "flop", "倍"]]),
    mistake("e02_lenet_conv1_channels", E2,
            [("return 20 * h * w", "return 10 * h * w")],
            "lenet_flatten_features multiplies by conv1's 10 channels instead of conv2's 20.",
            [["channel", "通道", "half", "factor", "一半", "倍"]]),

    # ---- exercise_03: an MLP three ways ------------------------------------------------
    mistake("e03_make_mlp_softmax_end", E3,
            [("nn.Linear(128, 5))\n\n\nclass MLP", "nn.Linear(128, 5), nn.Softmax(dim=1))\n\n\nclass MLP")],
            "make_mlp ends with nn.Softmax, so it returns probabilities instead of logits.",
            [["softmax", "probabilit", "sum to 1", "sums to 1", "概率"]]),
    mistake("e03_mlp_relu_on_logits", E3,
            [("return self.out(torch.relu(self.hidden(x)))",
              "return torch.relu(self.out(torch.relu(self.hidden(x))))")],
            "MLP.forward puts a ReLU after the output layer, clipping the negative logits to zero.",
            [["relu", "clip", "clamp", "negative", "激活", "负"], ["logit", "last", "final", "output layer", "to the output", "on the output", "after the output", "at the end", "最后"]]),
    mistake("e03_fcnet_flattens_batch", E3,
            [("x = x.view(-1, 784)", "x = x.flatten()")],
            "FCNet.forward flattens the whole batch into one vector (x.flatten()) instead of each image.",
            [["batch", "批"], ["flatten", "view", "reshape", "展平", "dimension 0", "dim 0", "first dim"]]),
    mistake("e03_fcnet_missing_relu", E3,
            [("x = torch.relu(self.l3(x))", "x = self.l3(x)")],
            "FCNet.forward leaves out the ReLU after its third Linear layer.",
            [["relu", "activation", "激活"], MISSING + ["l3", "third", "between", "第三"]]),
    mistake("e03_fcnet_divides_by_255", E3,
            [("x = x.view(-1, 784)", "x = x.view(-1, 784) / 255")],
            "FCNet.forward divides its input by 255 (rescaling pixels the data already normalises).",
            [["255", "scale", "factor", "normalis", "normaliz", "divide", "归一", "缩放"]]),
    mistake("e03_mlp_attribute_names", E3,
            [("        self.hidden = nn.Linear(10, 128)\n        self.out = nn.Linear(128, 5)",
              "        self.fc1 = nn.Linear(10, 128)\n        self.fc2 = nn.Linear(128, 5)"),
             ("return self.out(torch.relu(self.hidden(x)))", "return self.fc2(torch.relu(self.fc1(x)))")],
            "MLP names its layers fc1 and fc2 instead of the attributes hidden and out the exercise asks for.",
            [["attribute", "named", "属性", "名"], ["hidden"]]),
    mistake("e03_mlp_linear_features_reversed", E3,
            [("self.hidden = nn.Linear(10, 128)", "self.hidden = nn.Linear(128, 10)")],
            "MLP's hidden layer is nn.Linear(128, 10): in_features and out_features are given in the reverse order.",
            [SWAPPED + ["in_features", "out_features"]]),

    # ---- exercise_04: the training loop ------------------------------------------------
    mistake("e04_train_zero_grad_between", E4,
            [("        optimizer.zero_grad()\n        loss.backward()\n        optimizer.step()\n        losses.append",
              "        loss.backward()\n        optimizer.zero_grad()\n        optimizer.step()\n        losses.append")],
            "train calls optimizer.zero_grad() between loss.backward() and optimizer.step(), so every step uses zero gradients.",
            [["zero_grad", "zero grad", "清零"], ["between", "after backward", "after loss.backward", "before step",
                                                   "before optimizer.step", "order", "顺序"]]),
    mistake("e04_train_reinitialises", E4,
            [("    optimizer = optim.SGD(net.parameters(), lr=lr)\n    losses",
              "    for layer in net.modules():\n"
              "        if hasattr(layer, \"reset_parameters\"):\n"
              "            layer.reset_parameters()\n"
              "    optimizer = optim.SGD(net.parameters(), lr=lr)\n    losses")],
            "train re-initialises the network's parameters (reset_parameters) before training it.",
            [["re-initial", "reinitial", "reset", "fresh", "重新初始化", "初始化"]]),
    mistake("e04_train_zero_init", E4,
            [("    optimizer = optim.SGD(net.parameters(), lr=lr)\n    losses",
              "    for p in net.parameters():\n"
              "        nn.init.zeros_(p)\n"
              "    optimizer = optim.SGD(net.parameters(), lr=lr)\n    losses")],
            "train sets every parameter to zero before training, an initialisation whose hidden units cannot learn.",
            [["zero", "constant", "symmetr", "零"], ["initiali", "init", "初始化"]]),
    mistake("e04_train_lr_hardcoded", E4,
            [("optimizer = optim.SGD(net.parameters(), lr=lr)\n    losses",
              "optimizer = optim.SGD(net.parameters(), lr=0.01)\n    losses")],
            "train hard-codes lr=0.01 instead of using its lr argument.",
            [["lr", "learning rate", "学习率"], ["hard-coded", "hardcoded", "hard coded", "ignor", "argument",
                                                  "not used", "fixed", "忽略", "参数"]]),
    mistake("e04_train_gradient_ascent", E4,
            [("        optimizer.step()\n        losses.append",
              "        with torch.no_grad():\n"
              "            for p in net.parameters():\n"
              "                p += lr * p.grad\n"
              "        losses.append")],
            "train updates the parameters by hand with p += lr * grad (the wrong sign): gradient ascent, the loss rises.",
            [["sign", "ascent", "uphill", "+=", "opposite", "符号", "上升"]]),
    mistake("e04_train_float_targets", E4,
            [("loss = criterion(outputs, y)", "loss = criterion(outputs, y.float())")],
            "train converts the class labels to float before CrossEntropyLoss, which needs integer (long) class indices.",
            [["float", "dtype", "浮点"], ["long", "int64", "integer", "class ind", "整数"]]),
    mistake("e04_train_epoch_softmax_before_loss", E4,
            [("loss = criterion(model(inputs), targets)",
              "loss = criterion(torch.softmax(model(inputs), dim=1), targets)")],
            "train_epoch applies softmax to the outputs before nn.CrossEntropyLoss, which applies log-softmax itself.",
            [["softmax", "probabilit", "概率"]]),
    mistake("e04_train_epoch_sum_not_mean", E4,
            [("return total / batches", "return total")],
            "train_epoch returns the sum of the batch losses instead of their mean.",
            [["sum", "total", "not divided", "divide", "number of batches", "factor", "总和", "倍"]]),
    mistake("e04_train_epoch_zero_grad_once", E4,
            [("    total, batches = 0.0, 0\n    for inputs, targets in loader:\n        optimizer.zero_grad()\n",
              "    total, batches = 0.0, 0\n    optimizer.zero_grad()\n    for inputs, targets in loader:\n")],
            "train_epoch calls optimizer.zero_grad() once before the loop, so the gradients accumulate over the batches.",
            [["zero_grad", "zero grad", "清零"], ["once", "accumulat", "each batch", "every batch", "per batch",
                                                   "inside the loop", "累积", "累加", "每个批"]]),
    mistake("e04_accuracy_no_eval", E4,
            [("    model.eval()\n    correct, seen = 0, 0", "    correct, seen = 0, 0")],
            "accuracy never calls model.eval(), so dropout stays on and the accuracy is random.",
            [["eval", "评估"], ["dropout", "random", "train mode", "training mode", "mode", "随机", "模式"]]),
    mistake("e04_accuracy_percent", E4,
            [("return correct / seen", "return 100 * correct / seen")],
            "accuracy returns a percentage (0..100) instead of a fraction in [0, 1].",
            [["percent", "100", "百分"]]),
    mistake("e04_accuracy_max_values", E4,
            [("predicted = model(inputs).argmax(dim=1)", "predicted, _ = torch.max(model(inputs), dim=1)")],
            "accuracy compares the largest logit's value with the labels instead of its index (torch.max's first output).",
            [["index", "indices", "argmax", "索引"]]),

    # ---- exercise_05: LeNet on MNIST, on a device --------------------------------------
    mistake("e05_get_device_returns_str", E5,
            [("return torch.device(\"cuda:0\" if torch.cuda.is_available() else \"cpu\")",
              "return \"cuda:0\" if torch.cuda.is_available() else \"cpu\"")],
            "get_device returns the string 'cpu' or 'cuda:0' instead of a torch.device.",
            [["torch.device"], ["str", "string", "字符串"]]),
    mistake("e05_train_targets_not_moved", E5,
            [("        inputs, targets = inputs.to(device), targets.to(device)\n        optimizer.zero_grad()",
              "        inputs = inputs.to(device)\n        optimizer.zero_grad()")],
            "train_epoch moves the inputs to the device but leaves the targets where they were.",
            [["target", "label", "标签"], ["not moved", "never moved", "stay", "left on", "still on", "未移动", "没有移"]]),
    mistake("e05_train_to_not_assigned", E5,
            [("        inputs, targets = inputs.to(device), targets.to(device)\n        optimizer.zero_grad()",
              "        inputs.to(device)\n        targets.to(device)\n        optimizer.zero_grad()")],
            "train_epoch calls inputs.to(device) and targets.to(device) without keeping the results (.to is not in place).",
            [["in place", "in-place", "assign", "returns a new", "returns a copy", "return value", "discard", "原地", "赋值"]]),
    mistake("e05_net_log_softmax_output", E5,
            [("return self.fc(x)", "return F.log_softmax(self.fc(x), dim=1)")],
            "Net.forward returns log_softmax of the fc layer instead of the logits.",
            [["softmax", "log-softmax", "probabilit", "概率"]]),
    mistake("e05_net_second_pool_missing", E5,
            [("x = F.relu(self.pooling(self.conv2(x)))", "x = F.relu(self.conv2(x))")],
            "Net.forward leaves out the max-pooling after conv2, so fc gets 1280 features instead of 320.",
            [["pool", "池化"], MISSING + ["1280", "only once", "only one"]]),
    mistake("e05_net_normalises_again", E5,
            [("        batch_size = x.size(0)\n",
              "        batch_size = x.size(0)\n        x = (x - 0.1307) / 0.3081\n")],
            "Net.forward normalises its input with MNIST's mean and std although the data is already normalised.",
            [["normalis", "normaliz", "0.1307", "0.3081", "standardi", "affine", "归一", "标准化"]]),

    # ---- exercise_06: a deeper CNN -----------------------------------------------------
    mistake("e06_conv3_never_run", E6,
            [("self.fc1 = nn.Linear(32 * 3 * 3, 128)", "self.fc1 = nn.Linear(16 * 7 * 7, 128)"),
             ("        x = self.pooling(F.relu(self.conv3(x)))\n", "")],
            "DeepNet defines conv3 but its forward never runs it: only two conv blocks (fc1 sized for 16*7*7).",
            [["conv", "卷积"], ["two", "2 conv", "only 2", "three", "never", "not run", "unused", "两", "三"]]),
    mistake("e06_dropout_always_on", E6,
            [("        x = F.relu(self.fc1(x))\n", "        x = F.dropout(F.relu(self.fc1(x)), 0.5)\n")],
            "DeepNet.forward calls F.dropout without training=self.training, so dropout stays on in eval mode.",
            [["dropout"], ["eval", "training", "random", "determin", "随机", "评估"]]),
    mistake("e06_relu_on_logits", E6,
            [("return self.fc3(x)", "return F.relu(self.fc3(x))")],
            "DeepNet.forward puts a ReLU after the last Linear layer, clipping the negative logits to zero.",
            [["relu", "clip", "clamp", "negative", "激活", "负"], ["logit", "last", "final", "output layer", "to the output", "on the output", "after the output", "at the end", "最后"]]),

    # ---- unusual but correct -----------------------------------------------------------
    correct("e01_ok_corr2d_unfold_einsum", E1,
            [("    h, w = x.shape[0] - kh + 1, x.shape[1] - kw + 1\n"
              "    out = torch.zeros((h, w), dtype=torch.result_type(x, k))\n"
              "    for i in range(h):\n"
              "        for j in range(w):\n"
              "            out[i, j] = (x[i : i + kh, j : j + kw] * k).sum()\n"
              "    return out\n",
              "    dtype = torch.result_type(x, k)\n"
              "    windows = x.to(dtype).unfold(0, kh, 1).unfold(1, kw, 1)  # (H_out, W_out, kh, kw)\n"
              "    return torch.einsum(\"ijab,ab->ij\", windows, k.to(dtype))\n")]),
    correct("e01_ok_corr2d_float64_accumulate", E1,
            [("out[i, j] = (x[i : i + kh, j : j + kw] * k).sum()",
              "out[i, j] = (x[i : i + kh, j : j + kw].double() * k.double()).sum()")]),
    correct("e01_ok_conv2d_shifted_slices", E1,
            [("    kh, kw = weight.shape[2:]\n"
              "    # windows: (N, C, H_out, W_out, kh, kw)\n"
              "    windows = x.unfold(2, kh, sh).unfold(3, kw, sw)\n"
              "    out = torch.einsum(\"nchwij,ocij->nohw\", windows, weight)\n",
              "    kh, kw = weight.shape[2:]\n"
              "    n, _, hp, wp = x.shape\n"
              "    oh, ow = (hp - kh) // sh + 1, (wp - kw) // sw + 1\n"
              "    out = x.new_zeros((n, weight.shape[0], oh, ow))\n"
              "    # One kernel offset at a time: the input pixels it meets, strided, times its weights.\n"
              "    for i in range(kh):\n"
              "        for j in range(kw):\n"
              "            patch = x[:, :, i : i + sh * (oh - 1) + 1 : sh, j : j + sw * (ow - 1) + 1 : sw]\n"
              "            out = out + torch.einsum(\"nchw,oc->nohw\", patch, weight[:, :, i, j])\n")]),
    correct("e01_ok_pool_flatten_values", E1,
            [("return _pool_windows(x, kernel_size, stride).amax(dim=(-2, -1))",
              "return _pool_windows(x, kernel_size, stride).flatten(-2).max(dim=-1).values"),
             ("return _pool_windows(x, kernel_size, stride).mean(dim=(-2, -1))",
              "return _pool_windows(x, kernel_size, stride).mean(dim=-1).mean(dim=-1)")]),
    correct("e01_ok_conv1x1_matmul_permute", E1,
            [("    out = torch.einsum(\"nchw,oc->nohw\", x, weight[:, :, 0, 0])\n",
              "    n, _, h, w = x.shape\n"
              "    out = (x.permute(0, 2, 3, 1) @ weight[:, :, 0, 0].T).permute(0, 3, 1, 2)\n")]),
    correct("e02_ok_math_floor", E2,
            [("from __future__ import annotations\n", "from __future__ import annotations\n\nimport math\n"),
             ("return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1",
              "return int(math.floor((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride)) + 1")]),
    correct("e02_ok_lenet_arithmetic", E2,
            [("    h, w = height, width\n"
              "    for _ in range(2):\n"
              "        h = pool_output_size(conv_output_size(h, 5), 2)\n"
              "        w = pool_output_size(conv_output_size(w, 5), 2)\n"
              "    return 20 * h * w\n",
              "    # Each 5x5 conv takes 4 off a side, each 2x2 pool halves it (rounding down).\n"
              "    h = ((height - 4) // 2 - 4) // 2\n"
              "    w = ((width - 4) // 2 - 4) // 2\n"
              "    return 20 * h * w\n")]),
    correct("e03_ok_fcnet_sequential", E3,
            [("        self.l1 = nn.Linear(784, 512)\n"
              "        self.l2 = nn.Linear(512, 256)\n"
              "        self.l3 = nn.Linear(256, 128)\n"
              "        self.l4 = nn.Linear(128, 64)\n"
              "        self.l5 = nn.Linear(64, 10)\n",
              "        sizes = [784, 512, 256, 128, 64, 10]\n"
              "        layers: list[nn.Module] = [nn.Flatten()]\n"
              "        for fan_in, fan_out in zip(sizes, sizes[1:]):\n"
              "            layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]\n"
              "        self.layers = nn.Sequential(*layers[:-1])  # no ReLU after the logits\n"),
             ("        x = x.view(-1, 784)\n"
              "        x = torch.relu(self.l1(x))\n"
              "        x = torch.relu(self.l2(x))\n"
              "        x = torch.relu(self.l3(x))\n"
              "        x = torch.relu(self.l4(x))\n"
              "        return self.l5(x)  # logits: CrossEntropyLoss applies log-softmax itself\n",
              "        return self.layers(x)\n")]),
    correct("e03_ok_mlp_forward_by_hand", E3,
            [("return self.out(torch.relu(self.hidden(x)))",
              "h = (x @ self.hidden.weight.T + self.hidden.bias).clamp(min=0)\n"
              "        return h @ self.out.weight.T + self.out.bias")]),
    correct("e04_ok_train_zero_grad_last", E4,
            [("        optimizer.zero_grad()\n        loss.backward()\n        optimizer.step()\n        losses.append",
              "        loss.backward()\n        optimizer.step()\n        optimizer.zero_grad()\n        losses.append")]),
    correct("e04_ok_accuracy_concatenated", E4,
            [("    correct, seen = 0, 0\n"
              "    with torch.no_grad():\n"
              "        for inputs, targets in loader:\n"
              "            predicted = model(inputs).argmax(dim=1)\n"
              "            correct += int((predicted == targets).sum())\n"
              "            seen += targets.numel()\n"
              "    return correct / seen\n",
              "    predictions, labels = [], []\n"
              "    with torch.no_grad():\n"
              "        for inputs, targets in loader:\n"
              "            predictions.append(model(inputs).argmax(dim=1))\n"
              "            labels.append(targets)\n"
              "    return (torch.cat(predictions) == torch.cat(labels)).double().mean().item()\n")]),
    correct("e04_ok_train_epoch_list_mean", E4,
            [("    total, batches = 0.0, 0\n"
              "    for inputs, targets in loader:\n"
              "        optimizer.zero_grad()\n"
              "        loss = criterion(model(inputs), targets)\n"
              "        loss.backward()\n"
              "        optimizer.step()\n"
              "        total += loss.item()\n"
              "        batches += 1\n"
              "    return total / batches\n",
              "    batch_losses = []\n"
              "    for inputs, targets in loader:\n"
              "        loss = criterion(model(inputs), targets)\n"
              "        optimizer.zero_grad()\n"
              "        loss.backward()\n"
              "        optimizer.step()\n"
              "        batch_losses.append(float(loss))\n"
              "    return sum(batch_losses) / len(batch_losses)\n")]),
    correct("e05_ok_relu_then_pool_flatten", E5,
            [("        batch_size = x.size(0)\n"
              "        x = F.relu(self.pooling(self.conv1(x)))\n"
              "        x = F.relu(self.pooling(self.conv2(x)))\n"
              "        x = x.view(batch_size, -1)\n",
              "        # ReLU and max-pooling commute: pooling after the ReLU gives the same numbers.\n"
              "        x = self.pooling(F.relu(self.conv1(x)))\n"
              "        x = self.pooling(F.relu(self.conv2(x)))\n"
              "        x = torch.flatten(x, start_dim=1)\n")]),
    correct("e06_ok_sequential_blocks", E6,
            [("        self.conv1 = nn.Conv2d(1, 8, kernel_size=3, padding=1)\n"
              "        self.conv2 = nn.Conv2d(8, 16, kernel_size=3, padding=1)\n"
              "        self.conv3 = nn.Conv2d(16, 32, kernel_size=3, padding=1)\n"
              "        self.pooling = nn.MaxPool2d(2)\n"
              "        self.fc1 = nn.Linear(32 * 3 * 3, 128)\n"
              "        self.fc2 = nn.Linear(128, 64)\n"
              "        self.fc3 = nn.Linear(64, 10)\n",
              "        blocks: list[nn.Module] = []\n"
              "        for c_in, c_out in ((1, 8), (8, 16), (16, 32)):\n"
              "            blocks += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]\n"
              "        self.features = nn.Sequential(*blocks)\n"
              "        self.classifier = nn.Sequential(\n"
              "            nn.Flatten(),\n"
              "            nn.Linear(32 * 3 * 3, 128), nn.ReLU(),\n"
              "            nn.Linear(128, 64), nn.ReLU(),\n"
              "            nn.Linear(64, 10),\n"
              "        )\n"),
             ("        x = self.pooling(F.relu(self.conv1(x)))\n"
              "        x = self.pooling(F.relu(self.conv2(x)))\n"
              "        x = self.pooling(F.relu(self.conv3(x)))\n"
              "        x = x.flatten(1)\n"
              "        x = F.relu(self.fc1(x))\n"
              "        x = F.relu(self.fc2(x))\n"
              "        return self.fc3(x)\n",
              "        return self.classifier(self.features(x))\n")]),
]


def student_base(exercise: str) -> str:
    """The reference as a student would hand it in: without the part kept for the checks."""
    text = (SOLUTIONS / f"{exercise}.py").read_text(encoding="utf-8")
    if CHECKS_ONLY_MARK in text:
        text = text[: text.index(CHECKS_ONLY_MARK)].rstrip() + "\n"
        if "copy." not in text:
            text = text.replace("import copy\n\n", "", 1)
    return text


def apply_edits(spec: CaseSpec, text: str) -> str:
    for find, replace in spec.edits:
        found = text.count(find)
        if found != 1:
            raise ValueError(f"{spec.name}: {find!r} occurs {found} times in {spec.exercise}, not once")
        edited = text.replace(find, replace, 1)
        if edited == text:
            raise ValueError(f"{spec.name}: an edit changes nothing ({find!r})")
        text = edited
    return text


def toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def expect_toml(spec: CaseSpec) -> str:
    lines = [f"exercise = {toml_string(spec.exercise)}", f"kind = {toml_string(spec.kind)}"]
    if spec.cause:
        lines.append(f"cause = {toml_string(spec.cause)}")
        groups = ",\n    ".join("[" + ", ".join(toml_string(w) for w in group) + "]" for group in spec.words)
        lines.append(f"words = [\n    {groups},\n]")
    return "\n".join(lines) + "\n"


def rendered(spec: CaseSpec) -> dict[str, str]:
    """The files of one case folder, by name."""
    return {f"{spec.exercise}.py": apply_edits(spec, student_base(spec.exercise)), "expect.toml": expect_toml(spec)}


def build(root: Path = HELDOUT, check: bool = False) -> list[str]:
    """Write (or, with `check`, compare) every case folder; the names of those that differ."""
    names = [spec.name for spec in CASES]
    if len(set(names)) != len(names):
        raise ValueError("two cases share a name")
    differing = []
    for spec in CASES:
        folder = root / spec.name
        files = rendered(spec)
        on_disk = ({p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.is_file()}
                   if folder.is_dir() else {})
        if on_disk == files:
            continue
        differing.append(spec.name)
        if not check:
            folder.mkdir(parents=True, exist_ok=True)
            for stale in set(on_disk) - set(files):
                (folder / stale).unlink()
            for name, text in files.items():
                (folder / name).write_text(text, encoding="utf-8")
    extra = sorted(p.name for p in root.iterdir() if p.is_dir() and p.name not in names) if root.is_dir() else []
    return differing + [f"{name} (not in CASES)" for name in extra]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args()
    differing = build(check=args.check)
    verb = "differ" if args.check else "written"
    print(f"{len(CASES)} cases; {len(differing)} {verb}" + (": " + ", ".join(differing) if differing else ""))
    return 1 if args.check and differing else 0


if __name__ == "__main__":
    sys.exit(main())
