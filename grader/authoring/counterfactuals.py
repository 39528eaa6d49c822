"""Counterfactuals of the reference call: name a mistake nobody catalogued by finding the
arguments that make the reference give what the student's code gave.

A check that compares a student's `f(x, k, stride=2)` with the reference may hand the
helper the reference call (`Arguments.call(...)`). When the answer is wrong and no
catalogued mistake reproduces it, the reference is re-run here, in the grading process,
with its arguments perturbed one way at a time:

  tier 1  two interchangeable arguments swapped; a (height, width) pair reversed;
          two dimensions of an input read the other way round
  tier 2  an argument left at its default; padding on one side only, or "same"
          padding; another reduction over each window; the input rescaled
  tier 3  a whole-number argument one more or one less

The first tier with a result that reproduces the student's is named, with the call in
the student's own terms: "it equals `conv2d(x, k, stride=(1, 2))` exactly: the height
and width of stride are swapped". Within a tier, two reproducing perturbations are both
given; more say nothing (whole numbers coincide too easily to single one out). The
search stops at a deadline (BUDGET_S), and a perturbation the reference rejects
(a shape that does not fit) is skipped. Student code is never re-run.

What may be perturbed is declared per function by the course (`Arguments`): which
arguments are pairs, which are interchangeable, which is the padding, which tensors'
dimensions have names. Nothing is guessed from types alone.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import inspect
import itertools
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Sequence

import torch
import torch.nn.functional as F

from grader.authoring.diagnosis import BUDGET_S, one_thread, searching
from grader.authoring.failure import Mistake
from grader.authoring.mistakes import Found
from grader.i18n import N_, tr

SWAPPED = Mistake("counterfactual.swapped", "two arguments used in each other's place")
PAIR_REVERSED = Mistake("counterfactual.pair_reversed", "a (height, width) pair read the other way round")
AXES_SWAPPED = Mistake("counterfactual.axes_swapped", "two dimensions of an input read the other way round")
DEFAULT_USED = Mistake("counterfactual.default_used", "an argument ignored (left at its default)")
PADDING_RULE = Mistake("counterfactual.padding_rule", "another padding rule than the one asked for")
REDUCTION = Mistake("counterfactual.reduction", "another reduction over each window")
INPUT_RESCALED = Mistake("counterfactual.input_rescaled", "the input rescaled or normalised first")
ARGUMENT_OFF_BY_ONE = Mistake("counterfactual.argument_off_by_one", "an argument used one more or one less")
EITHER = Mistake("counterfactual.either", "one of two argument mistakes the inputs cannot tell apart")

# How each reduction is shown (the translated noun) and computed over the last dimension.
REDUCTIONS: dict[str, tuple[str, Callable[[torch.Tensor], torch.Tensor]]] = {
    "sum": (N_("sum"), lambda t: t.sum(-1)),
    "mean": (N_("mean"), lambda t: t.mean(-1)),
    "max": (N_("maximum"), lambda t: t.amax(-1)),
    "min": (N_("minimum"), lambda t: t.amin(-1)),
}


@dataclass(frozen=True)
class Arguments:
    """What a course declares about one function's arguments.

    function      the reference with the student's signature (keyword extras allowed);
                  or None, and `of(reference.f)` at check time gives the reference
                  fixture's function, whose signature `parameters` then spells out
    name          the function's name as the student wrote it
    parameters    the student's signature as a def writes it ("size, kernel_size, stride=1"),
                  where `function` cannot tell it (the reference fixture's wrappers)
    pairs         arguments given as an int or a (height, width) pair
    interchangeable  pairs of arguments of one kind a student may pass in each other's place
    padding       the padding argument, and `padded` the tensor it pads (one-sided and
                  "same" padding are tried by padding that tensor by hand)
    kernel        the argument whose size is the window's: a tensor (its last two
                  dimensions) or an int/pair
    reduction     the keyword of `function` that takes the reduction over each window
                  (a key of REDUCTIONS), and `reduces` its value in a plain call
    dimensions    tensors (or shape tuples) whose dimensions have names, e.g.
                  {"x": ("N", "C", "H", "W")}: two of them read the other way round is tried
    inputs        tensors a model is fed: rescaled (x/255, x*255) and normalised inputs are tried,
                  and `normalisations` ((mean, std) pairs, e.g. the course's for MNIST) too
    """

    function: Callable[..., Any] | None
    name: str
    parameters: str = ""
    pairs: tuple[str, ...] = ()
    interchangeable: tuple[tuple[str, str], ...] = ()
    padding: str | None = None
    padded: str | None = None
    kernel: str | None = None
    reduction: str | None = None
    reduces: str = "sum"
    dimensions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    inputs: tuple[str, ...] = ()
    normalisations: tuple[tuple[float, float], ...] = ()
    off_by_one: tuple[str, ...] | None = None  # None: every whole-number argument

    def call(self, *args: Any, shown: Mapping[str, str] | None = None, **kwargs: Any) -> "ReferenceCall":
        """The reference call a check compares with, bound to parameter names; `shown`
        names tensors as the check's message does ({"weight": "k"})."""
        if self.function is None:
            raise TypeError(f"Arguments for {self.name} has no function: call .of(reference.{self.name}) first")
        signature = self._signature()
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        if self.reduction:
            values.pop(self.reduction, None)
        defaults = {name: p.default for name, p in signature.parameters.items()
                    if p.default is not inspect.Parameter.empty}
        return ReferenceCall(self, values, defaults, dict(shown or {}))

    def of(self, function: Callable[..., Any]) -> "Arguments":
        """The same declaration with `function` as the reference (e.g. the reference
        fixture's, which a public check may call but must not define: a kit would hand
        out a function that answers the exercise)."""
        return dataclasses.replace(self, function=function)

    def _signature(self) -> inspect.Signature:
        if self.parameters:
            return _parse_signature(self.parameters)
        return inspect.signature(self.function)


@functools.lru_cache(maxsize=64)
def _parse_signature(text: str) -> inspect.Signature:
    """"size, kernel_size, stride=1" as a Signature: parsed, defaults read as literals, nothing run."""
    arguments = ast.parse(f"def f({text}): pass").body[0].args  # type: ignore[attr-defined]
    plain = arguments.posonlyargs + arguments.args
    defaults = [inspect.Parameter.empty] * (len(plain) - len(arguments.defaults)) + [
        ast.literal_eval(d) for d in arguments.defaults]
    parameters = [inspect.Parameter(a.arg, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=d)
                  for a, d in zip(plain, defaults)]
    parameters += [inspect.Parameter(a.arg, inspect.Parameter.KEYWORD_ONLY,
                                     default=inspect.Parameter.empty if d is None else ast.literal_eval(d))
                   for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults)]
    return inspect.Signature(parameters)


@dataclass(frozen=True)
class ReferenceCall:
    """One call of the reference: its arguments by name, and how to show them."""

    arguments: Arguments
    values: dict[str, Any]
    defaults: dict[str, Any]
    shown: dict[str, str]


@dataclass(frozen=True)
class _Variant:
    """One perturbation: the arguments it calls with and how to say it."""

    tier: int
    mistake: Mistake
    reason: str
    values: dict[str, Any]
    shown: dict[str, str]  # arguments shown otherwise than by name or value (e.g. "F.pad(x, (1, 0, 1, 0))")
    reduction: str | None = None
    undo: Callable[[Any], Any] | None = None  # applied to the result (a transpose back)
    suffix: str = ""  # shown after the call (".transpose(1, 2)")


def _pair(value: Any) -> tuple[int, int] | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value, value
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return int(value[0]), int(value[1])
    return None


def _with(values: Mapping[str, Any], **changed: Any) -> dict[str, Any]:
    return {**values, **changed}


def _variants(call: ReferenceCall) -> Iterator[_Variant]:
    """Every perturbation the declaration allows, tier by tier."""
    a, values = call.arguments, call.values
    # -- tier 1: arguments in each other's place, pairs and dimensions reversed
    for first, second in a.interchangeable:
        if first in values and second in values and values[first] != values[second]:
            yield _Variant(1, SWAPPED, tr("{a} and {b} were used in each other's place", a=first, b=second),
                           _with(values, **{first: values[second], second: values[first]}), {})
    for name in a.pairs:
        pair = _pair(values.get(name))
        if pair and pair[0] != pair[1]:
            yield _Variant(1, PAIR_REVERSED, tr("the height and width of {name} are swapped", name=name),
                           _with(values, **{name: (pair[1], pair[0])}), {})
    for name, dims in a.dimensions.items():
        yield from _dimension_swaps(call, name, dims)
    # -- tier 2: a default, a padding rule, a reduction, a rescaled input
    for name, default in call.defaults.items():
        if name in values and name != a.reduction and not _same(values[name], default):
            yield _Variant(2, DEFAULT_USED, tr("{name} was ignored (left at its default, {default})",
                                               name=name, default=_show_value(default)),
                           _with(values, **{name: default}), {})
    yield from _padding_rules(call)
    if a.reduction:
        expected_noun = tr(REDUCTIONS[a.reduces][0])
        for key, (noun, _) in REDUCTIONS.items():
            if key != a.reduces:
                yield _Variant(2, REDUCTION, tr("each window's {got} was taken instead of its {expected}",
                                                got=tr(noun), expected=expected_noun), dict(values), {}, reduction=key)
    for name in a.inputs:
        yield from _rescaled(call, name)
    # -- tier 3: one more or one less
    for name, value in values.items():
        if a.off_by_one is not None and name not in a.off_by_one:
            continue
        yield from _off_by_one(values, name, value)


def _off_by_one(values: dict[str, Any], name: str, value: Any) -> Iterator[_Variant]:
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        for delta in (-1, 1):
            if value + delta >= 0:
                yield _Variant(3, ARGUMENT_OFF_BY_ONE, _one_off(name, value + delta, delta),
                               _with(values, **{name: value + delta}), {})
    elif isinstance(value, tuple) and _pair(value) is not None:
        for position, part in enumerate((tr("the height of {name}", name=name), tr("the width of {name}", name=name))):
            for delta in (-1, 1):
                changed = list(value)
                changed[position] += delta
                if changed[position] >= 0:
                    yield _Variant(3, ARGUMENT_OFF_BY_ONE, _one_off(part, changed[position], delta),
                                   _with(values, **{name: tuple(changed)}), {})


def _one_off(name: str, value: int, delta: int) -> str:
    if delta > 0:
        return tr("{name} was taken as {value}, one more than given", name=name, value=value)
    return tr("{name} was taken as {value}, one less than given", name=name, value=value)


def _dimension_swaps(call: ReferenceCall, name: str, dims: tuple[str, ...]) -> Iterator[_Variant]:
    value = call.values.get(name)
    shown = call.shown.get(name, name)
    if isinstance(value, torch.Tensor) and value.dim() == len(dims):
        for i, j in itertools.combinations(range(len(dims)), 2):
            if value.shape[i] == value.shape[j] or "N" in (dims[i], dims[j]):
                continue
            reason = tr("dimensions {a} and {b} of {x} were read the other way round ({a} taken as {b})",
                        a=dims[i], b=dims[j], x=shown)
            # The reference on the input so read, and its result put back the same way:
            # what code that indexes the dimensions the other way round computes.
            yield _Variant(1, AXES_SWAPPED, reason, _with(call.values, **{name: value.transpose(i, j)}),
                           {name: f"{shown}.transpose({i}, {j})"},
                           undo=lambda out, i=i, j=j: out.transpose(i, j) if isinstance(out, torch.Tensor)
                           and out.dim() > max(i, j) else out, suffix=f".transpose({i}, {j})")
            yield _Variant(1, AXES_SWAPPED, reason, _with(call.values, **{name: value.transpose(i, j)}),
                           {name: f"{shown}.transpose({i}, {j})"})
    elif isinstance(value, tuple) and len(value) == len(dims) and all(isinstance(v, int) for v in value):
        for i, j in itertools.combinations(range(len(dims)), 2):
            if value[i] == value[j] or "N" in (dims[i], dims[j]):
                continue
            swapped = list(value)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            yield _Variant(1, AXES_SWAPPED,
                           tr("{a} and {b} of {x} were read the other way round ({a} taken as {b})",
                              a=dims[i], b=dims[j], x=shown),
                           _with(call.values, **{name: tuple(swapped)}), {})


def _padding_rules(call: ReferenceCall) -> Iterator[_Variant]:
    a = call.arguments
    if not (a.padding and a.padded) or a.padding not in call.values:
        return
    x, pair = call.values.get(a.padded), _pair(call.values[a.padding])
    if not isinstance(x, torch.Tensor) or pair is None or x.dim() < 2:
        return
    ph, pw = pair
    shown = call.shown.get(a.padded, a.padded)
    rules: list[tuple[str, tuple[int, int, int, int]]] = []
    if ph or pw:
        rules.append((tr("all the padding was put on the top and left (none on the bottom and right)"),
                      (pw, 0, ph, 0)))
        rules.append((tr("all the padding was put on the bottom and right (none on the top and left)"),
                      (0, pw, 0, ph)))
        rules.append((tr("{padding} was put on one side only, twice over (2 x {padding} on the top and left)",
                         padding=a.padding), (2 * pw, 0, 2 * ph, 0)))
    kernel = _kernel_size(call)
    if kernel is not None:
        kh, kw = kernel
        same = ((kw - 1) // 2, kw - 1 - (kw - 1) // 2, (kh - 1) // 2, kh - 1 - (kh - 1) // 2)
        if same != (pw, pw, ph, ph):
            rules.append((tr("\"same\" padding was used (the output as large as the input) instead of "
                             "{padding}={value}", padding=a.padding, value=_show_value(call.values[a.padding])), same))
    for reason, pad in rules:
        yield _Variant(2, PADDING_RULE, reason, _with(call.values, **{a.padded: F.pad(x, pad), a.padding: 0}),
                       {a.padded: f"F.pad({shown}, {pad})"})


def _kernel_size(call: ReferenceCall) -> tuple[int, int] | None:
    name = call.arguments.kernel
    value = call.values.get(name) if name else None
    if isinstance(value, torch.Tensor) and value.dim() >= 2:
        return int(value.shape[-2]), int(value.shape[-1])
    return _pair(value)


def _rescaled(call: ReferenceCall, name: str) -> Iterator[_Variant]:
    x = call.values.get(name)
    if not isinstance(x, torch.Tensor) or not x.is_floating_point() or x.numel() < 2:
        return
    shown = call.shown.get(name, name)
    for factor, text in ((1 / 255, f"{shown} / 255"), (255.0, f"{shown} * 255"), (0.5, f"{shown} / 2"),
                         (2.0, f"{shown} * 2"), (-1.0, f"-{shown}")):
        yield _Variant(2, INPUT_RESCALED, tr("the input was rescaled before anything else"),
                       _with(call.values, **{name: x * factor}), {name: text})
    for mean, deviation in call.arguments.normalisations:
        text = f"({shown} - {mean:g}) / {deviation:g}"
        yield _Variant(2, INPUT_RESCALED, tr("the input was normalised (once more) before anything else"),
                       _with(call.values, **{name: (x - mean) / deviation}), {name: text})
    std = float(x.std())
    if std > 0:
        text = f"({shown} - {shown}.mean()) / {shown}.std()"
        yield _Variant(2, INPUT_RESCALED, tr("the input was normalised (once more) before anything else"),
                       _with(call.values, **{name: (x - x.mean()) / std}), {name: text})


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape \
            and bool(torch.equal(a, b))
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - an odd value compares unequal
        return False


def _show_value(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return "tensor"
    return repr(tuple(value)) if isinstance(value, list) else repr(value)


def show_call(call: ReferenceCall, variant: _Variant) -> str:
    """The perturbed call as the student would write it: tensors by their shown names,
    other arguments by keyword when they differ from the default or were changed."""
    parts: list[str] = []
    for name, value in variant.values.items():
        changed = not _same(value, call.values.get(name))
        if name in variant.shown:
            parts.append(variant.shown[name])
        elif isinstance(value, torch.Tensor):
            parts.append(call.shown.get(name, name))
        elif name not in call.defaults:  # a required argument: positional, as the student calls it
            parts.append(_show_value(value))
        elif value is None and not changed:
            continue
        elif changed or not _same(value, call.defaults[name]):
            parts.append(f"{name}={_show_value(value)}")
    return f"{call.arguments.name}({', '.join(parts)}){variant.suffix}"


Same = Callable[[Any, Any], bool]


def counterfactual(got: Any, expected: Any, call: ReferenceCall, same: Same, exact: Same, *,
                   last_tier: int = 3, most: int = 2, budget_s: float = BUDGET_S) -> Found | None:
    """The perturbation of `call` whose result reproduces `got` (see the module's
    docstring), or None. `same` compares within the check's tolerance; `exact` says
    whether the match is exact. A single number coincides with many perturbations:
    for one, callers stop at tier 2 and accept only a single match (`most`)."""
    if not searching():
        return None
    deadline = time.monotonic() + budget_s
    found: dict[int, list[tuple[_Variant, bool]]] = {}
    with one_thread():
        for variant in _variants(call):
            if time.monotonic() > deadline:
                break
            if variant.tier > last_tier or (found and variant.tier > min(found)):
                break
            result = _run(call, variant)
            if result is None or _reproduces(result, expected, same):
                continue
            if _reproduces(result, got, same):
                found.setdefault(variant.tier, []).append((variant, _reproduces(result, got, exact)))
    if not found:
        return None
    matches = found[min(found)]
    distinct = list({show_call(call, v): (v, exactly) for v, exactly in matches}.values())
    if len(distinct) > most:
        return None
    sentences = [_sentence(call, variant, exactly) for variant, exactly in distinct]
    mistake = distinct[0][0].mistake if len(distinct) == 1 else EITHER
    return Found(mistake, tr("; or ").join(sentences))


def _sentence(call: ReferenceCall, variant: _Variant, exactly: bool) -> str:
    shown = show_call(call, variant)
    if variant.reduction:  # the call looks the same: the reason says it all
        if exactly:
            return tr("{reason} (that reproduces it exactly)", reason=variant.reason)
        return tr("{reason} (that reproduces it to within rounding)", reason=variant.reason)
    if exactly:
        return tr("it equals `{call}` exactly: {reason}", call=shown, reason=variant.reason)
    return tr("it equals `{call}` to within rounding: {reason}", call=shown, reason=variant.reason)


def _run(call: ReferenceCall, variant: _Variant) -> Any:
    kwargs = dict(variant.values)
    reduction = call.arguments.reduction
    if reduction:
        kwargs[reduction] = variant.reduction or call.arguments.reduces
    try:
        with torch.no_grad():
            result = call.arguments.function(**kwargs)
        return variant.undo(result) if variant.undo else result
    except Exception:  # noqa: BLE001 - a perturbation the reference rejects explains nothing
        return None


def _reproduces(result: Any, target: Any, same: Same) -> bool:
    try:
        return bool(same(target, result))
    except Exception:  # noqa: BLE001 - values of another kind do not reproduce it
        return False

