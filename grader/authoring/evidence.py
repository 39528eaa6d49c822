"""Generic diagnoses: what the numbers themselves show when no named mistake reproduces them.

Each diagnosis is a function (got, expected, tol) -> Found | None and states only what
the evidence shows ("every value is 2 times the expected one"), never a guess at why.
Adding one is a line in TENSOR_EVIDENCE or NUMBER_EVIDENCE; `differs_by` and `factor`
build check-specific ones ("differs by exactly the number of bias terms").
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Sequence

import torch

from grader.authoring.mistakes import Found, Mistake
from grader.i18n import N_, tr

SCALED = Mistake("evidence.scaled", "every value off by the same factor")
OFFSET = Mistake("evidence.offset", "every value off by the same amount")
AFFINE = Mistake("evidence.affine", "every value rescaled and shifted the same way (a normalisation)")
TRANSPOSED = Mistake("evidence.transposed", "the result is transposed")
PERMUTED = Mistake("evidence.permuted", "the dimensions are in another order")
SHIFTED = Mistake("evidence.shifted", "the result is shifted by one row or column")
MOVED = Mistake("evidence.moved", "the right values, moved a few rows or columns")
CLIPPED = Mistake("evidence.clipped", "values beyond a bound cut to it")
ABSOLUTE = Mistake("evidence.absolute", "the signs dropped")
INDICES = Mistake("evidence.indices", "positions returned instead of values")
EDGE_WRONG = Mistake("evidence.edge_wrong", "only the last row or column is wrong")
ALL_ZERO = Mistake("evidence.all_zero", "every value is zero")
OFF_BY_ONE = Mistake("evidence.off_by_one", "off by one")
DIFFERS_BY = Mistake("evidence.differs_by", "off by an amount that means something (e.g. the bias terms)")


@dataclass(frozen=True)
class Tolerance:
    rtol: float = 1e-4
    atol: float = 1e-5

    def close(self, got: torch.Tensor, expected: torch.Tensor) -> bool:
        return got.shape == expected.shape and bool(
            torch.allclose(got.double(), expected.double(), rtol=self.rtol, atol=self.atol)
        )


TensorEvidence = Callable[[torch.Tensor, torch.Tensor, Tolerance], "Found | None"]
NumberEvidence = Callable[[float, float], "Found | None"]


def describe_factor(c: float) -> str:
    """2 -> "2", 0.1111 -> "1/9", 0.37 -> "0.37"."""
    fraction = Fraction(c).limit_denominator(64)
    if abs(float(fraction) - c) <= 1e-6 * max(1.0, abs(c)):
        return str(fraction)
    if c and abs(c) < 1:  # 1/255 (pixels), 1/784 (a mean over an image)
        n = round(1 / c)
        if abs(n) <= 1000 and abs(1 / n - c) <= 1e-6 * abs(c):
            return f"1/{n}" if n > 0 else f"-1/{-n}"
    return f"{c:.4g}"


# -- tensors ----------------------------------------------------------------------

def all_zero(got: torch.Tensor, expected: torch.Tensor, tol: Tolerance) -> Found | None:
    if got.shape == expected.shape and got.numel() and not bool(got.any()) and bool(expected.any()):
        return Found(ALL_ZERO, tr("every value is 0: was the result computed but never written into the output?"))
    return None


def scaled(got: torch.Tensor, expected: torch.Tensor, tol: Tolerance) -> Found | None:
    if got.shape != expected.shape or not got.numel():
        return None
    g, e = got.double().reshape(-1), expected.double().reshape(-1)
    norm = float(e @ e)
    if norm <= tol.atol:
        return None
    c = float(g @ e) / norm
    if abs(c - 1) < 1e-3 or abs(c) < 1e-6 or not tol.close(got.double(), c * expected.double()):
        return None
    if abs(c + 1) < 1e-6:
        return Found(SCALED, tr("every value has the wrong sign (-1 times the expected one)"))
    return Found(SCALED, tr("every value is {factor} times the expected one", factor=describe_factor(c)))


def offset(got: torch.Tensor, expected: torch.Tensor, tol: Tolerance) -> Found | None:
    if got.shape != expected.shape or not got.numel():
        return None
    d = float((got.double() - expected.double()).mean())
    if abs(d) <= tol.atol or not tol.close(got.double(), expected.double() + d):
        return None
    return Found(OFFSET, tr("every value is off by the same amount, {amount}", amount=f"{d:+.4g}"))


def affine(got: torch.Tensor, expected: torch.Tensor, tol: Tolerance) -> Found | None:
    """got = a * expected + b, neither a factor alone nor an offset alone (those say so
    themselves): a normalisation, or a factor and a constant added inside a model."""
    if got.shape != expected.shape or got.numel() < 3:
        return None
    g, e = got.double().reshape(-1), expected.double().reshape(-1)
    centred = e - e.mean()
    spread = float(centred @ centred)
    if spread <= tol.atol:
        return None
    a = float((g - g.mean()) @ centred) / spread
    b = float(g.mean()) - a * float(e.mean())
    if abs(a) < 1e-6 or (abs(a - 1) < 1e-3 and abs(b) <= tol.atol) or not tol.close(g, a * e + b):
        return None
    standardised = (e - e.mean()) / e.std()
    if tol.close(g, standardised):
        return Found(AFFINE, tr("the values are the expected ones normalised to mean 0 and standard deviation 1 "
                                "(a normalisation that does not belong here?)"))
    return Found(AFFINE, tr("every value is {factor} times the expected one plus {offset}: the right values "
                            "rescaled and shifted (a normalisation, or a constant factor added?)",
                            factor=describe_factor(a), offset=f"{b:+.4g}"))


def clipped(got: torch.Tensor, expected: torch.Tensor, tol: Tolerance) -> Found | None:
    """Every value right but those beyond one bound, which sit at the bound (a ReLU or a
    clamp too many)."""
    if got.shape != expected.shape or not got.numel():
        return None
    g, e = got.double(), expected.double()
    wrong = ~torch.isclose(g, e, rtol=tol.rtol, atol=tol.atol)
    # A few wrong values fit any bound: only a share of them says "cut at a bound".
    if int(wrong.sum()) < max(2, got.numel() // 10) or bool(wrong.all()):
        return None
    bound = float(g[wrong].min())
    if not tol.close(g[wrong], torch.full_like(g[wrong], bound)):
        return None
    if tol.close(g, e.clamp(min=bound)):
        return Found(CLIPPED, tr("every value below {bound} was set to {bound}; the others are right (a ReLU or "
                                 "clamp that does not belong here?)", bound=f"{bound:.4g}"))
    if tol.close(g, e.clamp(max=bound)):
        return Found(CLIPPED, tr("every value above {bound} was set to {bound}; the others are right",
                                 bound=f"{bound:.4g}"))
    return None


def absolute(got: torch.Tensor, expected: torch.Tensor, tol: Tolerance) -> Found | None:
    if got.shape != expected.shape or not got.numel() or not bool((expected < 0).any()):
        return None
    if tol.close(got.double(), expected.double().abs()):
        return Found(ABSOLUTE, tr("every value has the right size but no negative sign: the signs were dropped "
                                  "(abs, or a square root of a square)"))
    return None


def indices(got: torch.Tensor, expected: torch.Tensor, tol: Tolerance) -> Found | None:
    """Whole numbers 0..k where other values were expected: positions (argmax, the
    indices torch.max returns) given for the values at them."""
    if got.shape != expected.shape or not got.numel() or got.is_floating_point() and not bool(
            (got == got.round()).all()):
        return None
    g, e = got.double(), expected.double()
    if bool((g < 0).any()) or bool((e == e.round()).all()):
        return None
    if any(bool((g == rounded).all()) for rounded in (e.trunc(), e.floor(), e.round())):
        return None  # the values themselves, cut to whole numbers: computed in integers, not positions
    return Found(INDICES, tr("every value is a whole number from {low} to {high}, as positions are, where "
                             "other values were expected: indices (argmax, or the second result of "
                             "torch.max) instead of the values at them?", low=int(g.min()), high=int(g.max())))


def transposed(got: torch.Tensor, expected: torch.Tensor, tol: Tolerance) -> Found | None:
    if expected.dim() < 2 or expected.shape[-1] == expected.shape[-2] == 1:
        return None
    if tol.close(got, expected.transpose(-2, -1)):
        return Found(TRANSPOSED, tr("the result is transposed: its last two dimensions (rows and columns) are swapped"))
    return None


def permuted(got: torch.Tensor, expected: torch.Tensor, tol: Tolerance) -> Found | None:
    if expected.dim() < 3 or expected.dim() > 5 or sorted(got.shape) != sorted(expected.shape):
        return None
    identity = tuple(range(expected.dim()))
    for order in itertools.permutations(identity):
        if order == identity or order == (*identity[:-2], identity[-1], identity[-2]):
            continue
        if tol.close(got, expected.permute(order)):
            return Found(PERMUTED, tr("the right values with the dimensions in another order: it is the expected "
                                      "result permuted by {order} (a permute or transpose too many or too few?)",
                                      order=order))
    return None


def shifted(got: torch.Tensor, expected: torch.Tensor, tol: Tolerance) -> Found | None:
    if got.shape != expected.shape or expected.dim() < 2:
        return None
    sentences = {
        -1: (N_("the result is shifted by one column: each column holds what the next one should"),
             N_("the result is shifted by one column: each column holds what the previous one should")),
        -2: (N_("the result is shifted by one row: each row holds what the next one should"),
             N_("the result is shifted by one row: each row holds what the previous one should")),
    }
    for dim in (-1, -2):
        if expected.shape[dim] < 3:
            continue
        n = expected.shape[dim]
        if tol.close(got.narrow(dim, 0, n - 1), expected.narrow(dim, 1, n - 1)):
            return Found(SHIFTED, tr(sentences[dim][0]))
        if tol.close(got.narrow(dim, 1, n - 1), expected.narrow(dim, 0, n - 1)):
            return Found(SHIFTED, tr(sentences[dim][1]))
    return None


_MOVES = 2  # the largest shift looked for, in rows and in columns


def _moved(rows: int, columns: int) -> str:
    parts = []
    if rows:
        parts.append(tr("{n} row(s) down", n=rows) if rows > 0 else tr("{n} row(s) up", n=-rows))
    if columns:
        parts.append(tr("{n} column(s) right", n=columns) if columns > 0 else tr("{n} column(s) left", n=-columns))
    return tr(" and ").join(parts)


def _overlap(tensor: torch.Tensor, rows: int, columns: int, of_got: bool) -> torch.Tensor:
    """The part of `tensor` that a shift by (rows, columns) maps onto the other tensor."""
    h, w = tensor.shape[-2:]
    sign = 1 if of_got else -1
    top, left = max(sign * rows, 0), max(sign * columns, 0)
    return tensor[..., top:h - max(-sign * rows, 0), left:w - max(-sign * columns, 0)]


def moved(got: torch.Tensor, expected: torch.Tensor, tol: Tolerance) -> Found | None:
    """The right values in the wrong place: every value sits a few rows and columns from
    where it belongs (padding put on one side moves the whole result so). `shifted`
    words a move by one along one axis; this finds the rest, up to two each way."""
    if got.shape != expected.shape or expected.dim() < 2:
        return None
    h, w = expected.shape[-2:]
    for rows, columns in itertools.product(range(-_MOVES, _MOVES + 1), repeat=2):
        if (rows, columns) == (0, 0) or h - abs(rows) < 2 or w - abs(columns) < 2:
            continue
        part_of_got = _overlap(got, rows, columns, of_got=True)
        part_of_expected = _overlap(expected, rows, columns, of_got=False)
        # ... and the expected values differ from themselves moved so (a constant result would match any move)
        if tol.close(part_of_got, part_of_expected) and \
                not tol.close(_overlap(expected, rows, columns, of_got=True), part_of_expected):
            return Found(MOVED, tr("the values are right but each sits {moved} from where it belongs "
                                     "(padding put on one side only moves a result so)", moved=_moved(rows, columns)))
    return None


def edge_wrong(got: torch.Tensor, expected: torch.Tensor, tol: Tolerance) -> Found | None:
    if got.shape != expected.shape or expected.dim() < 2 or min(expected.shape[-2:]) < 2:
        return None
    wrong = ~torch.isclose(got.double(), expected.double(), rtol=tol.rtol, atol=tol.atol)
    if not bool(wrong.any()):
        return None
    inner = wrong[..., :-1, :-1]
    if bool(inner.any()):
        return None
    if bool((got[wrong] == 0).all()):
        return Found(EDGE_WRONG, tr("every wrong value is in the last row or the last column (left at 0), and the "
                                    "rest is right: check the upper bounds of your loops or slices"))
    return Found(EDGE_WRONG, tr("every wrong value is in the last row or the last column, and the rest is "
                                "right: check the upper bounds of your loops or slices"))


TENSOR_EVIDENCE: list[TensorEvidence] = [all_zero, scaled, offset, affine, absolute, indices, transposed, permuted, shifted,
                                         moved, edge_wrong, clipped]


def tensor_evidence(got: torch.Tensor, expected: torch.Tensor, tol: Tolerance,
                    extra: Sequence[TensorEvidence] = ()) -> Found | None:
    for diagnose in (*extra, *TENSOR_EVIDENCE):
        found = diagnose(got, expected, tol)
        if found is not None:
            return found
    return None


# -- numbers ----------------------------------------------------------------------

def scaled_number(got: float, expected: float) -> Found | None:
    if not expected or not got or got == expected:
        return None
    ratio = got / expected
    sentences = (N_("exactly {factor} times the expected value"), N_("exactly 1/{factor} of the expected value"))
    for c, sentence in zip((ratio, 1 / ratio), sentences):
        if abs(c) >= 2 and math.isclose(c, round(c), rel_tol=1e-9):
            return Found(SCALED, tr(sentence, factor=describe_factor(c)))
    return None


def off_by_one(got: float, expected: float) -> Found | None:
    if isinstance(got, int) and isinstance(expected, int) and abs(got - expected) == 1:
        return Found(OFF_BY_ONE, tr("off by one"))
    return None


NUMBER_EVIDENCE: list[NumberEvidence] = [off_by_one, scaled_number]


def differs_by(amount: int, meaning: str, mistake: Mistake = DIFFERS_BY) -> NumberEvidence:
    """Evidence that got - expected is exactly +-amount, which means something here
    (e.g. the number of bias terms). `meaning` is translated when shown (mark it with N_)."""
    def diagnose(got: float, expected: float) -> Found | None:
        if amount and got - expected in (amount, -amount):
            if got > expected:
                return Found(mistake, tr("exactly {amount} more than expected: {meaning}",
                                         amount=amount, meaning=tr(meaning)))
            return Found(mistake, tr("exactly {amount} fewer than expected: {meaning}",
                                     amount=amount, meaning=tr(meaning)))
        return None
    return diagnose


def factor(amount: int, meaning: str, mistake: Mistake = SCALED) -> NumberEvidence:
    """Evidence that got is exactly `amount` times (or 1/amount of) the expected value."""
    def diagnose(got: float, expected: float) -> Found | None:
        if amount > 1 and expected and got in (expected * amount, expected / amount):
            if got == expected * amount:
                return Found(mistake, tr("exactly {factor} times the expected value: {meaning}",
                                         factor=amount, meaning=tr(meaning)))
            return Found(mistake, tr("exactly 1/{factor} of the expected value: {meaning}",
                                     factor=amount, meaning=tr(meaning)))
        return None
    return diagnose


def number_evidence(got: float, expected: float, extra: Sequence[NumberEvidence] = ()) -> Found | None:
    for diagnose in (*extra, *NUMBER_EVIDENCE):
        found = diagnose(got, expected)
        if found is not None:
            return found
    return None
