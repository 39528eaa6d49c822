"""Checks for exercise 04: the training loop, checked exactly.

The student's train/train_epoch/accuracy run in the sandbox on a network and data
chosen here; the reference runs here on an identical copy. Losses and final
parameters must match the reference's. When they do not, the mistake whose run
reproduces the student's numbers is named. Those runs are the reference's too
(solutions/exercise_04.py's train_with_mistakes and train_epoch_with_mistakes), asked
for before the student's answer is known: a student kit replays them from its tape and
never carries the loops, which with no mistake asked for are the answers themselves.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable

import torch
from torch import nn, optim

from grader.authoring import CheckFailed, Mistake, check
from grader.authoring.training import (
    TrainingRun,
    close,
    expect_close_float,
    expect_float_list,
    expect_python_float,
    expect_same_parameters,
    explain,
)
from grader.i18n import N_, tr
from grader.probes.training import loader, mlp, parameters_of, with_weights

PROBES = Path(__file__).with_name("probes.py")
SIZES = [4, 16, 3]
EPOCH_BATCH, EPOCH_LR, EPOCH_MOMENTUM = 4, 0.1, 0.9

# The mistakes these checks name; "says" completes "... what they would be if ...".
ZERO_GRAD_MISSING = Mistake("train.zero_grad_missing", "optimizer.zero_grad() missing",
                            "optimizer.zero_grad() were missing (gradients accumulate from epoch to epoch)")
# step() before backward() and zero_grad() between backward() and step() leave the same
# trace (every step sees zero gradients: the parameters never change), so the words name both.
STEP_BEFORE_BACKWARD = Mistake("train.step_before_backward", "optimizer.step() before loss.backward()",
                               "optimizer.step() ran while the gradients were zero: step() before loss.backward(), "
                               "or zero_grad() between backward() and step() (the parameters never change)")
SOFTMAX_BEFORE_LOSS = Mistake(
    "train.softmax_before_loss", "softmax before nn.CrossEntropyLoss",
    "softmax were applied before nn.CrossEntropyLoss (it applies log-softmax itself; pass it the logits)")
SUM_REDUCTION = Mistake(
    "train.sum_reduction", "the loss summed over samples (reduction='sum')",
    "the loss were summed over the samples (reduction='sum') instead of averaged: every gradient, and so "
    "every step, is N times too large")
WRONG_LR = Mistake("train.wrong_lr", "a learning rate other than the lr argument")
LR_IGNORED = Mistake("train.lr_ignored", "the lr argument ignored")
EPOCHS_IGNORED = Mistake("train.epochs_ignored", "the epochs argument ignored",
                         "the epochs argument were ignored (20 epochs instead of 7)")
LOSS_AFTER_STEP = Mistake("train.loss_after_step", "each epoch's loss measured after the step")
EPOCH_ZERO_GRAD_MISSING = Mistake(
    "train_epoch.zero_grad_missing", "optimizer.zero_grad() missing in train_epoch",
    "optimizer.zero_grad() were missing (gradients accumulate from batch to batch)")
EPOCH_STEP_BEFORE_BACKWARD = Mistake("train_epoch.step_before_backward",
                                     "optimizer.step() before loss.backward() in train_epoch",
                                     "optimizer.step() ran while the gradients were zero: step() before "
                                     "loss.backward(), or zero_grad() between backward() and step()")
EPOCH_SOFTMAX_BEFORE_LOSS = Mistake(
    "train_epoch.softmax_before_loss", "softmax before the criterion in train_epoch",
    "softmax were applied before the criterion (nn.CrossEntropyLoss applies log-softmax itself; pass it the logits)")
OWN_OPTIMIZER = Mistake(
    "train_epoch.own_optimizer", "train_epoch makes its own optimizer",
    "the optimizer it was given were not used (a new SGD with the same lr but without its momentum)")
LAST_BATCH_LOSS = Mistake("train_epoch.last_batch_loss", "train_epoch returns the last batch's loss",
                          "the last batch's loss, not the mean over the epoch's batches")
SUM_OF_LOSSES = Mistake("train_epoch.sum_of_losses", "train_epoch returns the sum of the batch losses",
                        "the sum of the batch losses, not their mean")
MEAN_OVER_SAMPLES = Mistake(
    "train_epoch.mean_over_samples", "train_epoch weights batch losses by batch size",
    "the mean over samples (batch losses weighted by batch size); return the mean of the batch losses")
SUM_OVER_SAMPLES = Mistake("train_epoch.sum_over_samples", "train_epoch divides the summed losses by the samples",
                           "the sum of the batch losses divided by the number of samples")
ACCURACY_PERCENT = Mistake("accuracy.percentage", "accuracy returns a percentage",
                           "a percentage; return a fraction in [0, 1]")
ACCURACY_BATCH_MEAN = Mistake(
    "accuracy.mean_of_batches", "accuracy averages the per-batch accuracies",
    "the mean of the per-batch accuracies; the last batch is smaller, so count correct predictions and "
    "divide by the number of samples")
ACCURACY_TRAIN_MODE = Mistake("accuracy.train_mode", "accuracy evaluates in training mode (no model.eval())")
ACCURACY_GRADIENTS = Mistake("accuracy.gradients_left", "accuracy calls backward or leaves gradients")
ACCURACY_NO_GRAD = Mistake("accuracy.autograd_recording", "accuracy evaluates without torch.no_grad()")


def _problem(seed: int, n: int) -> tuple[list[torch.Tensor], torch.Tensor, torch.Tensor]:
    torch.manual_seed(seed)
    weights = parameters_of(mlp(SIZES))
    x = torch.randn(n, SIZES[0])
    y = torch.randint(0, SIZES[-1], (n,))
    return weights, x, y


def _train_mistakes(reference, net, x, y, epochs: int, lr: float,
                    variants: dict[Mistake, dict]) -> dict[Mistake, tuple[list[float], list[torch.Tensor]]]:
    """Each mistake's run of train() from `net`'s weights (losses, parameters): the
    classic ones, and `variants` (a wrong lr or epochs)."""
    variants = {
        ZERO_GRAD_MISSING: {"zero_grad": False},
        STEP_BEFORE_BACKWARD: {"step_first": True},
        SOFTMAX_BEFORE_LOSS: {"squash": "softmax"},
        SUM_REDUCTION: {"reduction": "sum"},
        **variants,
    }
    runs = reference.train_with_mistakes(net, x, y, epochs, lr, list(variants.values()))
    return {mistake: (losses, params) for mistake, (losses, params) in zip(variants, runs)}


def _lr(mistake: Mistake, says: str) -> Mistake:
    """One id for every wrong learning rate, told with the rate that reproduces the answer
    (`says` comes translated: the rates fill its placeholders)."""
    return Mistake(mistake.id, mistake.title, says)


def _run_student_train(student, weights, x, y, kwargs) -> dict:
    result = student.probe(PROBES, "run_train", SIZES, weights, x, y, kwargs, what="train(net, X, y)")
    return {**result, "given": weights}


def _expect_train_matches(result: dict, expected_losses, expected_params, epochs: int,
                          mistakes: Callable[[], dict]) -> None:
    """`mistakes` gives each mistake's run (losses, parameters); it is called, once,
    only if the student's run differs from the reference's."""
    mistakes = functools.cache(mistakes)
    # Wrong weights first: a wrong loop explains wrong losses too.
    expect_same_parameters(result["params"], expected_params, "train()",
                           lambda: {d: p for d, (_, p) in mistakes().items()},
                           losses=(result["returned"], expected_losses),
                           run=TrainingRun.from_probe(result["given"], result))
    losses = expect_float_list(result["returned"], epochs, "train()")
    if not close(losses, expected_losses):
        explained = explain(losses, {d: l for d, (l, _) in mistakes().items()})
        if explained and len(explained[1]) == 1:
            raise CheckFailed(tr("train() returned the losses you would get if {mistake}", mistake=explained[1][0].text),
                              explained[1])
        if explained:
            raise CheckFailed(tr("train() returned losses that {phrase}", phrase=explained[0]))
        shifted = expected_losses[1:]
        if close(losses[:-1], shifted):
            raise CheckFailed(tr("train() returned each epoch's loss measured after the step; record loss.item() of "
                                 "the forward pass that the step used"), (LOSS_AFTER_STEP,))
        raise CheckFailed(tr("train() returned losses {got}..., expected {expected}...",
                             got=[round(v, 4) for v in losses[:3]], expected=[round(v, 4) for v in expected_losses[:3]]))


@check(points=3, title="train: same losses and final weights as the reference (defaults epochs=20, lr=5e-3)")
def check_train_matches_reference(student, reference):
    weights, x, y = _problem(seed=11, n=24)
    net = with_weights(mlp(SIZES), weights)
    runs = _train_mistakes(reference, net, x, y, 20, 5e-3, {
        _lr(WRONG_LR, tr("the learning rate were {wrong} instead of lr=0.005", wrong=wrong)): {"lr": wrong}
        for wrong in (1e-2, 1e-3, 1e-1)
    })
    expected_losses = reference.train(net, x.clone(), y.clone())
    result = _run_student_train(student, weights, x, y, {})
    _expect_train_matches(result, expected_losses, parameters_of(net), 20, lambda: runs)


@check(points=2, title="train: uses the epochs and lr it is given")
def check_train_uses_arguments(student, reference):
    weights, x, y = _problem(seed=12, n=24)
    net = with_weights(mlp(SIZES), weights)
    runs = _train_mistakes(reference, net, x, y, 7, 0.05, {
        _lr(LR_IGNORED, tr("the lr argument were ignored (trained with the default 0.005 instead of lr=0.05)")): {"lr": 5e-3},
        _lr(WRONG_LR, tr("the learning rate were {wrong} instead of lr=0.05", wrong=0.01)): {"lr": 1e-2},
        EPOCHS_IGNORED: {"epochs": 20},
    })
    expected_losses = reference.train(net, x.clone(), y.clone(), epochs=7, lr=0.05)
    result = _run_student_train(student, weights, x, y, {"epochs": 7, "lr": 0.05})
    _expect_train_matches(result, expected_losses, parameters_of(net), 7, lambda: runs)


@check(points=1, title="train: the loss gets the raw logits (no softmax or log_softmax before CrossEntropyLoss)")
def check_train_passes_logits(student):
    weights, x, y = _problem(seed=13, n=12)
    trace = student.probe(PROBES, "trace_train", SIZES, weights, x, y, what="train(net, X, y)")
    for name in trace:
        if name.removeprefix("Tensor.") in ("softmax", "log_softmax"):
            raise CheckFailed(tr(
                "train() applies {function} to the outputs before nn.CrossEntropyLoss; "
                "CrossEntropyLoss applies log-softmax itself: pass it the raw logits",
                function=name.removeprefix("Tensor."),
            ), (SOFTMAX_BEFORE_LOSS,))


def _epoch_runs(reference, model, x, y, variants: list[dict]) -> list[tuple[list[float], list[torch.Tensor]]]:
    """(each batch's loss, final parameters) of one epoch from `model`'s weights, for each
    variant of the classic loop ({} for none)."""
    runs = reference.train_epoch_with_mistakes(model, loader(x, y, EPOCH_BATCH), EPOCH_LR, EPOCH_MOMENTUM, variants)
    return [(losses, params) for losses, params in runs]


def _run_student_epoch(student, weights, x, y) -> dict:
    return student.probe(PROBES, "run_train_epoch", SIZES, weights, x, y, EPOCH_BATCH, EPOCH_LR, EPOCH_MOMENTUM,
                         what="train_epoch(model, loader, optimizer, criterion)")


@check(points=2, title="train_epoch: one step per batch, same final weights as the reference")
def check_train_epoch_parameters(student, reference):
    weights, x, y = _problem(seed=21, n=10)  # batches of 4, 4 and 2
    model = with_weights(mlp(SIZES), weights)
    mistakes = {EPOCH_ZERO_GRAD_MISSING: {"zero_grad": False}, EPOCH_STEP_BEFORE_BACKWARD: {"step_first": True},
                EPOCH_SOFTMAX_BEFORE_LOSS: {"squash": "softmax"}, OWN_OPTIMIZER: {"momentum": 0.0}}
    runs = _epoch_runs(reference, model, x, y, list(mistakes.values()))
    optimizer = optim.SGD(model.parameters(), lr=EPOCH_LR, momentum=EPOCH_MOMENTUM)
    reference.train_epoch(model, loader(x, y, EPOCH_BATCH), optimizer, nn.CrossEntropyLoss())
    result = _run_student_epoch(student, weights, x, y)
    expect_same_parameters(result["params"], parameters_of(model), "train_epoch()",
                           lambda: {mistake: params for mistake, (_, params) in zip(mistakes, runs)},
                           run=TrainingRun.from_probe(weights, result))


@check(points=2, title="train_epoch: returns the mean batch loss as a Python float")
def check_train_epoch_mean_loss(student, reference):
    weights, x, y = _problem(seed=22, n=10)
    model = with_weights(mlp(SIZES), weights)
    (batch_losses, _), (own_optimizer_losses, _) = _epoch_runs(reference, model, x, y,
                                                               [{}, {"momentum": 0.0}])
    optimizer = optim.SGD(model.parameters(), lr=EPOCH_LR, momentum=EPOCH_MOMENTUM)
    expected = reference.train_epoch(model, loader(x, y, EPOCH_BATCH), optimizer, nn.CrossEntropyLoss())
    result = _run_student_epoch(student, weights, x, y)
    got = expect_python_float(result["returned"], "train_epoch()")
    if close(got, expected):
        return
    sizes = [len(t) for t in torch.arange(len(y)).split(EPOCH_BATCH)]
    expect_close_float(got, expected, "train_epoch()", {
        LAST_BATCH_LOSS: batch_losses[-1],
        SUM_OF_LOSSES: sum(batch_losses),
        MEAN_OVER_SAMPLES: sum(l * s for l, s in zip(batch_losses, sizes)) / len(y),
        SUM_OVER_SAMPLES: sum(batch_losses) / len(y),
        OWN_OPTIMIZER: sum(own_optimizer_losses) / len(own_optimizer_losses),
    }, message=N_("{what} returned {got}, expected the mean batch loss {expected}"))


def _accuracy_problem(dropout: float) -> tuple[list[torch.Tensor], torch.Tensor, torch.Tensor]:
    torch.manual_seed(31)
    sizes = [4, 32, 3]
    weights = parameters_of(mlp(sizes, dropout))
    x = torch.randn(40, 4)
    y = torch.randint(0, 3, (40,))
    return weights, x, y


def _run_student_accuracy(student, weights, dropout, x, y) -> dict:
    return student.probe(PROBES, "run_accuracy", [4, 32, 3], weights, dropout, x, y, 16,
                         what="accuracy(model, loader)")


@check(points=2, title="accuracy: the fraction of correct predictions, in [0, 1]")
def check_accuracy_value(student, reference):
    weights, x, y = _accuracy_problem(dropout=0.0)
    expected = reference.accuracy(with_weights(mlp([4, 32, 3]), weights), loader(x, y, 16))
    result = _run_student_accuracy(student, weights, 0.0, x, y)
    got = expect_python_float(result["returned"], "accuracy()")
    if close(got, expected):
        return
    model = with_weights(mlp([4, 32, 3]), weights).eval()
    with torch.no_grad():
        per_batch = [float((model(xb).argmax(dim=1) == yb).double().mean()) for xb, yb in loader(x, y, 16)]
    expect_close_float(got, expected, "accuracy()", {
        ACCURACY_PERCENT: 100 * expected,
        ACCURACY_BATCH_MEAN: sum(per_batch) / len(per_batch),
    })


@check(points=1, title="accuracy: evaluates in eval mode (the model has Dropout)")
def check_accuracy_eval_mode(student):
    weights, x, y = _accuracy_problem(dropout=0.5)
    result = _run_student_accuracy(student, weights, 0.5, x, y)
    if not result["training"]:
        raise CheckFailed(tr("accuracy() never ran the model"))
    if any(result["training"]):
        raise CheckFailed(tr(
            "accuracy() ran the model in training mode, where Dropout drops activations at random; "
            "call model.eval() before evaluating"), (ACCURACY_TRAIN_MODE,)
        )


@check(points=1, title="accuracy: computed under torch.no_grad(), leaving no gradients behind")
def check_accuracy_no_grad(student):
    weights, x, y = _accuracy_problem(dropout=0.0)
    result = _run_student_accuracy(student, weights, 0.0, x, y)
    if result["gradients_left"]:
        raise CheckFailed(tr("accuracy() left gradients in the model's parameters; evaluation must not call "
                             "backward(): wrap it in torch.no_grad()"), (ACCURACY_GRADIENTS,))
    if any(result["grad_enabled"]):
        raise CheckFailed(tr(
            "accuracy() ran the model with autograd recording, building a graph nobody uses (memory and "
            "time); wrap the evaluation loop in torch.no_grad()"), (ACCURACY_NO_GRAD,)
        )
