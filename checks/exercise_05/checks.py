"""Checks for exercise 05: LeNet, device handling, and training on MNIST.

Device discipline is checked the same way on every machine: the student's loops get
batches whose tensors refuse to compute until moved with `.to(device)` and a model
that refuses to run until `model.to(device)` (grader.probes.devices). The MNIST
check first runs two such batches through the student's train_epoch, so a loop that
would crash on a GPU fails on a CPU too. With CUDA present the loops also run for
real on the GPU.

The MNIST check trains the student's Net with the student's train_epoch in the
sandbox, which sees the test images but not their labels: it returns predictions
and the accuracy is computed here.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from grader.authoring import Arguments, CheckFailed, Mistake, check, expect_tensor
from grader.authoring.modules import (
    LOG_SOFTMAX_OUTPUT,
    SOFTMAX_OUTPUT,
    CONFIRMING_SEED,
    computes_as_described,
    expect_layer_sizes,
    expect_loadable,
    expect_logits,
    expect_module,
    expect_relu_between,
    expect_structure,
    weights_of,
)
from grader.authoring.training import accuracy_signature, close, expect_python_float
from grader.i18n import N_, tr
from grader.probes.training import Budget, loader, parameters_of, training_threads

PROBES = Path(__file__).with_name("probes.py")
# transforms.Normalize((0.1307,), (0.3081,)), as the course's notes (and course.toml) have it:
# a Net that normalises its input once more computes the reference on this.
MNIST_NORMALISATION = (0.1307, 0.3081)
THRESHOLD = 0.98
MNIST_TIMEOUT_S = 900

DEVICE_AS_STRING = Mistake("get_device.string", "get_device returns a string instead of a torch.device")
CUDA_CALL = Mistake("device.cuda_call", "moves tensors with .cuda() instead of .to(device)")
WRONG_DEVICE = Mistake("device.wrong_device", "moves tensors to a device other than the one it is given")
# Written out (not built from f-strings) so that the message catalog finds each title.
NOT_MOVED = {
    "model": Mistake("device.model_not_moved", "the model not moved to the device"),
    "inputs": Mistake("device.inputs_not_moved", "the inputs not moved to the device"),
    "targets": Mistake("device.targets_not_moved", "the targets not moved to the device"),
}
EVALUATE_PERCENT = Mistake("evaluate.percentage", "evaluate returns a percentage")


def budget() -> Budget:
    # As many threads as this grading process has (the machine's, or a batch job's share; it
    # waits meanwhile), at most 4:
    # LeNet's small convolutions gain little beyond that.
    # Chosen so that the reference LeNet reaches >= 98% on every seed tried
    # (benchmarks/bench_training.py); the short decay settles the last epoch.
    return Budget(lrs=(2e-3, 1e-3, 2.5e-4), batch_size=64, threads=training_threads())


def _describe(student) -> dict:
    description = student.probe(PROBES, "describe_model", "Net", [2, 1, 28, 28], what="Net()")
    expect_module(description, "Net()")
    return description


def _expect_attributes(description: dict) -> None:
    """The attributes the exercise names: conv1, conv2, fc and pooling, of these classes and sizes."""
    registered = {layer["name"]: layer for layer in description["registered"]}
    expected = {
        "conv1": ("Conv2d", (1, 10), [5, 5]),
        "conv2": ("Conv2d", (10, 20), [5, 5]),
        "fc": ("Linear", (320, 10), None),
    }
    for name, (kind, (size_in, size_out), kernel) in expected.items():
        layer = registered.get(name)
        if layer is None:
            raise CheckFailed(tr("Net has no layer attribute `{name}` (its layers: {names})",
                                 name=name, names=", ".join(registered) or tr("none")))
        if layer["type"] != kind:
            raise CheckFailed(tr("Net.{name} is a {type}, expected nn.{kind}", name=name, type=layer["type"], kind=kind))
        if (layer["in"], layer["out"]) != (size_in, size_out):
            raise CheckFailed(tr("Net.{name} maps {got_in} to {got_out}, expected {size_in} to {size_out}",
                                 name=name, got_in=layer["in"], got_out=layer["out"], size_in=size_in,
                                 size_out=size_out))
        if kernel and layer["kernel"] != kernel:
            raise CheckFailed(tr("Net.{name} has kernel size {kernel}, expected (5, 5)",
                                 name=name, kernel=tuple(layer["kernel"])))
    pooling = registered.get("pooling")
    if pooling is None or pooling["type"] != "MaxPool2d" or pooling["kernel"] not in (2, [2, 2]):
        raise CheckFailed(tr("Net.pooling should be nn.MaxPool2d(2)"))


def _expect_forward_layers(description: dict) -> None:
    """What forward computes: two convolutions, each pooled then rectified, logits out."""
    expect_layer_sizes(description, "Conv2d", [(1, 10), (10, 20)], "Net")
    ops = description["ops"]
    if ops.count("maxpool") != 2:
        raise CheckFailed(tr("Net.forward pools {n} times, expected 2 (after each convolution)", n=ops.count("maxpool")))
    expect_relu_between(description, "Net.forward", layer_kind="conv")
    if ops.count("relu") < 2:
        raise CheckFailed(tr("Net.forward applies ReLU {n} times, expected 2 (after each pooling)", n=ops.count("relu")))
    expect_logits(description, "Net.forward")
    if description["output_shape"] != [2, 10]:
        raise CheckFailed(tr("Net()(x) for x of shape (2, 1, 28, 28) has shape {shape}, expected [2, 10]",
                             shape=description["output_shape"]))


def _same_function(student, reference):
    """For expect_structure: does the student's Net compute the reference's, given its weights?
    The reference's side is computed up front, so a student kit's recording has it."""
    torch.manual_seed(7)
    model = reference.Net().eval()
    weights, x = weights_of(model), torch.randn(3, 1, 28, 28)
    with torch.no_grad():
        expected = model(x)

    def same() -> bool:
        result = student.probe(PROBES, "run_with_weights", "Net", weights, [x], what="Net()")
        try:
            (got,) = expect_loadable(result, weights, "Net()")
            expect_tensor(got, expected, "Net()(x)")
        except CheckFailed:
            return False
        return True
    return same


def _lenet(pairs: list[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """The described Net from its (weight, bias) pairs: two convolutions, each pooled then
    rectified, flattened into one linear layer."""
    conv1, bias1, conv2, bias2, fc, fc_bias = pairs
    x = F.relu(F.max_pool2d(F.conv2d(x, conv1, bias1), 2))
    x = F.relu(F.max_pool2d(F.conv2d(x, conv2, bias2), 2))
    return F.linear(x.reshape(x.shape[0], -1), fc, fc_bias)


def _as_described(student, description: dict):
    """For a description the structure check believes: does Net, with weights drawn from the
    grader's seed, compute what a Net of that description computes with them? Compared
    here, on the grader's input."""
    torch.manual_seed(8)
    inputs = [torch.randn(2, 1, 28, 28)]

    def confirmed() -> bool:
        result = student.probe(PROBES, "run_seeded", "Net", CONFIRMING_SEED, inputs, what="Net()")
        return computes_as_described(description, result, _lenet, inputs)
    return confirmed


@check(points=2, title="Net: conv1 (1->10, 5x5), conv2 (10->20, 5x5), pooling (2), fc (320->10)")
def check_net_structure(student, reference):
    description = _describe(student)
    expect_structure(
        "Net",
        asked=[lambda: _expect_attributes(description)],
        computed=[lambda: _expect_forward_layers(description)],
        same_function=_same_function(student, reference),
        as_described=_as_described(student, description),
    )


@check(points=2, title="Net: same outputs as the reference with the same weights")
def check_net_forward(student, reference):
    torch.manual_seed(7)
    model = reference.Net()
    weights = weights_of(model)
    x = torch.randn(3, 1, 28, 28)
    result = student.probe(PROBES, "run_with_weights", "Net", weights, [x], what="Net()")
    (got,) = expect_loadable(result, weights, "Net()")
    model.eval()
    with torch.no_grad():
        expected = model(x)
    expect_tensor(got, expected, tr("Net()(x) with the reference's weights"), mistakes={
        SOFTMAX_OUTPUT: expected.softmax(dim=1),
        LOG_SOFTMAX_OUTPUT: expected.log_softmax(dim=1),
    }, reference=Arguments(lambda x: _lenet(weights, x), "Net()", inputs=("x",), off_by_one=(),
                           normalisations=(MNIST_NORMALISATION,)).call(x))


def _expect_device(got, expected: torch.device, world: str) -> None:
    if isinstance(got, str):
        raise CheckFailed(tr("get_device() returned the string {got} {world}; return torch.device({got})",
                             got=repr(got), world=tr(world)), (DEVICE_AS_STRING,))
    if not isinstance(got, torch.device):
        raise CheckFailed(tr("get_device() returned {type} {world}, expected a torch.device",
                             type=type(got).__name__, world=tr(world)))
    if got.type != expected.type or (got.index not in (None, 0)):
        raise CheckFailed(tr("get_device() returned {got} {world}, expected {expected}",
                             got=got, world=tr(world), expected=expected))


@check(points=1, title="get_device: cuda:0 when CUDA is available")
def check_get_device_with_cuda(student):
    got = student.probe(PROBES, "get_device", True, what="get_device()")
    _expect_device(got, torch.device("cuda:0"), N_("when CUDA is available"))


@check(points=1, title="get_device: cpu when CUDA is not available")
def check_get_device_without_cuda(student):
    got = student.probe(PROBES, "get_device", False, what="get_device()")
    _expect_device(got, torch.device("cpu"), N_("when CUDA is not available"))


_HOW_TO_MOVE = {  # translated where shown
    "model": N_("the model (call model.to(device) at the start)"),
    "inputs": N_("the inputs (inputs = inputs.to(device) for every batch)"),
    "targets": N_("the targets (targets = targets.to(device) for every batch)"),
}


def _loop_problem() -> tuple[list[torch.Tensor], torch.Tensor, torch.Tensor]:
    torch.manual_seed(17)
    weights = parameters_of(nn.Sequential(nn.Flatten(), nn.Linear(784, 10)))
    return weights, torch.randn(12, 1, 28, 28), torch.randint(0, 10, (12,))


def _device_problem(what: str, result: dict) -> tuple[str, list[Mistake]]:
    """The message for a guarded loop's refusal ("" when it was not refused), and the
    named mistakes it shows: the same on every machine, GPU or not (see grader.probes.devices)."""
    if "wrong_device" in result:
        return (
            tr("{what} moves tensors or the model to {device}, not to the device it is given ({given}): "
               "that fails on machines without that device; use .to(device)",
               what=what, device=result["wrong_device"], given=result["given"]),
            [WRONG_DEVICE],
        )
    if "not_moved" in result and "cuda()" in result["not_moved"]:
        return (
            tr("{what} moves tensors or the model with .cuda() instead of .to(device): that fails on machines "
               "without a GPU and ignores the device it is given; use .to(device)", what=what),
            [CUDA_CALL],
        )
    if "not_moved" in result:
        missing = [tr(_HOW_TO_MOVE[role]) if role in _HOW_TO_MOVE else role for role in result["not_moved"]]
        return (
            tr("{what} did not move {missing} to the device; on a GPU this fails with "
               "'Expected all tensors to be on the same device'", what=what, missing=tr(" and ").join(missing)),
            [NOT_MOVED[role] for role in result["not_moved"] if role in NOT_MOVED],
        )
    return "", []


def _expect_moves(student, function: str) -> None:
    weights, x, y = _loop_problem()
    what = f"{function}()"
    result = student.probe(PROBES, "guarded_loop", function, weights, x, y, what=what)
    problem, mistakes = _device_problem(what, result)
    if problem:
        raise CheckFailed(problem, mistakes)
    real = student.probe(PROBES, "real_cuda_loop", function, weights, x, y, what=what)
    if "error" in real:
        raise CheckFailed(tr("{what} failed on the GPU: {error}", what=what, error=real["error"]))
    if real.get("model_on_device") is False:
        raise CheckFailed(tr("after {what} on the GPU the model's parameters are not on the GPU: call model.to(device)",
                             what=what), (NOT_MOVED["model"],))


@check(points=2, title="train_epoch: moves the model, inputs and targets to the device")
def check_train_epoch_moves_to_device(student):
    _expect_moves(student, "train_epoch")


@check(points=2, title="evaluate: moves the model, inputs and targets to the device")
def check_evaluate_moves_to_device(student):
    _expect_moves(student, "evaluate")


@check(points=1, title="evaluate: accuracy as a fraction in [0, 1]")
def check_evaluate_value(student, reference):
    weights, x, y = _loop_problem()
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    with torch.no_grad():
        for param, value in zip(model.parameters(), weights):
            param.copy_(value)
    expected = reference.evaluate(model, loader(x, y, 4), torch.device("cpu"))
    got = expect_python_float(student.probe(PROBES, "evaluate_value", weights, x, y, what="evaluate()"), "evaluate()")
    if close(got, 100 * expected) and expected:
        raise CheckFailed(tr("evaluate() returned {got}, a percentage; return a fraction in [0, 1] ({expected})",
                             got=f"{got:g}", expected=f"{expected:g}"), (EVALUATE_PERCENT,))
    if not close(got, expected):
        raise CheckFailed(tr("evaluate() returned {got}, expected {expected}", got=f"{got:g}", expected=f"{expected:g}"))


def accuracy_of(figures: dict, test_labels: torch.Tensor, what: str) -> float:
    predictions = figures.get("predictions")
    if not isinstance(predictions, torch.Tensor) or predictions.shape != test_labels.shape:
        raise CheckFailed(tr("{what} produced no usable predictions", what=what))
    return float((predictions.long() == test_labels).double().mean())


@check(points=5, title="Net trained with your train_epoch reaches >= 98% test accuracy on MNIST",
       timeout_s=MNIST_TIMEOUT_S)
def check_mnist_accuracy(mnist, student, comparison):
    plan = budget()
    what = tr("training your Net with your train_epoch on MNIST")
    figures = student.probe(PROBES, "train_net_on_mnist", str(mnist.child_file), list(mnist.normalisation), plan.as_dict(), what=what)
    problem, mistakes = _device_problem("train_epoch()", figures)
    if problem:
        # On a GPU this training would crash at its first batch: no machine trains it.
        raise CheckFailed(tr("{what} stopped at the first batch: {problem}", what=what, problem=problem), mistakes)
    accuracy = accuracy_of(figures, mnist.test_labels, what)
    # The comparison's row and column names stay English in the results (they are data keys);
    # N_ puts them in the catalog for a report that shows them translated.
    comparison[N_("Net (yours)")] = {
        N_("parameters"): int(figures["params"]),
        N_("MACs per image"): int(figures["macs"]),
        N_("training time (s)"): round(float(figures["train_seconds"]), 1),
        N_("test accuracy (%)"): round(100 * accuracy, 2),
    }
    losses = ", ".join(f"{v:.3f}" if isinstance(v, float) else repr(v) for v in figures.get("losses", []))
    if accuracy < THRESHOLD:
        signature = accuracy_signature(figures["predictions"], mnist.test_labels, figures.get("losses"))
        if signature is not None:
            raise CheckFailed(tr("{what}: {signature}", what=what, signature=signature[0]), (signature[1],))
        raise CheckFailed(tr(
            "test accuracy {accuracy}% after {training}; at least {threshold}% is required (the reference "
            "reaches it on every seed). Epoch losses returned by train_epoch: {losses}",
            accuracy=f"{100 * accuracy:.2f}", training=plan.describe(), threshold=f"{100 * THRESHOLD:g}",
            losses=losses,
        ))
