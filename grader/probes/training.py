"""Small trusted networks, loaders and recorders for the training checks.

Used on both sides: the grading process builds the same network from the same
spec to run the reference, and the child builds it to run the student's loop, so
the two start from identical weights and see identical batches.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from grader.cores.environment import wait_policy_in
from grader.cores.policy import ThreadPolicy, WaitPolicy
from grader.cores.policy import training_threads as cores_training_threads
from grader.cores.situation import CpuSituation, read_situation
from grader.i18n import trn


def mlp(sizes: list[int], dropout: float = 0.0) -> nn.Sequential:
    """Linear layers of the given sizes with ReLU (and Dropout, if asked) between them."""
    layers: list[nn.Module] = []
    for index, (size_in, size_out) in enumerate(zip(sizes, sizes[1:])):
        if index:
            layers.append(nn.ReLU())
            if dropout:
                layers.append(nn.Dropout(dropout))
        layers.append(nn.Linear(size_in, size_out))
    return nn.Sequential(*layers)


def with_weights(model: nn.Module, weights: list[torch.Tensor]) -> nn.Module:
    with torch.no_grad():
        for param, value in zip(model.parameters(), weights, strict=True):
            param.copy_(value)
    return model


def loader(x: torch.Tensor, y: torch.Tensor, batch_size: int) -> DataLoader:
    """In order, no shuffling: both processes see the same batches."""
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=False)


@dataclass
class ForwardRecorder:
    """Remembers, for every forward call of a module, whether it was in training mode
    and whether autograd was recording."""

    training: list[bool] = field(default_factory=list)
    grad_enabled: list[bool] = field(default_factory=list)

    def attach(self, model: nn.Module) -> "ForwardRecorder":
        model.register_forward_pre_hook(self._hook)
        return self

    def _hook(self, module: nn.Module, _inputs: Any) -> None:
        self.training.append(module.training)
        self.grad_enabled.append(torch.is_grad_enabled())


@dataclass
class StartRecorder:
    """The module's parameters as they were when its forward first ran: a train() that
    re-initialises the model it is given shows here (None: forward never ran)."""

    parameters: list[torch.Tensor] | None = None

    def attach(self, model: nn.Module) -> "StartRecorder":
        model.register_forward_pre_hook(self._hook)
        return self

    def _hook(self, module: nn.Module, _inputs: Any) -> None:
        if self.parameters is None:
            self.parameters = parameters_of(module)


@dataclass
class StepRecorder:
    """Every optimizer step taken while it is open (any optimizer: torch's global step
    hook), and whether the gradients it was about to apply were all zero or absent."""

    steps: int = 0
    steps_without_gradient: int = 0
    learning_rates: set[float] = field(default_factory=set)

    def __enter__(self) -> "StepRecorder":
        from torch.optim.optimizer import register_optimizer_step_pre_hook

        self._handle = register_optimizer_step_pre_hook(self._hook)
        return self

    def __exit__(self, *_: Any) -> None:
        self._handle.remove()

    def _hook(self, optimizer: torch.optim.Optimizer, _args: Any, _kwargs: Any) -> None:
        self.steps += 1
        grads = [p.grad for group in optimizer.param_groups for p in group["params"]]
        if all(g is None or not bool(g.any()) for g in grads):
            self.steps_without_gradient += 1
        self.learning_rates.update(float(group.get("lr", 0.0)) for group in optimizer.param_groups)

    def as_record(self) -> dict[str, Any]:
        return {"steps": self.steps, "steps_without_gradient": self.steps_without_gradient,
                "learning_rates": sorted(self.learning_rates)}


def parameters_of(model: nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in model.parameters()]


def gradients_left(model: nn.Module) -> bool:
    return any(p.grad is not None and bool(p.grad.abs().sum() > 0) for p in model.parameters())


# -- training under a budget (a course's data; exercises 05 and 06 use MNIST) --------
@dataclass(frozen=True)
class TrainingCores:
    """This process's trainings' cores and how their threads wait (grader.cores.policy),
    and where a training reads the machine when it starts (a fake one in tests)."""

    policy: ThreadPolicy
    read: Callable[[], CpuSituation] = read_situation

    def threads(self, at_most: int) -> int:
        if min(at_most, self.policy.cores) <= 1 or self.policy.wait is WaitPolicy.PASSIVE:
            return max(1, min(at_most, self.policy.cores))  # nothing the machine could change
        return cores_training_threads(self.policy, self.read(), at_most)


# This process's trainings' cores: a batch job's share (set by the batch engines), or the
# torch threads a lone grading process had before its first grading; None: not decided yet.
_TRAINING_CORES: TrainingCores | None = None


def share_cores(cores: int, wait: WaitPolicy | None = None, read: Callable[[], CpuSituation] | None = None) -> None:
    """This process may use `cores` of the machine's cores (a batch job's share): its
    checks' trainings get that many threads, or fewer when the cores are busy as one
    starts and its threads would spin (grader.cores.policy). `wait`: how this process's
    OpenMP threads wait, which its environment told libgomp when torch was imported
    (the default), and which its sandbox's zygote was told too. Its other torch work
    (reference values for small tensors) runs on one thread (grader.batch.local says why)."""
    global _TRAINING_CORES
    # libgomp read the environment once, at torch's import: what it says is what runs.
    in_force = wait if wait is not None else wait_policy_in(os.environ)
    _TRAINING_CORES = TrainingCores(ThreadPolicy(max(1, cores), in_force), read or read_situation)
    torch.set_num_threads(1)


def keep_threads_for_training() -> None:
    """Before a grading: unless a batch engine shared out the cores (share_cores), this
    process's trainings keep the torch threads it has now, and all its other torch work
    (reference values for small tensors) runs on one thread: starting and spinning
    OpenMP threads for them cost ~0.1 s of the 0.3 s a cold `grader check exercise_01`
    spends in its checks."""
    if _TRAINING_CORES is None:
        share_cores(torch.get_num_threads())


def training_threads(at_most: int = 4) -> int:
    """Threads for a check's training starting now, at most `at_most`: a batch job's share
    of the cores (share_cores), or this process's torch threads (what `grader` chose from
    the machine's free cores at its start, grader.cores), fewer if its threads spin and
    the cores have become busy since.

    Never the machine's cores once per job: two jobs on two cores, each training with two
    threads, would spin four OpenMP threads on two cores (a training then takes several
    times longer)."""
    if _TRAINING_CORES is None:
        return max(1, min(at_most, torch.get_num_threads()))
    return _TRAINING_CORES.threads(at_most)


@dataclass(frozen=True)
class Budget:
    """How a check trains a student's network: the same for every student.

    The numbers are the course's (its checks choose them); the learning rate is set per
    epoch, so a course can decay it.
    """

    lrs: tuple[float, ...]
    batch_size: int
    seed: int = 0
    threads: int = 2

    @property
    def epochs(self) -> int:
        return len(self.lrs)

    def describe(self) -> str:
        return trn("{n} epoch of Adam (learning rate {lrs} by epoch), batch size {batch_size}",
                   "{n} epochs of Adam (learning rate {lrs} by epoch), batch size {batch_size}",
                   self.epochs, lrs=", ".join(f"{lr:g}" for lr in self.lrs), batch_size=self.batch_size)

    def as_dict(self) -> dict[str, Any]:
        return {"lrs": list(self.lrs), "batch_size": self.batch_size, "seed": self.seed, "threads": self.threads}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Budget":
        return cls(tuple(data["lrs"]), int(data["batch_size"]), int(data["seed"]), int(data["threads"]))


def training_device() -> torch.device:
    return torch.device("cuda:0" if torch.cuda.is_available() else "cpu")


def shuffled_loader(x: torch.Tensor, y: torch.Tensor, batch_size: int, seed: int) -> DataLoader:
    generator = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, generator=generator)


def predict(model: nn.Module, images: torch.Tensor, device: torch.device, batch_size: int = 2500) -> torch.Tensor:
    """Predicted digits as uint8 (what crosses back to the grading process: 10 kB)."""
    model.eval()
    out = []
    with torch.inference_mode():
        for batch in images.split(batch_size):
            out.append(model(batch.to(device)).argmax(dim=1).to("cpu", torch.uint8))
    return torch.cat(out)


EpochFn = Any  # (model, loader, optimizer, criterion, device) -> float
# The check's (or course's) choice of optimizer: parameters and first learning rate ->
# an optimizer whose param_groups' "lr" the budget sets per epoch.
OptimizerFactory = Callable[[Iterable[nn.Parameter], float], torch.optim.Optimizer]


def adam(parameters: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(parameters, lr=lr)


def train_on(model: nn.Module, train_epoch: EpochFn, train_x: torch.Tensor, train_y: torch.Tensor,
             test_x: torch.Tensor, budget: Budget, device: torch.device, *,
             optimizer: OptimizerFactory = adam,
             criterion: Callable[[], nn.Module] = nn.CrossEntropyLoss) -> dict[str, Any]:
    """Train with `train_epoch` (the student's or ours) under the grader's budget on the
    caller's data; return the test predictions and the figures the report shows.

    `optimizer` and `criterion` are the check's choice (Adam and cross-entropy unless it
    says otherwise); Budget.describe() names Adam, so a check that changes the optimizer
    says so in its own words."""
    import time

    # Timed from the optimizer's construction: building the first optimizer in a process
    # imports torch._dynamo (about a second), which any training script pays too.
    started = time.perf_counter()
    model.to(device)
    built = optimizer(model.parameters(), budget.lrs[0])
    loss = criterion()
    loader = shuffled_loader(train_x, train_y, budget.batch_size, budget.seed)
    losses = []
    for lr in budget.lrs:
        for group in built.param_groups:
            group["lr"] = lr
        losses.append(train_epoch(model, loader, built, loss, device))
    train_seconds = time.perf_counter() - started
    return {"losses": losses, "predictions": predict(model, test_x, device), "train_seconds": train_seconds}
