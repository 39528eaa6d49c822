"""Every named mistake of every exercise, told in Chinese and in English (issue 12).

For each mistake the course's checks can name, a wrong submission (the reference solution
with one function redefined, as tests/exercises do) is graded twice: under the course's
Chinese catalog its check must record the mistake and say it in Chinese, with the
mistake's key term from the glossary (a flipped kernel: 翻转 / 互相关); in English it must
record the same mistake and say it in English.

Mistakes in different functions share one graded submission (each check calls one
function only), as tests/exercises/test_exercise_04.py does: that keeps this file to a
few dozen gradings. A variant that replaces a function others call (conv_output_size,
pool_output_size) would break those too, so the variants that need such a function
compute what they need themselves.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

import pytest

from grader.catalog.mistakes import course_mistakes
from grader.i18n import tr, use_language
from grader.models.results import CheckResult, ExerciseResult
from tests.conftest import REPO_ROOT, by_id
from tests.exercises.test_exercise_04 import _accuracy, _epoch, _train
from tests.exercises.test_exercise_05 import EVALUATE, TRAIN_EPOCH, _loop

COURSE_LOCALE = REPO_ROOT / "locale"
CJK = re.compile(r"[\u4e00-\u9fff]")

# A mistake its exercise lists (mistakes_in finds every Mistake a checks file imports) but
# no check of that exercise can name: exercise 06 imports the helpers' SQUASHED_OUTPUT,
# whose sigmoid entry its layer check never looks up (it only looks for softmax/log_softmax).
UNREACHABLE = {("exercise_06", "network.sigmoid_output")}


@dataclass(frozen=True)
class Named:
    """A submission that makes `check` name `mistake`: `zh` is the term its Chinese message
    must contain (None: the mistake's own text, which the engine's catalog translates, is
    told as is), `en` a phrase of its English message."""

    exercise: str
    mistake: str
    check: str
    source: str
    zh: str | None
    en: str

    @property
    def id(self) -> str:
        return f"{self.exercise}:{self.mistake}"


def _conv2d(body: str) -> str:
    return f"""
_reference_conv2d = conv2d
def conv2d(x, weight, bias=None, stride=1, padding=0):
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    {body}
"""


def _pool(name: str, stride: str, reduce: str) -> str:
    return f"""
def {name}(x, kernel_size, stride=None):
    return _pool_windows(x, kernel_size, {stride}).{reduce}(dim=(-2, -1))
"""


def _formula(name: str, expression: str, signature: str = "size, kernel_size, stride=1, padding=0, dilation=1") -> str:
    return f"\ndef {name}({signature}):\n    return {expression}\n"


def _module(name: str, init: str, forward: str, base: str = "nn.Module") -> str:
    return f"""
class {name}({base}):
    def __init__(self):
        super().__init__()
{textwrap.indent(textwrap.dedent(init).strip(), " " * 8)}
    def forward(self, x):
{textwrap.indent(textwrap.dedent(forward).strip(), " " * 8)}
"""


MLP_LAYERS = "self.hidden = nn.Linear(10, 128)\nself.out = nn.Linear(128, 5)"
FCNET_FORWARD = """
x = x.view(-1, 784)
x = {a1}(self.l1(x))
x = {a2}(self.l2(x))
x = {a3}(self.l3(x))
x = {a4}(self.l4(x))
return self.l5(x)
"""


def _fcnet(**activations: str) -> str:
    acts = {f"a{i}": "torch.relu" for i in range(1, 5)} | activations
    return _module("FCNet", "pass", FCNET_FORWARD.format(**acts), base="_ReferenceFCNet").replace(
        "class FCNet", "_ReferenceFCNet = FCNet\nclass FCNet")


def _net(forward: str) -> str:
    return "_ReferenceNet = Net\n" + _module("Net", "pass", forward, base="_ReferenceNet")


def _deepnet(squash: str) -> str:
    return "_ReferenceDeepNet = DeepNet\n" + _module(
        "DeepNet", "pass", f"return super().forward(x).{squash}(dim=1)", base="_ReferenceDeepNet")


E01, E02, E03, E04, E05, E06 = (f"exercise_0{i}" for i in range(1, 7))
FLIPPED_CORR2D = """
def corr2d(x, k):
    k = k.flip(0, 1)
    kh, kw = k.shape
    out = torch.zeros(x.shape[0] - kh + 1, x.shape[1] - kw + 1)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = (x[i:i + kh, j:j + kw] * k).sum()
    return out
"""
PER_CHANNEL = ("return torch.stack([_reference_conv2d(x[:, c:c+1], weight[:, c:c+1], None, stride, padding) "
               "for c in range(x.shape[1])], dim=2)")
# conv_output_size with the reference's formula, for the variants of functions that call it.
SIZE = "(({s} + 2 * {p} - {k}) // {st} + 1)"
EPOCH_NO_ZERO_GRAD = "loss = criterion(model(inputs), targets)\n        loss.backward()\n        optimizer.step()"
EPOCH_STEP_FIRST = ("optimizer.zero_grad()\n        loss = criterion(model(inputs), targets)\n"
                    "        optimizer.step()\n        loss.backward()")
MEAN_OF_BATCH_ACCURACIES = """
def accuracy(model, loader):
    model.eval()
    rates = []
    with torch.no_grad():
        for inputs, targets in loader:
            rates.append(float((model(inputs).argmax(dim=1) == targets).double().mean()))
    return sum(rates) / len(rates)
"""
LOSS_AFTER_STEP = _train(body="optimizer.zero_grad()\n        loss.backward()\n        optimizer.step()\n"
                              "        loss = criterion(net(X), y)")

NAMED = [
    # -- exercise 01: convolution and pooling by hand
    Named(E01, "corr2d.kernel_flipped", "corr2d_lecture_example", FLIPPED_CORR2D, "翻转", "the kernel is flipped"),
    Named(E01, "conv2d.kernel_flipped", "conv2d_lecture_padding",
          _conv2d("return _reference_conv2d(x, weight.flip(-2, -1), bias, stride, padding)"), "互相关",
          "PyTorch's conv2d is a cross-correlation, no flip"),
    Named(E01, "conv2d.padding_ignored", "conv2d_lecture_padding",
          _conv2d("return _reference_conv2d(x, weight, bias, stride, 0)"), "填充", "the padding was ignored"),
    Named(E01, "conv2d.padding_one_side", "conv2d_lecture_padding",
          _conv2d("return _reference_conv2d(torch.nn.functional.pad(x, (pw, 0, ph, 0)), weight, bias, stride, 0)"),
          "填充", "the padding was added on one side only"),
    Named(E01, "conv2d.padding_swapped", "conv2d_random",
          _conv2d("return _reference_conv2d(x, weight, bias, stride, (pw, ph))"), "填充",
          "the height and width padding were swapped"),
    Named(E01, "conv2d.stride_ignored", "conv2d_lecture_stride",
          _conv2d("return _reference_conv2d(x, weight, bias, 1, padding)"), "步长", "the stride was ignored"),
    Named(E01, "conv2d.bias_ignored", "conv2d_lecture_bias",
          _conv2d("return _reference_conv2d(x, weight, None, stride, padding)"), "偏置", "the bias was ignored"),
    Named(E01, "conv2d.window_mean", "conv2d_lecture_padding",
          _conv2d("return _reference_conv2d(x, weight / weight[0].numel(), bias, stride, padding)"), "平均",
          "each window's products were averaged"),
    Named(E01, "conv2d.channels_not_summed", "conv2d_random", _conv2d(PER_CHANNEL), "通道",
          "the input channels were not summed (one output per input channel)"),
    Named(E01, "conv2d.first_channel_only", "conv2d_random",
          _conv2d("return _reference_conv2d(x[:, :1], weight[:, :1], bias, stride, padding)"), "通道",
          "only the first channel was used"),
    Named(E01, "max_pool2d.stride_default_1", "max_pool_lecture_example",
          _pool("max_pool2d", "1 if stride is None else stride", "amax"), "步长", "the stride defaulting to 1"),
    Named(E01, "max_pool2d.averages", "max_pool_lecture_example", _pool("max_pool2d", "stride", "mean"), "平均池化",
          "average pooling instead of max pooling"),
    Named(E01, "avg_pool2d.stride_default_1", "avg_pool_random",
          _pool("avg_pool2d", "1 if stride is None else stride", "mean"), "步长", "the stride defaulting to 1"),
    Named(E01, "avg_pool2d.takes_max", "avg_pool_random", _pool("avg_pool2d", "stride", "amax"), "最大池化",
          "max pooling instead of avg pooling"),
    Named(E01, "avg_pool2d.sums", "avg_pool_random", _pool("avg_pool2d", "stride", "sum"), "求和",
          "each window was summed, not averaged"),
    Named(E01, "conv1x1.bias_ignored", "conv1x1",
          '\ndef conv1x1(x, weight, bias=None):\n    return torch.einsum("nchw,oc->nohw", x, weight[:, :, 0, 0])\n',
          "偏置", "the bias was ignored"),
    # -- exercise 02: layer shapes and costs
    Named(E02, "conv_output_size.padding_ignored", "conv_output_size_lecture",
          _formula("conv_output_size", "(size - dilation * (kernel_size - 1) - 1) // stride + 1"), "填充",
          "the padding was ignored"),
    Named(E02, "conv_output_size.padding_once", "conv_output_size_lecture",
          _formula("conv_output_size", "(size + padding - dilation * (kernel_size - 1) - 1) // stride + 1"), "填充",
          "the padding was counted once"),
    Named(E02, "conv_output_size.stride_ignored", "conv_output_size_lecture",
          _formula("conv_output_size", "size + 2 * padding - dilation * (kernel_size - 1) - 1 + 1"), "步长",
          "the stride was ignored"),
    Named(E02, "conv_output_size.rounded_up", "conv_output_size_lecture",
          _formula("conv_output_size", "-(-(size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride) + 1"),
          "向上取整", "rounded up instead of floor"),
    Named(E02, "conv_output_size.dilation_ignored", "conv_output_size_random",
          _formula("conv_output_size", "(size + 2 * padding - (kernel_size - 1) - 1) // stride + 1"), "膨胀",
          "the dilation was ignored"),
    Named(E02, "conv_output_size.dilated_span", "conv_output_size_random",
          _formula("conv_output_size", "(size + 2 * padding - dilation * kernel_size) // stride + 1"), "膨胀",
          "the dilated kernel was taken to span dilation*kernel_size"),
    Named(E02, "pool_output_size.stride_default_1", "pool_output_size",
          _formula("pool_output_size", "(size + 2 * padding - kernel_size) // (1 if stride is None else stride) + 1",
                   "size, kernel_size, stride=None, padding=0"), "步长", "the stride defaulting to 1"),
    Named(E02, "pool_output_size.padding_ignored", "pool_output_size",
          _formula("pool_output_size", "(size - kernel_size) // (kernel_size if stride is None else stride) + 1",
                   "size, kernel_size, stride=None, padding=0"), "填充", "the padding was ignored"),
    Named(E02, "conv2d_output_shape.in_channels_kept", "conv2d_output_shape_lecture",
          _formula("conv2d_output_shape",
                   f"(input_shape[0], input_shape[1], {SIZE.format(s='input_shape[2]', p='padding', k='kernel_size', st='stride')}, "
                   f"{SIZE.format(s='input_shape[3]', p='padding', k='kernel_size', st='stride')})",
                   "input_shape, out_channels, kernel_size, stride=1, padding=0, dilation=1"),
          "通道", "the input's channel count was kept"),
    Named(E02, "conv2d_param_count.bias_left_out", "conv2d_param_count",
          _formula("conv2d_param_count", "out_channels * in_channels * _pair(kernel_size)[0] * _pair(kernel_size)[1]",
                   "in_channels, out_channels, kernel_size, bias=True"), "偏置", "the bias was left out"),
    Named(E02, "conv2d_param_count.bias_counted", "conv2d_param_count",
          _formula("conv2d_param_count",
                   "out_channels * in_channels * _pair(kernel_size)[0] * _pair(kernel_size)[1] + out_channels",
                   "in_channels, out_channels, kernel_size, bias=True"), "偏置", "the bias was counted although bias=False"),
    Named(E02, "conv2d_param_count.in_channels_left_out", "conv2d_param_count",
          _formula("conv2d_param_count",
                   "out_channels * _pair(kernel_size)[0] * _pair(kernel_size)[1] + (out_channels if bias else 0)",
                   "in_channels, out_channels, kernel_size, bias=True"), "输入通道", "the input channels were left out"),
    Named(E02, "conv2d_param_count.bias_per_input_channel", "conv2d_param_count",
          _formula("conv2d_param_count",
                   "out_channels * in_channels * _pair(kernel_size)[0] * _pair(kernel_size)[1] + (in_channels if bias else 0)",
                   "in_channels, out_channels, kernel_size, bias=True"), "偏置", "one bias per input channel"),
    Named(E02, "conv2d_param_count.kernel_square", "conv2d_param_count",
          _formula("conv2d_param_count",
                   "out_channels * in_channels * _pair(kernel_size)[0] ** 2 + (out_channels if bias else 0)",
                   "in_channels, out_channels, kernel_size, bias=True"), "卷积核", "the kernel was taken as square"),
    Named(E02, "conv2d_macs.in_channels_left_out", "conv2d_macs",
          _formula("conv2d_macs", "out_channels * _pair(kernel_size)[0] * _pair(kernel_size)[1] * "
                   "_pair(output_size)[0] * _pair(output_size)[1]",
                   "in_channels, out_channels, kernel_size, output_size"), "输入通道", "the input channels were left out"),
    Named(E02, "conv2d_macs.out_channels_left_out", "conv2d_macs",
          _formula("conv2d_macs", "in_channels * _pair(kernel_size)[0] * _pair(kernel_size)[1] * "
                   "_pair(output_size)[0] * _pair(output_size)[1]",
                   "in_channels, out_channels, kernel_size, output_size"), "输出通道", "the output channels were left out"),
    Named(E02, "conv2d_macs.output_one_dimension", "conv2d_macs",
          _formula("conv2d_macs", "in_channels * out_channels * _pair(kernel_size)[0] * _pair(kernel_size)[1] * "
                   "_pair(output_size)[0]", "in_channels, out_channels, kernel_size, output_size"), "输出尺寸",
          "the output size was used along one dimension only"),
    Named(E02, "conv2d_macs.kernel_one_dimension", "conv2d_macs",
          _formula("conv2d_macs", "in_channels * out_channels * _pair(kernel_size)[0] * "
                   "_pair(output_size)[0] * _pair(output_size)[1]",
                   "in_channels, out_channels, kernel_size, output_size"), "卷积核",
          "the kernel was used along one dimension only"),
    Named(E02, "conv2d_macs.flops", "conv2d_macs",
          _formula("conv2d_macs", "2 * in_channels * out_channels * _pair(kernel_size)[0] * _pair(kernel_size)[1] * "
                   "_pair(output_size)[0] * _pair(output_size)[1]",
                   "in_channels, out_channels, kernel_size, output_size"), "乘加运算",
          "a multiply and an add were counted separately"),
    Named(E02, "lenet_flatten_features.pooling_left_out", "lenet_flatten_features",
          _formula("lenet_flatten_features", "20 * (height - 8) * (width - 8)", "height=28, width=28"), "池化",
          "the pooling layers were left out"),
    Named(E02, "lenet_flatten_features.channels_left_out", "lenet_flatten_features",
          _formula("lenet_flatten_features", "((height - 4) // 2 - 4) // 2 * (((width - 4) // 2 - 4) // 2)",
                   "height=28, width=28"), "通道", "the 20 channels were left out"),
    # -- exercise 03: multilayer perceptrons. A form the exercise asks for (nn.Sequential,
    # the attributes) is named only when the network also computes something else.
    Named(E03, "make_mlp.not_sequential", "make_mlp_structure",
          _module("_Plain", "self.a = nn.Linear(10, 128)\nself.b = nn.Linear(128, 5)", "return self.b(self.a(x))")
          + "\ndef make_mlp():\n    return _Plain()\n", "应返回 nn.Sequential", "expected an nn.Sequential"),
    # A network described rightly that computes something else: here, twice the logits.
    Named(E03, "network.description_unconfirmed", "make_mlp_structure",
          _module("_Double", "", "return 2 * x")
          + "\ndef make_mlp():\n    return nn.Sequential(nn.Linear(10, 128), nn.ReLU(), nn.Linear(128, 5), _Double())\n",
          "看起来是对的", "looks right as described, but with the grader's weights loaded"),
    Named(E03, "network.log_softmax_output", "make_mlp_forward",
          "\ndef make_mlp():\n    return nn.Sequential(nn.Linear(10, 128), nn.ReLU(), nn.Linear(128, 5), "
          "nn.LogSoftmax(dim=1))\n", None, "log_softmax applied to the output"),
    Named(E03, "mlp.attribute_missing", "mlp_class_structure",
          _module("MLP", "self.fc1 = nn.Linear(10, 128)\nself.fc2 = nn.Linear(128, 5)", "return self.fc2(self.fc1(x))"),
          "属性", "MLP has no layer attribute `hidden`"),
    Named(E03, "network.relu_left_out", "mlp_class_forward",
          _module("MLP", "self.fc1 = nn.Linear(10, 128)\nself.fc2 = nn.Linear(128, 5)", "return self.fc2(self.fc1(x))"),
          "缺少 ReLU", "the ReLU is missing"),
    Named(E03, "mlp.attribute_not_linear", "mlp_class_structure",
          "\nclass _Hidden(nn.Linear):\n    pass\n"
          + _module("MLP", "self.hidden = _Hidden(10, 128)\nself.out = nn.Linear(128, 5)", "return self.out(self.hidden(x))"),
          "属性", "MLP.hidden is a _Hidden, expected nn.Linear"),
    Named(E03, "network.relu_on_input", "mlp_class_forward",
          _module("MLP", MLP_LAYERS, "return self.out(self.hidden(torch.relu(x)))"), None,
          "ReLU applied to the input"),
    Named(E03, "network.relu_on_output", "mlp_class_forward",
          _module("MLP", MLP_LAYERS, "return torch.relu(self.out(torch.relu(self.hidden(x))))"), "输出",
          "ReLU applied to the output as well"),
    Named(E03, "network.softmax_output", "mlp_class_forward",
          _module("MLP", MLP_LAYERS, "return torch.softmax(self.out(torch.relu(self.hidden(x))), dim=1)"), None,
          "softmax applied to the output"),
    Named(E03, "network.relu_missing", "fcnet_forward", _fcnet(a3=""), "第三层之后缺少 ReLU",
          "the ReLU after the third layer is missing"),
    Named(E03, "network.wrong_activation", "fcnet_forward",
          _fcnet(**{f"a{i}": "torch.sigmoid" for i in range(1, 5)}), "激活函数",
          "sigmoid used between the layers instead of ReLU"),
    # -- exercise 04: the training loop
    Named(E04, "train.zero_grad_missing", "train_matches_reference",
          _train(body="loss.backward()\n        optimizer.step()"), "梯度", "optimizer.zero_grad() were missing"),
    Named(E04, "train.step_before_backward", "train_matches_reference",
          _train(body="optimizer.zero_grad()\n        optimizer.step()\n        loss.backward()"), "之前",
          "optimizer.step() ran while the gradients were zero"),
    Named(E04, "train.softmax_before_loss", "train_matches_reference", _train(outputs="torch.softmax(net(X), dim=1)"),
          "交叉熵", "softmax were applied before nn.CrossEntropyLoss"),
    Named(E04, "train.sum_reduction", "train_matches_reference",
          _train().replace("nn.CrossEntropyLoss()", "nn.CrossEntropyLoss(reduction='sum')"), "求和",
          "the loss were summed over the samples"),
    Named(E04, "train.wrong_lr", "train_matches_reference", _train(lr="0.01"), "学习率",
          "the learning rate were 0.01 instead of lr=0.005"),
    Named(E04, "train.lr_ignored", "train_uses_arguments", _train(lr="5e-3"), "学习率", "the lr argument were ignored"),
    Named(E04, "train.epochs_ignored", "train_uses_arguments", _train(epochs="20"), "轮",
          "the epochs argument were ignored"),
    Named(E04, "train.loss_after_step", "train_matches_reference", LOSS_AFTER_STEP, "更新之后",
          "each epoch's loss measured after the step"),
    Named(E04, "train_epoch.zero_grad_missing", "train_epoch_parameters", _epoch(body=EPOCH_NO_ZERO_GRAD), "梯度",
          "optimizer.zero_grad() were missing (gradients accumulate from batch to batch)"),
    Named(E04, "train_epoch.step_before_backward", "train_epoch_parameters", _epoch(body=EPOCH_STEP_FIRST), "之前",
          "optimizer.step() ran while the gradients were zero"),
    Named(E04, "train_epoch.softmax_before_loss", "train_epoch_parameters",
          _epoch(body=EPOCH_STEP_FIRST.replace("optimizer.step()\n        loss.backward()", "loss.backward()\n        optimizer.step()")
                 .replace("criterion(model(inputs), targets)", "criterion(model(inputs).softmax(dim=1), targets)")),
          "softmax", "softmax were applied before the criterion"),
    Named(E04, "train_epoch.own_optimizer", "train_epoch_parameters",
          _epoch().replace("    model.train()\n", "    model.train()\n    optimizer = "
                           "optim.SGD(model.parameters(), lr=optimizer.param_groups[0]['lr'])\n"),
          "优化器", "the optimizer it was given were not used"),
    Named(E04, "train_epoch.last_batch_loss", "train_epoch_mean_loss", _epoch(result="loss.item()"), "最后一个批次",
          "the last batch's loss"),
    Named(E04, "train_epoch.sum_of_losses", "train_epoch_mean_loss", _epoch(result="total"), "总和",
          "the sum of the batch losses, not their mean"),
    Named(E04, "train_epoch.mean_over_samples", "train_epoch_mean_loss",
          _epoch(add="loss.item() * len(targets)", result="total / len(loader.dataset)"), "样本",
          "the mean over samples"),
    Named(E04, "train_epoch.sum_over_samples", "train_epoch_mean_loss", _epoch(result="total / len(loader.dataset)"),
          "样本数", "the sum of the batch losses divided by the number of samples"),
    Named(E04, "accuracy.percentage", "accuracy_value",
          _accuracy(context="with torch.no_grad():", result="100 * correct / seen"), "百分比", "a percentage"),
    Named(E04, "accuracy.mean_of_batches", "accuracy_value", MEAN_OF_BATCH_ACCURACIES, "批次",
          "the mean of the per-batch accuracies"),
    Named(E04, "accuracy.train_mode", "accuracy_eval_mode", _accuracy(mode="model.train()", context="with torch.no_grad():"),
          "训练模式", "ran the model in training mode"),
    Named(E04, "accuracy.gradients_left", "accuracy_no_grad",
          _accuracy().replace("predicted = model(inputs).argmax(dim=1)",
                              "outputs = model(inputs)\n        outputs.sum().backward()\n"
                              "        predicted = outputs.argmax(dim=1)"),
          "梯度", "left gradients in the model's parameters"),
    Named(E04, "accuracy.autograd_recording", "accuracy_no_grad", _accuracy(), "自动求导",
          "ran the model with autograd recording"),
    # -- exercise 05: device discipline
    Named(E05, "device.inputs_not_moved", "train_epoch_moves_to_device",
          _loop(TRAIN_EPOCH, move="targets = targets.to(device)"), "输入", "did not move the inputs"),
    Named(E05, "device.cuda_call", "train_epoch_moves_to_device",
          _loop(TRAIN_EPOCH, move="inputs, targets = inputs.cuda(), targets.cuda()"), "设备",
          "moves tensors or the model with .cuda() instead of .to(device)"),
    Named(E05, "device.wrong_device", "train_epoch_moves_to_device",
          _loop(TRAIN_EPOCH, move='inputs, targets = inputs.to("cuda"), targets.to("cuda")'), "传入的设备",
          "not to the device it is given"),
    Named(E05, "device.model_not_moved", "evaluate_moves_to_device", _loop(EVALUATE, model="pass"), "模型",
          "did not move the model"),
    Named(E05, "device.targets_not_moved", "evaluate_moves_to_device",
          _loop(EVALUATE, move="inputs = inputs.to(device)"), "目标标签", "did not move the targets"),
    Named(E05, "evaluate.percentage", "evaluate_value",
          _loop(EVALUATE).replace("return correct / seen", "return 100 * correct / seen"), "百分比", "a percentage"),
    Named(E05, "get_device.string", "get_device_with_cuda",
          "\ndef get_device():\n    return 'cuda:0' if torch.cuda.is_available() else 'cpu'\n", "字符串",
          "returned the string 'cuda:0'"),
    Named(E05, "network.softmax_output", "net_forward", _net("return F.softmax(super().forward(x), dim=1)"), None,
          "softmax applied to the output"),
    Named(E05, "network.log_softmax_output", "net_forward", _net("return F.log_softmax(super().forward(x), dim=1)"),
          None, "log_softmax applied to the output"),
    # -- exercise 06: the deeper CNN
    Named(E06, "network.softmax_output", "layer_counts", _deepnet("softmax"), "输出",
          "DeepNet applies softmax to its output"),
    Named(E06, "network.log_softmax_output", "layer_counts", _deepnet("log_softmax"), "输出",
          "DeepNet applies log_softmax to its output"),
    Named(E06, "network.relu_on_logits", "layer_counts", "_ReferenceDeepNet = DeepNet\n" + _module(
        "DeepNet", "pass", "return F.relu(super().forward(x))", base="_ReferenceDeepNet"), "ReLU",
          "DeepNet applies ReLU after its last Linear layer"),
]


def _defines(source: str) -> tuple[str, ...]:
    """The public names a variant redefines (a bundle holds one variant of each)."""
    tree = ast.parse(textwrap.dedent(source))
    return tuple(n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and not n.name.startswith("_"))


def _bundles() -> dict[tuple[str, str], int]:
    """(exercise, source) -> its bundle: the n-th variant of a function goes in bundle n."""
    slots: dict[tuple[str, str], int] = {}
    counts: dict[tuple[str, tuple[str, ...]], int] = {}
    for named in NAMED:
        key = (named.exercise, named.source)
        if key not in slots:
            defines = (named.exercise, _defines(named.source))
            slots[key] = counts.get(defines, 0)
            counts[defines] = slots[key] + 1
    return slots


BUNDLE_OF = _bundles()


@pytest.fixture(scope="module")
def graded() -> dict[tuple[str, int, str], ExerciseResult]:
    return {}


def _check(grade, tmp_path_factory, graded, named: Named, language: str) -> CheckResult:
    bundle = BUNDLE_OF[(named.exercise, named.source)]
    key = (named.exercise, bundle, language)
    if key not in graded:
        members = list(dict.fromkeys(
            n.source for n in NAMED if n.exercise == named.exercise and BUNDLE_OF[(n.exercise, n.source)] == bundle))
        folder = tmp_path_factory.mktemp(f"{named.exercise}_bundle_{bundle}_{language}")
        reference = (REPO_ROOT / "solutions" / f"{named.exercise}.py").read_text()
        (folder / f"{named.exercise}.py").write_text(
            reference + "".join(f"\n\n# --- a mistake under test ---\n{textwrap.dedent(m)}" for m in members))
        with use_language(language, COURSE_LOCALE):
            graded[key] = grade(named.exercise, folder)
    return by_id(graded[key])[named.check]


def _mistake(named: Named, course):
    return next(m for m in course_mistakes(course)[named.exercise] if m.id == named.mistake)


def test_every_named_mistake_of_every_exercise_has_a_wrong_submission_here(course):
    listed = {(exercise, m.id) for exercise, mistakes in course_mistakes(course).items() for m in mistakes}
    here = [(n.exercise, n.mistake) for n in NAMED]
    assert len(here) == len(set(here)), "a mistake is listed twice"
    assert listed - UNREACHABLE == set(here), (
        f"without a submission here: {sorted(listed - UNREACHABLE - set(here))}; "
        f"not a mistake of its exercise: {sorted(set(here) - listed)}")
    # Bundles never hold two variants of one function.
    for exercise in {n.exercise for n in NAMED}:
        by_bundle: dict[int, list[str]] = {}
        for source in dict.fromkeys(n.source for n in NAMED if n.exercise == exercise):
            by_bundle.setdefault(BUNDLE_OF[(exercise, source)], []).extend(_defines(source))
        for names in by_bundle.values():
            assert len(names) == len(set(names)), (exercise, names)


@pytest.mark.parametrize("named", NAMED, ids=[n.id for n in NAMED])
def test_a_wrong_submission_is_told_its_mistake_in_chinese(grade, tmp_path_factory, graded, course, named):
    if named.zh is None:
        mistake = _mistake(named, course)
        with use_language("zh", COURSE_LOCALE):
            term = mistake.text
        if not CJK.search(term):
            pytest.skip(f"the engine's catalog has no Chinese for {mistake.id!r} yet (its helpers tell this one)")
    else:
        term = named.zh
    check = _check(grade, tmp_path_factory, graded, named, "zh")
    assert named.mistake in [m.id for m in check.mistakes], check.message
    assert term in check.message, check.message
    assert named.en not in check.message, check.message
    # The record of the mistake carries the message the student read.
    assert all(m.message == check.message for m in check.mistakes)


@pytest.mark.parametrize("named", NAMED, ids=[n.id for n in NAMED])
def test_the_same_submission_is_told_its_mistake_in_english(grade, tmp_path_factory, graded, named):
    check = _check(grade, tmp_path_factory, graded, named, "en")
    assert named.mistake in [m.id for m in check.mistakes], check.message
    assert named.en in check.message, check.message
    assert not CJK.search(check.message), check.message


def test_a_translated_message_keeps_its_numbers_and_code():
    """Placeholders carry the numbers, shapes and code of a message into any language."""
    message = "corr2d(x of {h}x{w}, k of {kh}x{kw})"
    with use_language("zh", COURSE_LOCALE):
        told = tr(message, h=7, w=5, kh=2, kw=3)
    assert told != tr(message, h=7, w=5, kh=2, kw=3) and CJK.search(told)
    assert "7x5" in told and "2x3" in told and told.startswith("corr2d")


def _named(mistake: str) -> Named:
    return next(n for n in NAMED if n.mistake == mistake)


def test_what_a_number_should_be_is_one_sentence(grade, tmp_path_factory, graded):
    """The check words "expected the mean batch loss {expected}" whole: Chinese puts the
    number after the words, with no fragment glued in front of it."""
    named = _named("train_epoch.last_batch_loss")
    zh = _check(grade, tmp_path_factory, graded, named, "zh").message
    en = _check(grade, tmp_path_factory, graded, named, "en").message
    assert re.match(r"train_epoch\(\) returned [-\d.e]+, expected the mean batch loss [-\d.e]+: looks like ", en), en
    assert re.match(r"train_epoch\(\) 返回了 [-\d.e]+，应为各批次损失的平均值 [-\d.e]+：看起来是", zh), zh


def test_a_mistake_named_about_an_expression_is_one_sentence(grade, tmp_path_factory, graded):
    """ "corr2d(x of 6x6, k of 3x3) looks like ...": no ASCII space glued between the
    translated expression and the Chinese phrase."""
    named = _named("corr2d.kernel_flipped")
    zh = _check(grade, tmp_path_factory, graded, named, "zh").message
    en = _check(grade, tmp_path_factory, graded, named, "en").message
    assert en.startswith("corr2d(x, k) looks like a true convolution"), en
    assert zh.startswith("corr2d(x, k)：看起来是"), zh
    # The random inputs' expression, translated, ends with a full-width parenthesis.
    import torch

    from grader.authoring import CheckFailed, Mistake, expect_tensor

    flipped = Mistake("corr2d.kernel_flipped", "the kernel is flipped")
    for language, expected in (("en", "corr2d(x of 6x6, k of 3x3) looks like "),
                               ("zh", "corr2d（x 为 6x6，k 为 3x3）：看起来是")):
        with use_language(language, COURSE_LOCALE), pytest.raises(CheckFailed) as raised:
            what = tr("corr2d(x of {h}x{w}, k of {kh}x{kw})", h=6, w=6, kh=3, kw=3)
            expect_tensor(torch.ones(4, 4) * 2, torch.ones(4, 4), what, mistakes={flipped: torch.ones(4, 4) * 2})
        assert raised.value.message.startswith(expected), raised.value.message


def _deepnet_checks():
    import importlib.util

    spec = importlib.util.spec_from_file_location("exercise_06_checks", REPO_ROOT / "checks" / "exercise_06" / "checks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Traced:
    """A student whose DeepNet's forward ran these layer operations (the probe's tags)."""

    def __init__(self, ops: list[str]) -> None:
        self.ops = ops

    def probe(self, *args, **kwargs):
        return {"is_module": True, "ops": self.ops}


@pytest.mark.parametrize("ops, english, chinese", [
    ("conv maxpool conv relu maxpool conv relu maxpool linear relu linear relu linear",
     "DeepNet: no ReLU after the first convolution", "DeepNet：第一个卷积之后没有 ReLU"),
    ("conv relu maxpool conv relu conv relu maxpool maxpool linear relu linear relu linear",
     "DeepNet: no max pooling after the second convolution", "DeepNet：第二个卷积之后没有最大池化"),
    ("conv relu relu maxpool conv relu maxpool maxpool conv linear linear linear",
     "DeepNet: no ReLU or max pooling after the third convolution", "DeepNet：第三个卷积之后既没有 ReLU 也没有最大池化"),
])
def test_what_a_deepnet_block_lacks_is_said_in_words(ops, english, chinese):
    """Not the probe's tags ("relu", "maxpool") joined into the sentence."""
    from grader.authoring import CheckFailed

    checks = _deepnet_checks()
    for language, expected in (("en", english), ("zh", chinese)):
        with use_language(language, COURSE_LOCALE), pytest.raises(CheckFailed) as raised:
            checks.check_layer_counts(_Traced(ops.split()))
        assert raised.value.message == expected
