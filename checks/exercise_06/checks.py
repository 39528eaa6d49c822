"""Checks for exercise 06: the deeper CNN, trained on MNIST and compared with Net.

Layers are counted from what forward executes (grader.probes.modules traces torch
calls), so F.relu counts as much as nn.ReLU. The student's DeepNet is trained in
the sandbox with the course's own loop and budget; the course's Net (exercise 05's
reference) is trained here, in the grading process, with the same budget, for the
side-by-side figures. Both need the course's solutions, so that check is hidden:
graded by the instructor, absent from the student kit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from grader.authoring import CheckFailed, Mistake, check
from grader.authoring.modules import SQUASHED_OUTPUT, expect_module, expect_repeatable
from grader.authoring.training import accuracy_signature
from grader.data.mnist.prepared import CheckData, load_child_file
from grader.i18n import N_, tr
from grader.probes.modules import count_macs
from grader.probes.training import Budget, train_on, training_threads

PROBES = Path(__file__).with_name("probes.py")
TRAINING_PROBES = Path(__file__).with_name("training_probes.py")
THRESHOLD = 0.98
MNIST_TIMEOUT_S = 1200
RELU_ON_LOGITS = Mistake("network.relu_on_logits", "ReLU applied to the logits", "ReLU applied after the last layer")
EXPECTED = {"conv": 3, "relu": 3, "maxpool": 3, "linear": 3}
NAMES = {"conv": "Conv2d", "relu": "ReLU", "maxpool": "MaxPool2d", "linear": "Linear"}
# One whole message per block and per what it lacks (an ordinal word does not translate
# on its own, nor does "no" before a list): translated where shown. The keys are the
# probe's tags, which are no words.
NO_BLOCK_END = {
    ("relu",): (
        N_("DeepNet: no ReLU after the first convolution"),
        N_("DeepNet: no ReLU after the second convolution"),
        N_("DeepNet: no ReLU after the third convolution"),
    ),
    ("maxpool",): (
        N_("DeepNet: no max pooling after the first convolution"),
        N_("DeepNet: no max pooling after the second convolution"),
        N_("DeepNet: no max pooling after the third convolution"),
    ),
    ("relu", "maxpool"): (
        N_("DeepNet: no ReLU or max pooling after the first convolution"),
        N_("DeepNet: no ReLU or max pooling after the second convolution"),
        N_("DeepNet: no ReLU or max pooling after the third convolution"),
    ),
}


def budget() -> Budget:
    # The same budget as exercise 05's Net gets, so the two compare.
    return Budget(lrs=(2e-3, 1e-3, 2.5e-4), batch_size=64, threads=training_threads())


def _describe(student, shape: list[int]) -> dict:
    description = student.probe(PROBES, "describe_model", shape, what="DeepNet()")
    expect_module(description, "DeepNet()")
    return description


@check(points=3, title="DeepNet: 3 Conv2d, 3 ReLU, 3 MaxPool2d and 3 Linear layers run in forward")
def check_layer_counts(student):
    description = _describe(student, [2, 1, 28, 28])
    ops = description["ops"]
    counts = {kind: ops.count(kind) for kind in EXPECTED}
    wrong = [
        f"{counts[kind]} {NAMES[kind]}" for kind, wanted in EXPECTED.items()
        if (counts[kind] < wanted if kind == "relu" else counts[kind] != wanted)
    ]
    if wrong:
        found = ", ".join(f"{counts[k]} {NAMES[k]}" for k in EXPECTED)
        raise CheckFailed(tr(
            "DeepNet's forward runs {found}; expected three of each (wrong: {wrong}). "
            "Layers are counted from what forward executes, so a layer defined in __init__ but "
            "never called does not count", found=found, wrong=", ".join(wrong),
        ))
    convs = [i for i, op in enumerate(ops) if op == "conv"]
    for index, (start, stop) in enumerate(zip(convs, [*convs[1:], len(ops)])):
        block = ops[start:stop]
        if "relu" not in block or "maxpool" not in block:
            missing = tuple(k for k in ("relu", "maxpool") if k not in block)
            raise CheckFailed(tr(NO_BLOCK_END[missing][index]))
    after_logits = ops[max(i for i, op in enumerate(ops) if op == "linear"):]
    squash = [op for op in after_logits if op in ("softmax", "log_softmax")]
    if squash:
        raise CheckFailed(tr("DeepNet applies {function} to its output; return the logits", function=squash[0]),
                          (SQUASHED_OUTPUT[squash[0]],))
    if "relu" in after_logits:
        # Three ReLUs still run between the blocks, and training may still reach the target:
        # only the order of what forward runs shows it.
        raise CheckFailed(tr("DeepNet applies ReLU after its last Linear layer: every negative score becomes 0, "
                             "so the loss cannot push a wrong class below the others; return the logits (raw "
                             "scores)"), (RELU_ON_LOGITS,))


@check(points=1, title="DeepNet: (N, 1, 28, 28) -> (N, 10), one output per input in eval mode")
def check_output_shape(student):
    for n in (1, 5):
        description = _describe(student, [n, 1, 28, 28])
        if description["output_shape"] != [n, 10]:
            got = description["output_shape"] or description["output_type"]
            raise CheckFailed(tr("DeepNet()(x) for x of shape ({n}, 1, 28, 28) has shape {shape}, expected [{n}, 10]",
                                 n=n, shape=got))
        # Dropout left on in eval mode still reaches the accuracy target: only this sees it.
        expect_repeatable(description, tr("DeepNet()(x) for x of shape ({n}, 1, 28, 28)", n=n))


def _course_net_figures(mnist: CheckData, plan: Budget, course_net: Any) -> dict[str, float | str]:
    """The course's Net (exercise 05's reference module) under the same budget, trained
    here, in the grading process. The same for every student: asked through `once`, keyed
    without the thread count: a training's threads follow the cores free when it starts
    (grader.cores), and the figures are the same budget's either way."""
    data = load_child_file(mnist.child_file, mnist.normalisation)
    threads = torch.get_num_threads()
    torch.set_num_threads(plan.threads)
    try:
        torch.manual_seed(plan.seed)
        model = course_net.Net()
        device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
        figures = train_on(model, course_net.train_epoch, data.train_x, data.train_y, data.test_x, plan, device)
    finally:
        torch.set_num_threads(threads)
    accuracy = float((figures["predictions"].long() == mnist.test_labels).double().mean())
    return _row(sum(p.numel() for p in model.parameters()), count_macs(model.cpu(), data.test_x[:1]),
                figures["train_seconds"], accuracy)


def _row(params: int, macs: int, seconds: float, accuracy: float) -> dict[str, float | str]:
    # Data keys, English in the results; N_ puts them in the catalog for a translated report.
    return {
        N_("parameters"): params,
        N_("MACs per image"): macs,
        N_("training time (s)"): round(seconds, 1),
        N_("test accuracy (%)"): round(100 * accuracy, 2),
    }


@check(points=5, title="DeepNet reaches >= 98% test accuracy on MNIST; compared with Net", timeout_s=MNIST_TIMEOUT_S,
       hidden=True)
def check_mnist_accuracy(mnist, student, comparison, reference_of, once):
    plan = budget()
    what = tr("training your DeepNet on MNIST")
    figures = student.probe(TRAINING_PROBES, "train_deepnet_on_mnist", str(mnist.child_file),
                            list(mnist.normalisation), plan.as_dict(), what=what)
    predictions = figures.get("predictions")
    if not isinstance(predictions, torch.Tensor) or predictions.shape != mnist.test_labels.shape:
        raise CheckFailed(tr("{what} produced no usable predictions", what=what))
    accuracy = float((predictions.long() == mnist.test_labels).double().mean())
    comparison[N_("DeepNet (yours)")] = _row(int(figures["params"]), int(figures["macs"]), float(figures["train_seconds"]), accuracy)
    # Trained once per batch in `grader grade` (whichever job asks first), once per session otherwise.
    comparison[N_("Net (course)")] = once(f"course-net:{plan.lrs}:{plan.batch_size}:{plan.seed}",
                                          lambda: _course_net_figures(mnist, plan, reference_of("exercise_05")))
    if accuracy < THRESHOLD:
        signature = accuracy_signature(predictions, mnist.test_labels)
        if signature is not None:
            raise CheckFailed(tr("{what}: {signature}", what=what, signature=signature[0]), (signature[1],))
        raise CheckFailed(tr(
            "test accuracy {accuracy}% after {training}; at least {threshold}% is required",
            accuracy=f"{100 * accuracy:.2f}", training=plan.describe(), threshold=f"{100 * THRESHOLD:g}",
        ))
