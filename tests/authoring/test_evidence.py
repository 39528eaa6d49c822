"""The helpers' two rules, in process: a mistake is named only when it reproduces the
answer (several: listed, none recorded), and otherwise the evidence is described."""

from __future__ import annotations

import pytest
import torch

from grader.authoring import CheckFailed, Mistake, differs_by, expect_int, expect_tensor, factor
from grader.authoring.modules import expect_param_count

EXPECTED = torch.arange(1.0, 13.0).reshape(3, 4) - 5.5
A = Mistake("demo.a", "mistake a", "mistake a")
B = Mistake("demo.b", "mistake b", "mistake b")


def _fail(call) -> CheckFailed:
    with pytest.raises(CheckFailed) as raised:
        call()
    return raised.value


def test_a_reproducing_mistake_is_named_and_recorded():
    failure = _fail(lambda: expect_tensor(EXPECTED * 3, EXPECTED, "f(x)", mistakes={A: EXPECTED * 3, B: EXPECTED + 1}))
    assert failure.message == "f(x) looks like mistake a"
    assert failure.mistakes == (A,)


def test_several_reproducing_mistakes_are_listed_and_none_is_recorded():
    failure = _fail(lambda: expect_tensor(EXPECTED * 3, EXPECTED, "f(x)", mistakes={A: EXPECTED * 3, B: EXPECTED * 3}))
    assert "cannot tell apart: mistake a; or mistake b" in failure.message
    assert failure.mistakes == ()


def test_a_mistake_that_does_not_reproduce_is_never_named():
    failure = _fail(lambda: expect_tensor(EXPECTED * 3, EXPECTED, "f(x)", mistakes={A: EXPECTED * 3.01}))
    assert "mistake a" not in failure.message
    assert "every value is 3 times the expected one" in failure.message
    assert [m.id for m in failure.mistakes] == ["evidence.scaled"]


@pytest.mark.parametrize("got, phrase, evidence_id", [
    (EXPECTED / 9, "every value is 1/9 times the expected one", "evidence.scaled"),
    (-EXPECTED, "wrong sign", "evidence.scaled"),
    (EXPECTED + 0.5, "off by the same amount, +0.5", "evidence.offset"),
    (EXPECTED / 255 - 0.5, "every value is 1/255 times the expected one plus -0.5", "evidence.affine"),
    ((EXPECTED - EXPECTED.mean()) / EXPECTED.std(), "normalised to mean 0 and standard deviation 1",
     "evidence.affine"),
    (EXPECTED.T.contiguous(), "transposed", "evidence.transposed"),
    (torch.zeros(3, 4), "every value is 0", "evidence.all_zero"),
    (torch.cat([EXPECTED[:, 1:], EXPECTED[:, :1]], dim=1), "shifted by one column", "evidence.shifted"),
    (torch.cat([EXPECTED[:, :3], torch.zeros(3, 1)], dim=1), "last row or the last column (left at 0)",
     "evidence.edge_wrong"),
])
def test_generic_evidence_describes_what_the_numbers_show(got, phrase, evidence_id):
    failure = _fail(lambda: expect_tensor(got, EXPECTED, "f(x)"))
    assert phrase in failure.message
    assert [m.id for m in failure.mistakes] == [evidence_id]


def test_a_permuted_result_is_recognised_from_its_shape():
    expected = torch.randn(2, 3, 4, 5, generator=torch.Generator().manual_seed(0))
    failure = _fail(lambda: expect_tensor(expected.permute(0, 2, 3, 1).contiguous(), expected, "f(x)"))
    assert "permuted by (0, 2, 3, 1)" in failure.message


def test_unexplained_values_name_no_cause():
    got = EXPECTED.clone()
    got[1, 1] += 7.0
    failure = _fail(lambda: expect_tensor(got, EXPECTED, "f(x)"))
    assert "1 of 12 elements differ; the largest error is 7" in failure.message
    assert failure.mistakes == () and "looks like" not in failure.message


def test_int_candidates_equal_to_the_right_answer_never_explain_a_wrong_one():
    failure = _fail(lambda: expect_int(30, 26, "size()", mistakes={A: 26, B: 31}))
    assert failure.message == "size() returned 30, expected 26"


def test_int_evidence_from_the_check_and_generic():
    failure = _fail(lambda: expect_int(46, 30, "count()", evidence=[differs_by(16, "the number of bias terms")]))
    assert failure.message == "count() returned 46, expected 30: exactly 16 more than expected: the number of bias terms"
    failure = _fail(lambda: expect_int(90, 30, "count()", evidence=[factor(3, "a factor of in_channels = 3")]))
    assert "exactly 3 times the expected value: a factor of in_channels = 3" in failure.message
    failure = _fail(lambda: expect_int(4608, 2304, "macs()"))
    assert "exactly 2 times the expected value" in failure.message
    assert _fail(lambda: expect_int(27, 26, "size()")).mistakes[0].id == "evidence.off_by_one"


def test_param_count_differing_by_some_layers_bias_terms():
    failure = _fail(lambda: expect_param_count(2048, 2053, "make_mlp()", bias_terms=[128, 5]))
    assert "5 fewer, exactly the bias terms of the second layer" in failure.message
    assert [m.id for m in failure.mistakes] == ["network.bias_missing"]


def test_mistake_ids_are_checked():
    with pytest.raises(ValueError):
        Mistake("Not An Id", "title")


def test_training_evidence_separates_the_loss_from_the_updates():
    from grader.authoring.training import expect_same_parameters

    expected, got = [torch.ones(2)], [torch.zeros(2)]
    right_first = _fail(lambda: expect_same_parameters(got, expected, "train()", {}, losses=([1.5, 1.2], [1.5, 1.1])))
    assert "the first loss, computed before any update, is right" in right_first.message
    assert [m.id for m in right_first.mistakes] == ["evidence.updates_differ"]
    wrong_first = _fail(lambda: expect_same_parameters(got, expected, "train()", {}, losses=([36.0, 30.0], [1.5, 1.1])))
    assert "already the first loss, computed before any update, differs (36, expected 1.5, exactly 24 times" in wrong_first.message


def test_expect_each_tells_candidates_apart_across_a_checks_cases():
    from grader.authoring import expect_each

    # Case 1 fits A and B; case 2 fits only A: A is the one reproducing every failure.
    failure = _fail(lambda: expect_each([
        lambda: expect_int(5, 6, "f(1)", mistakes={A: 5, B: 5}),
        lambda: expect_int(6, 6, "f(2)", mistakes={A: 6}),
        lambda: expect_int(7, 9, "f(3)", mistakes={A: 7, B: 8}),
    ]))
    assert failure.message == "f(1) returned 5, expected 6: looks like mistake a (the only known mistake that " \
                              "reproduces all 2 failing cases)"
    assert failure.mistakes == (A,)
    # Nothing tells them apart: the first failure stands, naming both and recording none.
    failure = _fail(lambda: expect_each([lambda: expect_int(5, 6, "f(1)", mistakes={A: 5, B: 5})]))
    assert "cannot tell apart" in failure.message and failure.mistakes == ()


def test_a_training_helper_simulates_the_mistakes_only_for_a_wrong_answer():
    """A function in place of the catalogue is called only when the answer is wrong: a
    correct run never pays for simulating every mistake."""
    from grader.authoring.training import expect_close_float, expect_same_parameters

    calls = []

    def simulate(value):
        def run():
            calls.append(value)
            return {A: value}
        return run

    params = [torch.ones(2, 2)]
    expect_same_parameters([torch.ones(2, 2)], params, "train()", simulate([torch.zeros(2, 2)]))
    expect_close_float(0.5, 0.5, "loss()", simulate(0.25))
    assert calls == []

    failure = _fail(lambda: expect_same_parameters([torch.zeros(2, 2)], params, "train()", simulate([torch.zeros(2, 2)])))
    assert failure.mistakes == (A,)
    failure = _fail(lambda: expect_close_float(0.25, 0.5, "loss()", simulate(0.25)))
    assert failure.mistakes == (A,)
    assert len(calls) == 2


def test_padding_on_one_side_is_seen_as_the_right_values_moved():
    import torch.nn.functional as F

    from grader.authoring.evidence import MOVED, Tolerance, moved, tensor_evidence

    torch.manual_seed(0)
    x, k = torch.randn(1, 1, 5, 6), torch.randn(1, 1, 3, 3)
    expected = F.conv2d(x, k, padding=1)
    right_and_bottom = F.conv2d(F.pad(x, (0, 2, 0, 2)), k)
    found = tensor_evidence(right_and_bottom, expected, Tolerance())
    assert found is not None and found.mistake is MOVED
    assert "1 row(s) up and 1 column(s) left" in found.sentence
    left_only = F.conv2d(F.pad(x, (2, 0, 1, 1)), k)
    assert "1 column(s) right" in moved(left_only, expected, Tolerance()).sentence
    # A result that looks the same moved (constant) or is wrong everywhere is not "moved".
    assert moved(torch.ones(4, 4), torch.ones(4, 4), Tolerance()) is None
    assert moved(torch.randn(4, 4), torch.randn(4, 4), Tolerance()) is None


def test_a_conv2d_padding_one_side_is_told_so_when_graded(grade, variant):
    folder = variant("exercise_01", '''
def conv2d(x, weight, bias=None, stride=1, padding=0):
    if x.shape[1] != weight.shape[1]:
        raise ValueError("input channels do not match the weight's")
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    x = torch.nn.functional.pad(x, (0, 2 * pw, 0, 2 * ph))  # all of it after the image
    kh, kw = weight.shape[2:]
    windows = x.unfold(2, kh, sh).unfold(3, kw, sw)
    out = torch.einsum("nchwij,ocij->nohw", windows, weight)
    return out if bias is None else out + bias.view(1, -1, 1, 1)
''')
    result = grade("exercise_01", folder)
    messages = [c.message for c in result.checks if c.status.value != "passed"]
    assert any("padding put on one side" in message for message in messages), messages


def test_randomness_left_on_in_eval_mode_is_named(grade, variant):
    folder = variant("exercise_03", '''
class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(10, 128)
        self.out = nn.Linear(128, 5)

    def forward(self, x):
        return self.out(torch.nn.functional.dropout(torch.relu(self.hidden(x)), 0.5))  # training=True always
''')
    result = grade("exercise_03", folder)
    forward = next(c for c in result.checks if c.id == "mlp_class_forward")
    assert "randomness is left on" in forward.message
    assert [m.id for m in forward.mistakes] == ["network.random_in_eval"]


def test_clipped_absolute_and_indices_are_told_from_the_numbers():
    from grader.authoring.evidence import ABSOLUTE, CLIPPED, INDICES, Tolerance, tensor_evidence

    torch.manual_seed(1)
    expected = torch.randn(4, 5)
    relu = tensor_evidence(expected.clamp(min=0), expected, Tolerance())
    assert relu.mistake is CLIPPED and "below 0 was set to 0" in relu.sentence
    capped = tensor_evidence(expected.clamp(max=0.5), expected, Tolerance())
    assert capped.mistake is CLIPPED and "above 0.5" in capped.sentence
    assert tensor_evidence(expected.abs(), expected, Tolerance()).mistake is ABSOLUTE
    pooled = torch.randn(2, 3, 4, 4)
    values, positions = pooled.flatten(2).max(dim=2)
    found = tensor_evidence(positions, values, Tolerance())
    assert found.mistake is INDICES and "from" in found.sentence
    # An unrelated wrong answer is none of these.
    assert tensor_evidence(torch.randn(4, 5), expected, Tolerance()) is None


def test_integer_positions_are_told_apart_from_values_computed_in_integers():
    from grader.authoring import CheckFailed, expect_tensor

    torch.manual_seed(2)
    values, positions = torch.randn(2, 3, 16).max(dim=2)
    with pytest.raises(CheckFailed) as argmax:
        expect_tensor(positions, values, "max_pool2d(x, 4)")
    assert "indices (argmax" in argmax.value.message and [m.id for m in argmax.value.mistakes] == ["evidence.indices"]
    with pytest.raises(CheckFailed) as truncated:
        expect_tensor((values * 3).long(), values * 3, "f(x)")
    assert "computed in integers" in truncated.value.message and "indices" not in truncated.value.message


def test_a_network_that_learned_nothing_is_told_from_its_predictions():
    from grader.authoring.training import accuracy_signature

    labels = torch.arange(1000) % 10
    one_class = accuracy_signature(torch.full((1000,), 3), labels, [2.3026, 2.3026, 2.3026])
    assert one_class is not None and one_class[1].id == "evidence.constant_prediction"
    assert "every test image was predicted as class 3" in one_class[0] and "the loss never moved" in one_class[0]
    guessing = accuracy_signature(torch.randint(0, 10, (1000,), generator=torch.Generator().manual_seed(1)), labels)
    assert guessing is not None and guessing[1].id == "evidence.accuracy_at_chance"
    assert "what guessing gives (10% with 10 classes)" in guessing[0]
    learned_some = labels.clone()
    learned_some[:500] = 0  # 55% right: short of a target, but no sign of learning nothing
    assert accuracy_signature(learned_some, labels) is None
