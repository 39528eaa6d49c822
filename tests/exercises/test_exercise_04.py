"""Exercise 04: exact training checks; every listed mistake is diagnosed by name."""

from __future__ import annotations

import textwrap

import pytest

from grader.models.results import CheckStatus
from tests.conftest import REPO_ROOT, by_id


def test_reference_passes_every_check(grade):
    result = grade("exercise_04", REPO_ROOT / "solutions")
    failing = {c.id: c.message for c in result.checks if c.status is not CheckStatus.PASSED}
    assert failing == {}
    assert result.points_earned == result.points_possible == 14


def test_stub_scores_zero_and_says_not_implemented(grade):
    result = grade("exercise_04", REPO_ROOT / "exercises")
    assert result.points_earned == 0
    assert all(c.message.startswith("not implemented yet") for c in result.checks)


TRAIN = """
def train(net, X, y, epochs=20, lr=5e-3):
    criterion = nn.CrossEntropyLoss()
    optimizer = optim.SGD(net.parameters(), lr={lr})
    losses = []
    for _ in range({epochs}):
        outputs = {outputs}
        loss = criterion(outputs, y)
        {body}
        losses.append({record})
    return losses
"""
STEPS = "optimizer.zero_grad()\n        loss.backward()\n        optimizer.step()"


def _train(lr="lr", epochs="epochs", outputs="net(X)", body=STEPS, record="loss.item()") -> str:
    return TRAIN.format(lr=lr, epochs=epochs, outputs=outputs, body=body, record=record)


EPOCH = """
def train_epoch(model, loader, optimizer, criterion):
    model.train()
    total, batches = {start}, 0
    for inputs, targets in loader:
        {body}
        total += {add}
        batches += 1
    return {result}
"""
EPOCH_STEPS = "optimizer.zero_grad()\n        loss = criterion(model(inputs), targets)\n        loss.backward()\n        optimizer.step()"


def _epoch(body=EPOCH_STEPS, add="loss.item()", result="total / batches", start="0.0") -> str:
    return EPOCH.format(body=body, add=add, result=result, start=start)


ACCURACY = """
def accuracy(model, loader):
    {mode}
    correct, seen = 0, 0
    {context}
    for inputs, targets in loader:
        predicted = model(inputs).argmax(dim=1)
        correct += int((predicted == targets).sum())
        seen += targets.numel()
    return {result}
"""


def _accuracy(mode="model.eval()", context="", result="correct / seen") -> str:
    body = ACCURACY.format(mode=mode, context=context, result=result)
    if context:  # indent the loop under the with-statement
        head, loop = body.split(context + "\n")
        body = head + context + "\n" + textwrap.indent(loop.split("    return")[0], "    ") + "    return" + loop.split("    return")[1]
    return body


MISTAKES = [
    pytest.param(_train(body="loss.backward()\n        optimizer.step()"), "train_matches_reference",
                 "optimizer.zero_grad() were missing", id="train-forgot-zero-grad"),
    pytest.param(_train(body="optimizer.zero_grad()\n        optimizer.step()\n        loss.backward()"),
                 "train_matches_reference", "optimizer.step() ran while the gradients were zero", id="train-step-before-backward"),
    pytest.param(_train().replace("    criterion = nn.CrossEntropyLoss()\n", "    criterion = nn.CrossEntropyLoss()\n"
                                  "    for p in net.parameters():\n        nn.init.normal_(p.data, std=0.1)\n"),
                 "train_matches_reference", "re-initialised the weights it was given", id="train-reinitialises"),
    pytest.param(_train().replace("    criterion = nn.CrossEntropyLoss()\n", "    criterion = nn.CrossEntropyLoss()\n"
                                  "    net = nn.Sequential(*[nn.Linear(m.in_features, m.out_features) if isinstance(m, nn.Linear)"
                                  " else m for m in net])\n"),
                 "train_matches_reference", "never ran the network it was given", id="train-builds-its-own-network"),
    pytest.param(_train(lr="0.0"), "train_uses_arguments", "the parameters never changed", id="train-lr-zero"),
    pytest.param(_train(body="loss.backward()\n        optimizer.zero_grad()\n        optimizer.step()"),
                 "train_matches_reference", "zero_grad() between backward() and step()", id="train-zero-grad-before-step"),
    pytest.param(_train(outputs="torch.softmax(net(X), dim=1)"), "train_matches_reference",
                 "softmax were applied before nn.CrossEntropyLoss", id="train-softmax-values"),
    pytest.param(_train(outputs="torch.softmax(net(X), dim=1)"), "train_passes_logits",
                 "applies softmax to the outputs before nn.CrossEntropyLoss", id="train-softmax-traced"),
    pytest.param(_train(outputs="torch.log_softmax(net(X), dim=1)"), "train_passes_logits",
                 "applies log_softmax to the outputs before nn.CrossEntropyLoss", id="train-log-softmax-traced"),
    pytest.param(_train(outputs="net(X).log_softmax(1)"), "train_passes_logits",
                 "applies log_softmax", id="train-log-softmax-method"),
    pytest.param(_train(lr="0.01"), "train_matches_reference", "the learning rate were 0.01 instead of lr=0.005",
                 id="train-wrong-learning-rate"),
    pytest.param(_train(lr="5e-3"), "train_uses_arguments", "the lr argument were ignored", id="train-ignores-lr"),
    pytest.param(_train(epochs="20"), "train_uses_arguments", "the epochs argument were ignored", id="train-ignores-epochs"),
    pytest.param(_train(record="loss"), "train_matches_reference",
                 "returned the losses as tensors and keeps each epoch's autograd graph alive", id="train-losses-as-tensors"),
    pytest.param(_train(record="loss.detach()"), "train_matches_reference", "returned the losses as tensors; append loss.item()",
                 id="train-losses-as-detached-tensors"),
    pytest.param(_epoch(body=EPOCH_STEPS.replace("optimizer.zero_grad()\n        ", "")), "train_epoch_parameters",
                 "optimizer.zero_grad() were missing", id="epoch-forgot-zero-grad"),
    pytest.param(_epoch(body="loss = criterion(model(inputs), targets)\n        loss.backward()\n"
                             "        optimizer.zero_grad()\n        optimizer.step()"), "train_epoch_parameters",
                 "zero_grad() between backward() and step()", id="epoch-zero-grad-before-step"),
    pytest.param(_epoch(body=EPOCH_STEPS.replace("criterion(model(inputs), targets)",
                                                 "criterion(model(inputs).softmax(dim=1), targets)")),
                 "train_epoch_parameters", "softmax were applied before the criterion", id="epoch-softmax-before-loss"),
    pytest.param(_epoch(add="loss", result="total / batches", start="0"), "train_epoch_mean_loss",
                 "still part of the autograd graph; summing `loss` tensors keeps every batch's graph alive",
                 id="epoch-graph-kept-alive-by-summing"),
    pytest.param(_epoch(result="loss.item()"), "train_epoch_mean_loss", "the last batch's loss", id="epoch-last-batch-loss"),
    pytest.param(_epoch(result="total"), "train_epoch_mean_loss", "the sum of the batch losses, not their mean",
                 id="epoch-sum-not-mean"),
    pytest.param(_epoch(add="loss.item() * len(targets)", result="total / len(loader.dataset)"), "train_epoch_mean_loss",
                 "the mean over samples", id="epoch-sample-weighted-mean"),
    pytest.param(_accuracy(mode="model.train()", context="with torch.no_grad():"), "accuracy_eval_mode",
                 "ran the model in training mode", id="accuracy-in-train-mode"),
    pytest.param(_accuracy(mode="pass", context="with torch.no_grad():"), "accuracy_eval_mode",
                 "call model.eval() before evaluating", id="accuracy-forgets-eval"),
    pytest.param(_accuracy(), "accuracy_no_grad", "wrap the evaluation loop in torch.no_grad()", id="accuracy-without-no-grad"),
    pytest.param(
        """
        def accuracy(model, loader):
            model.eval()
            correct, seen = 0, 0
            for inputs, targets in loader:
                outputs = model(inputs)
                outputs.sum().backward()
                correct += int((outputs.argmax(dim=1) == targets).sum())
                seen += targets.numel()
            return correct / seen
        """,
        "accuracy_no_grad", "left gradients in the model's parameters", id="accuracy-leaves-gradients",
    ),
    pytest.param(_accuracy(context="with torch.no_grad():", result="100 * correct / seen"), "accuracy_value",
                 "a percentage; return a fraction in [0, 1]", id="accuracy-as-percentage"),
    pytest.param(_accuracy(context="with torch.no_grad():", result="torch.tensor(correct / seen)"), "accuracy_value",
                 "returned a tensor; return a Python float", id="accuracy-as-tensor"),
]


def _function_of(source: str) -> str:
    return textwrap.dedent(source).split("def ", 1)[1].split("(", 1)[0]


def _bundles() -> dict[str, int]:
    """Mistakes in different functions share one graded submission (each check looks at one
    function only), which keeps this file's run time down: a check that trains pays torch's
    lazy optimizer import in its fresh worker."""
    counters: dict[str, int] = {}
    bundle_of: dict[str, int] = {}
    for param in MISTAKES:
        source = param.values[0]
        function = _function_of(source)
        bundle_of[param.id] = counters.get(function, 0)
        counters[function] = bundle_of[param.id] + 1
    return bundle_of


BUNDLE_OF = _bundles()


@pytest.fixture(scope="module")
def graded_bundles() -> dict[int, object]:
    return {}


@pytest.mark.parametrize("source, check_id, phrase", MISTAKES)
def test_mistake_is_diagnosed(grade, tmp_path_factory, graded_bundles, request, source, check_id, phrase):
    bundle = BUNDLE_OF[request.node.callspec.id]
    if bundle not in graded_bundles:
        members = [p.values[0] for p in MISTAKES if BUNDLE_OF[p.id] == bundle]
        folder = tmp_path_factory.mktemp(f"exercise_04_bundle_{bundle}")
        reference = (REPO_ROOT / "solutions" / "exercise_04.py").read_text()
        (folder / "exercise_04.py").write_text(
            reference + "".join(f"\n\n# --- a mistake under test ---\n{textwrap.dedent(m)}" for m in members)
        )
        graded_bundles[bundle] = grade("exercise_04", folder)
    result = graded_bundles[bundle]
    check = by_id(result)[check_id]
    assert check.status is CheckStatus.FAILED, check.message
    assert phrase in check.message
