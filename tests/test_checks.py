"""Judging logic of every check kind, on hand-built probe records (no sandbox).

Each test builds a check through the `Check` union (as a rubric would), the
probe records the child would send back (shapes as in `observe/child/probes.py`,
values serialised by `serialize.to_json`), and asserts the verdict.
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
from pydantic import TypeAdapter, ValidationError

from graders.judge.kinds import Check
from graders.judge.verdict import (
    FAIL,
    GRADER_ERROR,
    MANUAL,
    NOT_GRADED,
    PARTIAL,
    PASS,
    RunView,
    Seen,
    Verdict,
)
from graders.observe.child.serialize import to_json

CHECKS = TypeAdapter(Check)

# -- helpers: checks, probe records, judging -----------------------------------


def make(kind: str, **fields: Any) -> Any:
    """A check of `kind`, validated through the discriminated union."""
    return CHECKS.validate_python({"id": "c", "kind": kind, "points": 1, **fields})


def ok(value: Any) -> dict[str, Any]:
    return {"ok": True, "value": value}


def failed(error: str) -> dict[str, Any]:
    return {"ok": False, "error": error}


def found(*values: Any, where: str = "`x`") -> dict[str, Any]:
    """A value-probe record: each value serialised, as candidates."""
    return ok({"candidates": [{"where": where, "value": to_json(v)} for v in values]})


def found_at(**values: Any) -> dict[str, Any]:
    """A value-probe record with one candidate per name."""
    return ok({"candidates": [{"where": f"`{k}`", "value": to_json(v)} for k, v in values.items()]})


def judge(
    check: Any,
    seen: dict[str, Any] | None = None,
    expected: dict[str, Any] | None = None,
    stdout: str = "",
    markdown: list[str] | None = None,
) -> Verdict:
    """Judge `check`; record names must be ones the check asked for."""
    seen, expected = seen or {}, expected or {}
    assert set(seen) <= set(check.requests()), "test asks for a probe the check never requested"
    assert set(expected) <= set(check.reference_requests()), "unrequested reference probe"
    return check.judge(Seen(seen), Seen(expected), RunView(stdout=stdout, markdown=markdown or []))


LENET_SHAPES = [[6, 1, 5, 5], [6], [16, 6, 5, 5], [16], [120, 400], [120], [84, 120], [84]]
LENET_SHAPES += [[10, 84], [10]]
LENET_OPS = [
    "conv2d(1,6,k5,s1,p0)",
    "relu",
    "max_pool2d(k2)",
    "conv2d(6,16,k5,s1,p0)",
    "relu",
    "max_pool2d(k2)",
    "flatten",
    "linear(400,120)",
    "relu",
    "linear(120,84)",
    "relu",
    "linear(84,10)",
]
LENET_PATTERN = [op for op in LENET_OPS if op != "flatten"]


def module(
    ops: list[str] | None = None,
    shapes: list[list[int]] | None = None,
    output: Any = None,
    frozen: int = 0,
    where: str = "`net`",
) -> dict[str, Any]:
    """A module-probe record; `frozen` parameters (from the first) do not train."""
    shapes = LENET_SHAPES if shapes is None else shapes
    sizes = [int(torch.Size(s).numel()) for s in shapes]
    record: dict[str, Any] = {
        "where": where,
        "class": "Net",
        "param_names": [f"p{i}" for i in range(len(shapes))],
        "param_shapes": shapes,
        "param_count": sum(sizes),
        "trainable_count": sum(sizes[frozen:]),
    }
    if ops is not None:
        record["ops"] = ops
        record["output"] = to_json(torch.zeros(1, 10) if output is None else output)
    return ok(record)


def recorded(**parts: Any) -> dict[str, Any]:
    """A recorded-probe record: nothing recorded except `parts`."""
    value = {
        "optimizers": [],
        "losses": [],
        "criteria": [],
        "graphs": [],
        "backward_calls": 0,
        "datasets": [],
        "transforms": [],
        "loaders": 0,
    }
    value.update(parts)
    return ok(value)


def optimizer(cls: str = "SGD", samples: list[dict] | None = None, **hyper: Any) -> dict:
    """One recorded optimizer, as `probe_recorded` describes it."""
    return {
        "class": cls,
        "cell": 4,
        "hyper": hyper,
        "model": "Net",
        "steps": {"5": 1} if samples else {},
        "step_samples": samples or [],
    }


def real_optimizer(cls: type, **settings: Any) -> dict:
    """A recorded optimizer after one real torch step (hyper-parameters and step sample)."""
    torch.manual_seed(0)
    weight = torch.nn.Parameter(torch.randn(4))
    opt = cls([weight], **settings)
    weight.grad = torch.randn(4)
    before, grad = weight.detach().tolist(), weight.grad.tolist()
    opt.step()
    sample = {"cell": 5, "before": before, "grad": grad, "after": weight.detach().tolist()}
    keys = ("lr", "momentum", "betas", "eps", "weight_decay", "nesterov")
    hyper = {k: list(v) if isinstance(v, tuple) else v for k, v in opt.param_groups[0].items()}
    return optimizer(cls.__name__, [sample], **{k: hyper[k] for k in keys if k in hyper})


# -- value ---------------------------------------------------------------------


def test_value_literal_match_passes() -> None:
    check = make("value", target={"names": ["answer"]}, expect={"value": 0.25})
    verdict = judge(check, {"target": found(0.25, where="`answer`")})
    assert (verdict.fraction, verdict.status) == (1.0, PASS)
    assert verdict.message == "`answer`: 0.25: correct"
    assert verdict.convention is None


def test_value_within_tolerance_passes_and_beyond_fails() -> None:
    check = make("value", target={"names": ["x"]}, expect={"value": 1.0}, rtol=1e-3)
    assert judge(check, {"target": found(1.0005)}).fraction == 1
    assert judge(check, {"target": found(1.01)}).fraction == 0


def test_public_value_mismatch_states_the_expected_value() -> None:
    check = make("value", visibility="public", target={"names": ["x"]}, expect={"value": 0.25})
    verdict = judge(check, {"target": found(0.5)})
    assert (verdict.fraction, verdict.status) == (0.0, FAIL)
    assert verdict.message == "`x`: found 0.5, expected 0.25"


def test_hidden_value_mismatch_never_states_the_expected_value() -> None:
    check = make("value", target={"names": ["x"]}, expect={"value": 0.1234})
    verdict = judge(check, {"target": found(0.5)})
    assert verdict.fraction == 0
    assert "0.1234" not in verdict.message
    assert "not the expected value" in verdict.message
    assert "0.1234" in verdict.detail


def test_hidden_value_conventions_are_not_revealed() -> None:
    check = make(
        "value",
        target={"names": ["mse"]},
        conventions={"mean": {"value": 0.0123}, "sum": {"value": 0.0492}},
    )
    verdict = judge(check, {"target": found(7.0)})
    assert "0.0123" not in verdict.message and "0.0492" not in verdict.message
    assert "mean: 0.0123" in verdict.detail and "sum: 0.0492" in verdict.detail


def test_value_conventions_from_the_reference_report_which_matched() -> None:
    check = make(
        "value",
        target={"patterns": [".*mse.*"]},
        conventions={
            "mean": {"reference": {"names": ["mse_mean"]}},
            "sum": {"reference": {"names": ["mse_sum"]}},
            "half_sum": {"reference": {"names": ["mse_half_sum"]}},
        },
    )
    assert set(check.reference_requests()) == {"mean", "sum", "half_sum"}
    expected = {"mean": found(0.25), "sum": found(1.0), "half_sum": found(0.5)}
    verdict = judge(check, {"target": found(0.5, where="`my_mse`")}, expected)
    assert verdict.fraction == 1
    assert verdict.convention == "half_sum"
    assert verdict.message == "`my_mse`: 0.5: correct (convention: half_sum)"
    assert check.answers(Seen(expected)) == {"mean": 0.25, "sum": 1.0, "half_sum": 0.5}


def test_value_tensor_candidates_are_filtered_by_shape() -> None:
    """A 2x2 tensor is skipped; the 4-vector (stored as 1x4) is compared."""
    probabilities = torch.softmax(torch.tensor([[0.4, 2.0, 0.001, 0.32]]), dim=1)
    check = make(
        "value",
        target={"names": ["p"]},
        shape=[4],
        expect={"value": probabilities[0].tolist()},
    )
    verdict = judge(check, {"target": found_at(other=torch.eye(2), p=probabilities)})
    assert verdict.fraction == 1
    assert verdict.message.startswith("`p`: [")


def test_value_reference_failure_is_not_graded() -> None:
    check = make("value", target={"names": ["x"]}, expect={"reference": {"names": ["x"]}})
    verdict = judge(check, {"target": found(1.0)}, {"expected": failed("NameError: x")})
    assert verdict.status == NOT_GRADED
    assert "reference solution gave no expectation" in verdict.message


def test_value_not_found() -> None:
    check = make("value", target={"names": ["answer"]}, expect={"value": 1})
    verdict = judge(check, {"target": ok({"candidates": []})})
    assert verdict.fraction == 0
    assert verdict.message.startswith("not found: no value named `answer`")


def test_value_from_output_matches_printed_numbers() -> None:
    check = make(
        "value",
        target={"names": ["softmax_q4"]},
        shape=[4],
        from_output=True,
        expect={"value": [0.1324, 0.6559, 0.0883, 0.1223]},
    )
    stdout = "epoch 1\nsoftmax: tensor([0.1324, 0.6559, 0.0883, 0.1223])\n"
    verdict = judge(check, {"target": ok({"candidates": []})}, stdout=stdout)
    assert verdict.fraction == 1
    assert verdict.message.startswith("printed output: [0.1324")


def test_value_from_output_reports_the_convention() -> None:
    check = make(
        "value",
        target={"names": ["ce"]},
        from_output=True,
        conventions={"ln": {"value": 2.3026}, "log2": {"value": 3.3219}},
    )
    verdict = judge(check, {"target": ok({"candidates": []})}, stdout="CE = 3.32193\n")
    assert (verdict.fraction, verdict.convention) == (1.0, "log2")
    assert "(convention: log2)" in verdict.message


def test_value_from_output_wrong_numbers_fail() -> None:
    check = make("value", target={"names": ["ce"]}, from_output=True, expect={"value": 2.3026})
    verdict = judge(check, {"target": ok({"candidates": []})}, stdout="CE = 2.5\n")
    assert verdict.fraction == 0
    assert "no such numbers in the printed output" in verdict.message


def test_value_printed_output_is_ignored_without_from_output() -> None:
    check = make("value", target={"names": ["ce"]}, expect={"value": 2.3026})
    verdict = judge(check, {"target": ok({"candidates": []})}, stdout="CE = 2.3026\n")
    assert verdict.fraction == 0
    assert "printed output" not in verdict.message


def test_value_from_output_prefers_a_correct_variable_over_the_printout() -> None:
    check = make("value", target={"names": ["x"]}, from_output=True, expect={"value": 0.75})
    verdict = judge(check, {"target": found(0.75)}, stdout="0.75")
    assert verdict.message == "`x`: 0.75: correct"


def mse_check() -> Any:
    return make(
        "value",
        visibility="public",
        target={"names": ["loss"]},
        shape=[],
        computed_from={"function": "mse", "args": [{"names": ["output"]}, {"names": ["target"]}]},
    )


def test_value_computed_from_mse_is_consistent() -> None:
    output, target = torch.tensor([[0.1, 0.9, 0.3]]), torch.tensor([0.0, 1.0, 0.0])
    loss = torch.nn.functional.mse_loss(output, target.reshape(1, 3))
    check = mse_check()
    assert set(check.requests()) == {"target", "arg0", "arg1"}
    seen = {"target": found(loss), "arg0": found(output), "arg1": found(target)}
    verdict = judge(check, seen)
    assert verdict.fraction == 1 and verdict.message.endswith(": correct")


def test_value_computed_from_mse_inconsistent_fails() -> None:
    output, target = torch.tensor([[0.1, 0.9, 0.3]]), torch.tensor([0.0, 1.0, 0.0])
    wrong_loss = ((output - target) ** 2).sum()  # sum, not mean
    seen = {"target": found(wrong_loss), "arg0": found(output), "arg1": found(target)}
    verdict = judge(mse_check(), seen)
    assert verdict.fraction == 0
    assert "expected 0.03667" in verdict.message


def test_value_computed_from_needs_its_arguments() -> None:
    seen = {"target": found(0.1), "arg0": found(torch.zeros(3)), "arg1": failed("not found")}
    verdict = judge(mse_check(), seen)
    assert verdict.fraction == 0
    assert verdict.message.startswith("cannot check consistency: need")
    assert "`target`" in verdict.message


def property_check(*properties: str, shape: list[int] | None = None) -> Any:
    return make("value", target={"names": ["p"]}, properties=list(properties), shape=shape)


def test_value_properties_probability_vector_passes() -> None:
    probabilities = torch.softmax(torch.tensor([0.4, 2.0, 0.001, 0.32]), dim=0)
    verdict = judge(property_check("finite", "probabilities"), {"target": found(probabilities)})
    assert verdict.fraction == 1
    assert verdict.message.endswith("is finite, probabilities")


def test_value_properties_report_what_failed() -> None:
    check = property_check("finite", "probabilities")
    verdict = judge(check, {"target": found(torch.tensor([0.5, 0.7]))})
    assert verdict.fraction == 0
    assert verdict.message.endswith("is not probabilities")
    verdict = judge(property_check("finite", "positive"), {"target": found(float("nan"))})
    assert verdict.message.endswith("is not finite, positive")
    verdict = judge(property_check("positive", "scalar"), {"target": found(torch.tensor([1, 2]))})
    assert verdict.message.endswith("is not scalar")


def test_value_properties_pick_the_candidate_that_holds() -> None:
    verdict = judge(property_check("positive"), {"target": found_at(a=-1.0, b=2.0)})
    assert verdict.fraction == 1 and verdict.message.startswith("`b`: 2")


def test_value_properties_with_shape_ignore_other_shapes() -> None:
    check = property_check("finite", shape=[4])
    verdict = judge(check, {"target": found(torch.ones(3))})
    assert verdict.fraction == 0
    assert verdict.message == "not found: no numeric value named `p` of shape (4,)"


def test_value_non_numeric_candidates_are_skipped() -> None:
    verdict = judge(property_check("finite"), {"target": found_at(s="hello", n=3)})
    assert verdict.fraction == 1 and verdict.message.startswith("`n`")


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({}, "give `expect` or `conventions`"),
        (
            {"expect": {"value": 1}, "conventions": {"a": {"value": 2}}},
            "not both",
        ),
        ({"expect": {"value": 1, "reference": {"names": ["x"]}}}, "exactly one of"),
        ({"expect": {}}, "exactly one of"),
        ({"expect": {"value": 1}, "tolerance": 0.1}, "Extra inputs are not permitted"),
        ({"properties": ["even"]}, "properties"),
        ({"expect": {"value": 1}, "rtol": -1}, "greater than or equal to 0"),
    ],
)
def test_malformed_value_checks_are_rejected(fields: dict, error: str) -> None:
    with pytest.raises(ValidationError) as caught:
        make("value", target={"names": ["x"]}, **fields)
    assert error in str(caught.value)


def test_unknown_kind_and_bad_id_are_rejected() -> None:
    with pytest.raises(ValidationError, match="does not match any of the expected tags"):
        make("colour", target={"names": ["x"]})
    with pytest.raises(ValidationError, match="pattern"):
        CHECKS.validate_python(
            {"id": "a b", "kind": "output", "points": 1, "patterns": ["x"]},
        )


# -- shape ---------------------------------------------------------------------


def test_shape_of_a_model_output_passes() -> None:
    check = make(
        "shape",
        target={"kind": "module", "names": ["net"]},
        input=[1, 3, 32, 32],
        expect={"value": [1, 10]},
    )
    probe, params = check.requests()["target"]
    assert probe == "module" and params["input"] == {"randn": [1, 3, 32, 32]}
    verdict = judge(check, {"target": module(LENET_OPS, output=torch.zeros(1, 10))})
    assert verdict.fraction == 1 and verdict.message == "[1, 10]: correct"


def test_shape_mismatch_fails_and_public_shows_expected() -> None:
    check = make(
        "shape",
        visibility="public",
        target={"kind": "module", "names": ["net"]},
        input=[1, 3, 32, 32],
        expect={"value": [1, 10]},
    )
    verdict = judge(check, {"target": module(LENET_OPS, output=torch.zeros(10))})
    assert verdict.fraction == 0
    assert verdict.message == "found [10], expected [1, 10]"


def test_shape_of_a_value_against_the_reference() -> None:
    check = make("shape", target={"names": ["x"]}, expect={"reference": {"names": ["x"]}})
    expected = {"expected": found(torch.Size([2, 3]))}
    assert judge(check, {"target": found(torch.zeros(2, 3))}, expected).fraction == 1
    assert judge(check, {"target": found(torch.zeros(3, 2))}, expected).fraction == 0


def test_shape_target_missing() -> None:
    check = make("shape", target={"names": ["x"]}, expect={"value": [2]})
    verdict = judge(check, {"target": failed("no value named `x`")})
    assert verdict.fraction == 0 and verdict.message == "not found: no value named `x`"


# -- parameters ----------------------------------------------------------------

NET = {"kind": "module", "names": ["net"]}


def test_parameter_count_passes_and_fails() -> None:
    check = make("parameters", target=NET, expect={"value": 61706})
    assert judge(check, {"target": module()}).message == "61706: correct"
    wrong = module(shapes=LENET_SHAPES[:-1])
    verdict = judge(check, {"target": wrong})
    assert verdict.fraction == 0 and "61696" in verdict.message


def test_parameter_measures() -> None:
    def verdict(measure: str, want: Any, **extra: Any) -> Verdict:
        check = make("parameters", target=NET, measure=measure, expect={"value": want}, **extra)
        return judge(check, {"target": module(frozen=2)})

    assert verdict("tensors", 10).fraction == 1
    assert verdict("tensors", 8).fraction == 0
    assert verdict("shape", [6, 1, 5, 5]).fraction == 1
    assert verdict("shape", [16, 6, 5, 5], index=2).fraction == 1
    assert verdict("shape", [6, 1, 3, 3]).fraction == 0
    assert verdict("trainable", 61706 - 156).fraction == 1
    assert verdict("trainable", 61706).fraction == 0


def test_parameter_count_conventions_follow_the_reference() -> None:
    check = make(
        "parameters",
        target=NET,
        conventions={
            "padding_0": {"reference": {"kind": "module", "names": ["padded_0"]}},
            "padding_1": {"reference": {"kind": "module", "names": ["padded_1"]}},
        },
    )
    expected = {"padding_0": module(shapes=[[32, 3, 3, 3]]), "padding_1": module(shapes=[[99]])}
    verdict = judge(check, {"target": module(shapes=[[99]])}, expected)
    assert (verdict.fraction, verdict.convention) == (1.0, "padding_1")
    assert verdict.message == "99: correct (convention: padding_1)"


def test_parameters_not_comparable_when_the_record_lacks_the_measure() -> None:
    check = make("parameters", target=NET, expect={"value": 1})
    verdict = judge(check, {"target": ok({"where": "`net`"})})
    assert verdict.fraction == 0 and "not comparable" in verdict.message


# -- choice --------------------------------------------------------------------


def choice(expect: list[Any], visibility: str = "hidden") -> Any:
    return make("choice", target={"names": ["answers"]}, expect=expect, visibility=visibility)


def test_choice_all_right() -> None:
    verdict = judge(choice(["b", "d", "a"]), {"target": found(["B", "d ", "a."])})
    assert (verdict.fraction, verdict.status) == (1.0, PASS)
    assert verdict.message == "`x`: 3 of 3 answers correct"


def test_choice_two_of_three_is_partial_and_public_names_the_wrong_one() -> None:
    verdict = judge(choice(["b", "d", "a"], "public"), {"target": found(["b", "d", "c"])})
    assert verdict.fraction == pytest.approx(2 / 3) and verdict.status == PARTIAL
    assert verdict.message == "`x`: 2 of 3 answers correct (wrong: 3)"


def test_hidden_choice_does_not_say_which_are_wrong() -> None:
    verdict = judge(choice(["b", "d", "a"]), {"target": found(["b", "d", "c"])})
    assert verdict.fraction == pytest.approx(2 / 3)
    assert "wrong" not in verdict.message


@pytest.mark.parametrize(
    "given",
    [
        ["T", "F", "T"],
        "T, F, T",
        ["O", "X", "O"],
        "o,x,o",
        [True, False, True],
        ["True", "False", "true"],
        ["yes", "no", "Y"],
        ["참", "거짓", "맞다"],
    ],
)
def test_choice_true_false_spellings_are_normalised(given: Any) -> None:
    verdict = judge(choice(["O", "X", "T"]), {"target": found(given)})
    assert verdict.fraction == 1, verdict.message


def test_choice_true_false_mismatch() -> None:
    verdict = judge(choice([True, False, True], "public"), {"target": found("F, F, T")})
    assert verdict.fraction == pytest.approx(2 / 3)
    assert "(wrong: 1)" in verdict.message


def test_choice_too_few_answers() -> None:
    verdict = judge(choice(["a", "b", "c", "d"]), {"target": found(["a", "b"])})
    assert verdict.fraction == 0.5
    assert "2 answers given for 4 items" in verdict.message


def test_choice_not_found() -> None:
    verdict = judge(choice(["a"]), {"target": failed("no value")})
    assert verdict.fraction == 0 and verdict.message == "not found: no value named `answers`"


def test_choice_needs_at_least_one_expected_answer() -> None:
    with pytest.raises(ValidationError, match="at least 1 item"):
        choice([])


# -- architecture --------------------------------------------------------------


def architecture(visibility: str = "hidden", **fields: Any) -> Any:
    return make("architecture", visibility=visibility, target=NET, input=[1, 1, 32, 32], **fields)


def test_architecture_exact_match_passes() -> None:
    check = architecture(conventions={"lenet": LENET_PATTERN})
    verdict = judge(check, {"target": module(LENET_OPS)})
    assert (verdict.fraction, verdict.convention) == (1.0, "lenet")
    assert verdict.message.startswith("`net`: conv2d(1,6,k5,s1,p0) -> relu")
    assert verdict.message.endswith(": matches")


def test_architecture_ignores_flatten_and_dropout() -> None:
    ops = [*LENET_OPS[:7], "dropout", *LENET_OPS[7:], "dropout2d"]
    verdict = judge(architecture(conventions={"lenet": LENET_PATTERN}), {"target": module(ops)})
    assert verdict.fraction == 1


def test_architecture_glob_conventions_report_which_matched() -> None:
    conventions = {
        "padding_0": ["conv2d(3,32,k3,s1,p0)", "relu", "max_pool2d(k2)", "linear(*,10)"],
        "padding_1": ["conv2d(3,32,k3,s1,p1)", "relu", "max_pool2d(k2)", "linear(*,10)"],
    }
    ops = ["conv2d(3,32,k3,s1,p1)", "relu", "max_pool2d(k2)", "flatten", "linear(8192,10)"]
    verdict = judge(architecture(conventions=conventions), {"target": module(ops)})
    assert (verdict.fraction, verdict.convention) == (1.0, "padding_1")
    assert verdict.message.endswith("matches (convention: padding_1)")


def test_architecture_one_missing_layer_earns_partial_credit() -> None:
    """Each missing layer costs twice its share: 1 - 2/11."""
    ops = [op for op in LENET_OPS if op != "linear(120,84)"]
    verdict = judge(architecture(conventions={"lenet": LENET_PATTERN}), {"target": module(ops)})
    assert verdict.fraction == pytest.approx(1 - 2 / 11)
    assert verdict.status == PARTIAL
    assert verdict.convention is None


def test_architecture_far_off_scores_nothing() -> None:
    verdict = judge(
        architecture(conventions={"lenet": LENET_PATTERN}),
        {"target": module(["linear(1024,10)"])},
    )
    assert verdict.fraction == 0


def test_public_architecture_mismatch_shows_the_expected_layers() -> None:
    ops = ["conv2d(1,6,k5,s1,p0)", "relu", "linear(1176,10)"]
    verdict = judge(
        architecture("public", conventions={"lenet": LENET_PATTERN}), {"target": module(ops)}
    )
    assert verdict.fraction == 0
    assert "expected conv2d(1,6,k5,s1,p0) -> relu -> max_pool2d(k2)" in verdict.message
    assert "linear(400,120)" in verdict.message


def test_hidden_architecture_mismatch_hides_the_expected_layers() -> None:
    ops = ["conv2d(1,6,k5,s1,p0)", "relu", "linear(1176,10)"]
    verdict = judge(architecture(conventions={"lenet": LENET_PATTERN}), {"target": module(ops)})
    assert verdict.fraction == 0
    assert "linear(400,120)" not in verdict.message
    assert "max_pool2d" not in verdict.message
    assert "differs from the required layers" in verdict.message
    assert "linear(400,120)" in verdict.detail


def bn_ops(with_bn: int) -> list[str]:
    """Two conv blocks, the first `with_bn` of them followed by batch norm."""
    ops = []
    for block in range(2):
        ops.append("conv2d(3,32,k3,s1,p1)" if block == 0 else "conv2d(32,32,k3,s1,p1)")
        ops += ["batch_norm(32)"] if block < with_bn else []
        ops.append("relu")
    return [*ops, "flatten", "linear(32768,10)"]


def test_architecture_every_conv_followed_by_batch_norm() -> None:
    check = architecture(every={"conv2d*": "batch_norm*"})
    verdict = judge(check, {"target": module(bn_ops(2))})
    assert verdict.fraction == 1
    assert verdict.message == "`net`: 2 of 2 layers satisfy: conv2d* followed by batch_norm*"
    half = judge(check, {"target": module(bn_ops(1))})
    assert half.fraction == 0.5 and "1 of 2 layers" in half.message


def test_architecture_every_without_matching_layers_fails() -> None:
    verdict = judge(
        architecture(every={"conv2d*": "batch_norm*"}), {"target": module(["linear(3072,10)"])}
    )
    assert verdict.fraction == 0
    assert "no layer matching conv2d* found" in verdict.message


def test_architecture_conventions_and_every_are_averaged() -> None:
    pattern = ["conv2d(3,32,*)", "batch_norm(32)", "relu", "conv2d(32,32,*)", "relu", "linear(*)"]
    check = architecture(conventions={"bn": pattern}, every={"conv2d*": "batch_norm*"})
    verdict = judge(check, {"target": module(bn_ops(1))})
    assert verdict.fraction == pytest.approx(0.75)
    assert verdict.convention == "bn"
    assert "1 of 2 layers satisfy" in verdict.message


def test_architecture_target_not_found() -> None:
    check = architecture(conventions={"lenet": LENET_PATTERN})
    verdict = judge(check, {"target": failed("no module accepting input of shape (1, 1, 32, 32)")})
    assert verdict.fraction == 0 and verdict.message.startswith("not found: no module")


def test_architecture_needs_conventions_or_every() -> None:
    with pytest.raises(ValidationError, match="give `conventions`"):
        architecture()
    with pytest.raises(ValidationError, match="input"):
        make("architecture", target=NET, every={"conv2d*": "batch_norm*"})


# -- gradient ------------------------------------------------------------------


def gradients(*grads: torch.Tensor, empty: bool = True) -> dict[str, Any]:
    return ok(
        {
            "where": "`net`",
            "empty_after_zero_grad": [empty] * len(grads),
            "grads": [to_json(g) for g in grads],
            "loss": 0.3,
        }
    )


def gradient_check(**fields: Any) -> Any:
    return make("gradient", target=NET, input=[1, 1, 32, 32], output=[1, 10], **fields)


def test_gradient_matches_the_reference() -> None:
    grad = torch.linspace(-1, 1, 6)
    check = gradient_check(params=[1])
    verdict = judge(check, {"target": gradients(grad)}, {"expected": gradients(grad.clone())})
    assert verdict.fraction == 1
    assert verdict.message == (
        "`net`: zero_grad() empties the gradients; parameter 1 gradient matches"
    )


def test_gradient_differs_gives_partial_credit() -> None:
    grad = torch.linspace(-1, 1, 6)
    check = gradient_check(params=[1])
    verdict = judge(check, {"target": gradients(grad * 2)}, {"expected": gradients(grad)})
    assert verdict.fraction == 0.5
    assert "parameter 1 gradient differs" in verdict.message


def test_gradient_not_emptied_by_zero_grad() -> None:
    grad = torch.ones(3)
    verdict = judge(
        gradient_check(), {"target": gradients(grad, empty=False)}, {"expected": gradients(grad)}
    )
    assert verdict.fraction == 0.5
    assert "gradients were not empty after zero_grad()" in verdict.message


def test_gradient_missing_parameters_count_as_wrong() -> None:
    a, b = torch.ones(3), torch.zeros(2)
    verdict = judge(
        gradient_check(check_zero_grad=False),
        {"target": gradients(a)},
        {"expected": gradients(a, b)},
    )
    assert verdict.fraction == 0.5


def test_gradient_without_reference_is_not_graded_and_failure_scores_zero() -> None:
    check = gradient_check()
    verdict = judge(check, {"target": gradients(torch.ones(2))}, {"expected": failed("boom")})
    assert verdict.status == NOT_GRADED
    verdict = judge(check, {"target": failed("RuntimeError: shapes")}, {})
    assert verdict.fraction == 0
    assert verdict.message == "could not compute gradients: RuntimeError: shapes"


# -- function ------------------------------------------------------------------


def result(value: Any) -> dict[str, Any]:
    return ok({"where": "`softmax`", "result": to_json(value)})


def function_check(visibility: str = "hidden") -> Any:
    return make(
        "function",
        visibility=visibility,
        target={"kind": "function", "names": ["softmax"]},
        calls=[{"args": [{"tensor": [1.0, 2.0]}]}, {"args": [{"tensor": [0.0, 0.0]}]}],
    )


def test_function_agrees_with_the_reference() -> None:
    a, b = torch.softmax(torch.tensor([1.0, 2.0]), 0), torch.tensor([0.5, 0.5])
    check = function_check()
    assert set(check.requests()) == {"call0", "call1"}
    verdict = judge(
        check,
        {"call0": result(a), "call1": result(b)},
        {"expected:call0": result(a.clone()), "expected:call1": result(b.clone())},
    )
    assert verdict.fraction == 1
    assert verdict.message == "2 of 2 calls agree with the reference"


def test_function_public_disagreement_shows_both_results() -> None:
    expected = {
        "expected:call0": result(torch.tensor([0.25, 0.75])),
        "expected:call1": result(torch.ones(2) / 2),
    }
    seen = {"call0": result(torch.tensor([1.0, 2.0])), "call1": result(torch.ones(2) / 2)}
    verdict = judge(function_check("public"), seen, expected)
    assert verdict.fraction == 0.5
    assert "call 1: got [1, 2], expected [0.25, 0.75]" in verdict.message


def test_function_hidden_disagreement_hides_the_reference_result() -> None:
    expected = {
        "expected:call0": result(torch.tensor([0.25, 0.75])),
        "expected:call1": result(torch.ones(2) / 2),
    }
    seen = {"call0": result(torch.tensor([1.0, 2.0])), "call1": failed("ZeroDivisionError")}
    verdict = judge(function_check(), seen, expected)
    assert verdict.fraction == 0
    assert "0.75" not in verdict.message
    assert "call 1: result differs from the reference" in verdict.message
    assert "call 2: ZeroDivisionError" in verdict.message


def test_function_reference_failure_is_not_graded() -> None:
    verdict = judge(
        function_check(),
        {"call0": result(1.0), "call1": result(1.0)},
        {"expected:call0": failed("boom"), "expected:call1": result(1.0)},
    )
    assert verdict.status == NOT_GRADED


def test_function_conventions_take_the_best_agreeing_reference() -> None:
    check = make(
        "function",
        target={"kind": "function", "names": ["loss"]},
        conventions={
            "sum": {"kind": "function", "names": ["s"]},
            "mean": {"kind": "function", "names": ["m"]},
        },
        calls=[{"args": [1]}, {"args": [2]}],
    )
    expected = {
        "sum:call0": result(4.0),
        "sum:call1": result(8.0),
        "mean:call0": result(2.0),
        "mean:call1": result(4.0),
    }
    verdict = judge(check, {"call0": result(2.0), "call1": result(4.0)}, expected)
    assert verdict.fraction == 1 and verdict.convention == "mean"
    assert check.answers(Seen(expected)) == {"sum": [[4.0], [8.0]], "mean": [[2.0], [4.0]]}


def test_function_results_of_several_parts_are_compared_part_by_part() -> None:
    loss, grad = torch.tensor(3.0), torch.ones(2, 2)
    mine = {"type": "list", "items": [to_json(loss), to_json(grad)], "length": 2}
    wrong = {"type": "list", "items": [to_json(loss), to_json(grad * 2)], "length": 2}
    check = function_check("public")
    ok = {"where": "`f`", "result": mine}
    expected = {
        "expected:call0": {"ok": True, "value": ok},
        "expected:call1": {"ok": True, "value": ok},
    }
    seen = {
        "call0": {"ok": True, "value": ok},
        "call1": {"ok": True, "value": {"where": "`f`", "result": wrong}},
    }
    verdict = judge(check, seen, expected)
    assert verdict.fraction == 0.5
    assert "call 2: got (3, [2, 2, 2, 2]), expected (3, [1, 1, 1, 1])" in verdict.message


def test_function_failing_the_same_way_every_time_says_so_once() -> None:
    expected = {"expected:call0": result(1.0), "expected:call1": result(1.0)}
    missing = {**failed("no function named `softmax`"), "not_found": True}  # as the child says
    verdict = judge(function_check(), {"call0": missing, "call1": missing}, expected)
    assert verdict.message == "not found: no function named `softmax`"
    broken = failed("NameError: name 'np' is not defined")
    verdict = judge(function_check(), {"call0": broken, "call1": broken}, expected)
    assert verdict.message == "every call failed: NameError: name 'np' is not defined"


def test_function_needs_a_call() -> None:
    with pytest.raises(ValidationError, match="calls"):
        make("function", target={"kind": "function", "names": ["f"]}, calls=[])


# -- optimizer -----------------------------------------------------------------

ADAM = {"lr": 0.001, "betas": [0.9, 0.999], "eps": 1.0e-8}


def test_optimizer_right_class_and_settings_pass() -> None:
    check = make("optimizer", classes=["Adam"], hyper=ADAM)
    seen = {"recorded": recorded(optimizers=[real_optimizer(torch.optim.Adam)])}
    verdict = judge(check, seen)
    assert verdict.fraction == 1
    assert verdict.message == "Adam for Net (cell 5) with lr=0.001, betas=[0.9, 0.999], eps=1e-08"


def test_optimizer_wrong_class_fails() -> None:
    check = make("optimizer", classes=["Adam"], hyper=ADAM)
    verdict = judge(check, {"recorded": recorded(optimizers=[optimizer("SGD", lr=0.001)])})
    assert verdict.fraction == 0
    assert verdict.message == "no Adam optimizer was constructed (found: SGD)"
    verdict = judge(check, {"recorded": recorded()})
    assert verdict.message.endswith("(found: none)")


def test_optimizer_wrong_hyper_parameters_earn_half() -> None:
    seen = {"recorded": recorded(optimizers=[real_optimizer(torch.optim.Adam, lr=0.01)])}
    public = judge(make("optimizer", visibility="public", classes=["Adam"], hyper=ADAM), seen)
    assert (public.fraction, public.status) == (0.5, PARTIAL)
    assert public.message.endswith("wrong hyper-parameters: lr=0.01 (expected 0.001)")
    hidden = judge(make("optimizer", classes=["Adam"], hyper=ADAM), seen)
    assert hidden.fraction == 0.5
    assert "lr=0.01" in hidden.message and "0.001" not in hidden.message


def test_optimizer_best_of_several_is_judged() -> None:
    optimizers = [
        optimizer("Adam", lr=0.1, betas=[0.9, 0.999], eps=1e-8),
        optimizer("Adam", **ADAM),
    ]
    verdict = judge(
        make("optimizer", classes=["Adam"], hyper=ADAM),
        {"recorded": recorded(optimizers=optimizers)},
    )
    assert verdict.fraction == 1


@pytest.mark.parametrize(
    ("cls", "settings"),
    [
        (torch.optim.SGD, {"lr": 0.01}),
        (torch.optim.SGD, {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.01}),
        (torch.optim.SGD, {"lr": 0.01, "momentum": 0.9, "nesterov": True}),
        (torch.optim.Adam, {"lr": 0.001}),
        (torch.optim.Adam, {"lr": 0.01, "weight_decay": 0.1}),
    ],
)
def test_optimizer_real_first_step_follows_its_rule(cls: type, settings: dict) -> None:
    check = make("optimizer", classes=[cls.__name__], hyper={"lr": settings["lr"]}, stepped=True)
    verdict = judge(check, {"recorded": recorded(optimizers=[real_optimizer(cls, **settings)])})
    assert verdict.fraction == 1
    assert verdict.message.endswith("its step moved the weights as expected")


def test_optimizer_step_that_breaks_the_rule_or_never_happens() -> None:
    check = make("optimizer", classes=["SGD"], hyper={"lr": 0.01}, stepped=True)
    wrong = {"cell": 5, "before": [1.0, 2.0], "grad": [1.0, 1.0], "after": [0.9, 1.9]}
    verdict = judge(check, {"recorded": recorded(optimizers=[optimizer(samples=[wrong], lr=0.01)])})
    assert verdict.fraction == 0.5
    assert "did not move the weights as its rule says" in verdict.message
    verdict = judge(check, {"recorded": recorded(optimizers=[optimizer(lr=0.01)])})
    assert verdict.fraction == 0.5 and verdict.message.endswith("never took a step")


def test_optimizer_nothing_recorded() -> None:
    check = make("optimizer", classes=["SGD"])
    verdict = judge(check, {"recorded": failed("probe crashed")})
    assert verdict.fraction == 0 and verdict.message == "nothing was recorded: probe crashed"


# -- update --------------------------------------------------------------------


def trajectory(manual: bool, stepped: bool, lr: float = 0.01) -> dict[str, Any]:
    """Snapshots of one parameter: backward (cell 1), manual update (2), optimizer step (3)."""
    w0, g1, g2 = [1.0, 2.0], [0.5, -0.5], [0.2, 0.4]
    w1 = [w - lr * g for w, g in zip(w0, g1)] if manual else [w + 1.0 for w in w0]
    w2 = [w - lr * g for w, g in zip(w1, g2)] if stepped else w1
    points = [
        {"cell": 0, "value": w0, "grad": None},
        {"cell": 1, "value": w0, "grad": g1},
        {"cell": 2, "value": w1, "grad": g1},
        {"cell": 3, "value": w2, "grad": g2},
    ]
    return ok({"where": "`net`", "points": points, "optimizer_steps": {"3": ["SGD"]}})


def update_check() -> Any:
    return make("update", target=NET, param=1, lr=0.01, require=["manual", "optimizer"])


def test_update_manual_and_optimizer_found() -> None:
    verdict = judge(update_check(), {"trajectory": trajectory(manual=True, stepped=True)})
    assert verdict.fraction == 1
    assert verdict.message == "`net`: found a manual update, an optimizer step with lr=0.01"


def test_update_only_manual_is_half() -> None:
    verdict = judge(update_check(), {"trajectory": trajectory(manual=True, stepped=False)})
    assert verdict.fraction == 0.5
    assert verdict.message.endswith("; missing an optimizer step")


def test_update_wrong_rule_finds_nothing() -> None:
    verdict = judge(update_check(), {"trajectory": trajectory(manual=False, stepped=False)})
    assert verdict.fraction == 0
    assert "found no update" in verdict.message


def test_update_target_missing() -> None:
    verdict = judge(update_check(), {"trajectory": failed("no module named `net`")})
    assert verdict.fraction == 0 and verdict.message == "not found: no module named `net`"


# -- loss ----------------------------------------------------------------------


def loss_call(name: str, log_probabilities: bool | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name, "cell": 6, "calls": 10}
    if log_probabilities is not None:
        entry["log_probabilities"] = log_probabilities
    return entry


def nll_check() -> Any:
    return make(
        "loss",
        functions=["nll_loss"],
        criteria=["NLLLoss"],
        log_probabilities=True,
        model_input=[1, 3, 32, 32],
    )


def test_loss_function_used_passes() -> None:
    check = make("loss", functions=["cross_entropy"], criteria=["CrossEntropyLoss"])
    verdict = judge(check, {"recorded": recorded(losses=[loss_call("cross_entropy")])})
    assert verdict.fraction == 1 and verdict.message == "cross_entropy was used"
    verdict = judge(check, {"recorded": recorded(criteria=["CrossEntropyLoss"])})
    assert verdict.fraction == 1 and verdict.message == "CrossEntropyLoss was used"


def test_loss_other_function_fails() -> None:
    check = make("loss", functions=["cross_entropy"])
    verdict = judge(
        check, {"recorded": recorded(losses=[loss_call("mse_loss")], criteria=["MSELoss"])}
    )
    assert verdict.fraction == 0
    assert verdict.message == "no cross_entropy was used (found: MSELoss, mse_loss)"


def test_loss_on_log_probabilities() -> None:
    assert set(nll_check().requests()) == {"recorded", "model"}
    seen = {"recorded": recorded(losses=[loss_call("nll_loss", True)])}
    verdict = judge(nll_check(), seen)
    assert verdict.fraction == 1 and verdict.message == "nll_loss was used on log-probabilities"


def test_loss_not_on_log_probabilities_is_half() -> None:
    seen = {"recorded": recorded(losses=[loss_call("nll_loss", False)])}
    verdict = judge(nll_check(), seen)
    assert verdict.fraction == 0.5
    assert "not on log-probabilities" in verdict.message


def test_loss_criterion_with_a_log_softmax_model() -> None:
    seen = {"recorded": recorded(criteria=["NLLLoss"]), "model": module(["log_softmax"])}
    verdict = judge(nll_check(), seen)
    assert verdict.fraction == 1
    assert verdict.message == "NLLLoss was used with `net` ending in log_softmax"
    seen["model"] = failed("no module whose forward pass runs *log_softmax")
    assert judge(nll_check(), seen).fraction == 0.5


# -- augmentation --------------------------------------------------------------


def dataset(train: bool | None, *transform: str) -> dict[str, Any]:
    return {
        "class": "CIFAR10",
        "cell": 2,
        "loaded": True,
        "train": train,
        "transform": list(transform),
        "augmentations": [t for t in transform if t.startswith(("Random", "ColorJitter"))],
    }


AUGMENTATION = {"kind": "augmentation"}


def test_augmentation_in_training_only_passes() -> None:
    datasets = [
        dataset(True, "RandomHorizontalFlip", "RandomCrop", "ToTensor"),
        dataset(False, "ToTensor", "Normalize"),
    ]
    verdict = judge(make(**AUGMENTATION), {"recorded": recorded(datasets=datasets)})
    assert verdict.fraction == 1
    assert verdict.message == (
        "training transform augments with RandomCrop, RandomHorizontalFlip; test transform does not"
    )


def test_augmentation_also_in_test_is_half() -> None:
    datasets = [dataset(True, "RandomHorizontalFlip"), dataset(False, "RandomHorizontalFlip")]
    verdict = judge(make(**AUGMENTATION), {"recorded": recorded(datasets=datasets)})
    assert verdict.fraction == 0.5 and "so does the test transform" in verdict.message


def test_no_augmentation_fails() -> None:
    datasets = [dataset(True, "ToTensor"), dataset(False, "ToTensor")]
    verdict = judge(make(**AUGMENTATION), {"recorded": recorded(datasets=datasets)})
    assert verdict.fraction == 0
    assert "(1 training transform(s) seen)" in verdict.message


def test_augmentation_from_named_transforms_without_datasets() -> None:
    transforms = [
        {"name": "train_transform", "transform": ["ColorJitter"], "augmentations": ["ColorJitter"]},
        {"name": "val_tf", "transform": ["ToTensor"], "augmentations": []},
    ]
    verdict = judge(make(**AUGMENTATION), {"recorded": recorded(transforms=transforms)})
    assert verdict.fraction == 1 and "ColorJitter" in verdict.message


# -- regularization ------------------------------------------------------------


def test_regularization_by_weight_decay() -> None:
    seen = {"recorded": recorded(optimizers=[optimizer("SGD", lr=0.1, weight_decay=5e-4)])}
    verdict = judge(make("regularization"), seen)
    assert (verdict.fraction, verdict.convention) == (1.0, "weight_decay")
    assert verdict.message == "SGD with weight_decay=0.0005"


def test_regularization_by_explicit_penalty() -> None:
    graphs = [{"cell": 7, "nodes": ["AddBackward0", "PowBackward0"], "parameter_penalty": True}]
    seen = {"recorded": recorded(optimizers=[optimizer("SGD", weight_decay=0)], graphs=graphs)}
    verdict = judge(make("regularization"), seen)
    assert (verdict.fraction, verdict.convention) == (1.0, "explicit_penalty")


def test_no_regularization_fails() -> None:
    graphs = [{"cell": 7, "nodes": ["MseLossBackward0"], "parameter_penalty": False}]
    seen = {"recorded": recorded(optimizers=[optimizer("Adam", weight_decay=0.0)], graphs=graphs)}
    verdict = judge(make("regularization"), seen)
    assert verdict.fraction == 0 and verdict.message.startswith("no L2 regularisation")


# -- output --------------------------------------------------------------------

GRAD_PATTERNS = [
    r"before backward\s*\n\s*(None|tensor\(\[(\s*0\.,?)+\]\))",
    r"after backward\s*\n\s*tensor\(\[\s*-?\d",
]


def test_output_all_patterns_printed() -> None:
    stdout = "before backward\nNone\nafter backward\ntensor([-0.0123,  0.0456])\n"
    verdict = judge(make("output", patterns=GRAD_PATTERNS), stdout=stdout)
    assert verdict.fraction == 1 and verdict.message == "2 of 2 expected outputs printed"


def test_output_missing_pattern_public_names_it_hidden_does_not() -> None:
    stdout = "before backward\ntensor([0., 0., 0.])\n"
    public = judge(make("output", visibility="public", patterns=GRAD_PATTERNS), stdout=stdout)
    assert public.fraction == 0.5
    assert "missing: 'after backward" in public.message
    hidden = judge(make("output", patterns=GRAD_PATTERNS), stdout=stdout)
    assert hidden.fraction == 0.5 and "missing" not in hidden.message


def test_output_nothing_printed_fails() -> None:
    verdict = judge(make("output", patterns=GRAD_PATTERNS), stdout="")
    assert (verdict.fraction, verdict.status) == (0.0, FAIL)


def test_output_bad_regex_or_no_pattern_is_rejected() -> None:
    with pytest.raises(ValidationError, match=r"bad regular expression '\(unclosed'"):
        make("output", patterns=["fine", "(unclosed"])
    with pytest.raises(ValidationError, match="at least 1 item"):
        make("output", patterns=[])


# -- manual --------------------------------------------------------------------


def test_manual_collects_matching_markdown_for_the_ta() -> None:
    check = make("manual", prompt="explain the outputs", collect=r"^\s*(answer|답)")
    markdown = ["# Title", "Answer: the loss falls because ...", "답: 기울기가 ..."]
    verdict = judge(check, markdown=markdown)
    assert (verdict.fraction, verdict.status) == (0.0, MANUAL)
    assert verdict.message == "for the TA to read (2 text cell(s) collected)"
    assert "explain" not in verdict.message + verdict.detail  # what a full answer says: TA only
    assert verdict.collected == "Answer: the loss falls because ...\n\n답: 기울기가 ..."


def test_manual_without_an_answer() -> None:
    check = make("manual", prompt="explain", collect="answer")
    verdict = judge(check, markdown=["# Title"])
    assert verdict.status == MANUAL and verdict.collected == ""
    assert "no written answer found" in verdict.message


def test_manual_without_a_filter_collects_every_cell() -> None:
    verdict = judge(make("manual", prompt="explain"), markdown=["a", "b"])
    assert verdict.collected == "a\n\nb" and verdict.status == MANUAL


# -- verdict -------------------------------------------------------------------


def test_verdict_clamps_and_derives_its_status() -> None:
    assert (Verdict(1.5, "").fraction, Verdict(1.5, "").status) == (1.0, PASS)
    assert (Verdict(-1, "").fraction, Verdict(-1, "").status) == (0.0, FAIL)
    assert Verdict(0.3, "").status == PARTIAL


# -- additions: optimizer of one model, step counts, single choice items -------


def test_optimizer_of_a_located_model_ignores_the_others() -> None:
    check = make(
        "optimizer",
        target={"kind": "module", "names": ["net"]},
        classes=["SGD"],
        hyper={"lr": 0.2},
    )
    assert set(check.requests()) == {"training"}
    mine = real_optimizer(torch.optim.SGD, lr=0.1)
    training = ok({"where": "`net`", "optimizer_records": [mine]})
    verdict = judge(check, {"training": training})
    assert verdict.fraction == 0.5 and "lr=0.1" in verdict.message
    verdict = judge(check, {"training": failed("no module named `net`")})
    assert verdict.fraction == 0 and "no module named `net`" in verdict.message


def test_optimizer_step_count() -> None:
    taken = real_optimizer(torch.optim.SGD, lr=0.2)
    taken["steps"] = {"5": 4, "6": 6}
    check = make("optimizer", classes=["SGD"], hyper={"lr": 0.2}, stepped=True, steps=10)
    verdict = judge(check, {"recorded": recorded(optimizers=[taken])})
    assert verdict.fraction == 1 and verdict.message.endswith("; 10 steps")
    taken["steps"] = {"5": 4}
    verdict = judge(check, {"recorded": recorded(optimizers=[taken])})
    assert verdict.fraction == 0.5 and "took 4 steps, expected 10" in verdict.message


@pytest.mark.parametrize(
    ("answers", "fraction"),
    [([True, "X", "O"], 1.0), ("T, T, F", 0.0), (["true"], 0.0), ("X", 1.0)],
)
def test_choice_item_grades_one_answer(answers: Any, fraction: float) -> None:
    check = make("choice", target={"names": ["answers"]}, expect=[True, False, True], item=2)
    verdict = judge(check, {"target": found(answers)})
    assert verdict.fraction == fraction
    assert check.answers(Seen({})) == {"expected": False}


def autograd_record(**fields: Any) -> dict[str, Any]:
    base = {
        "where": "`MyReLU`",
        "gradcheck": True,
        "gradcheck_problem": "",
        "forward_error": 0.0,
        "backward_error": 0.0,
    }
    return ok({**base, **fields})


def test_autograd_function_scores_gradcheck_forward_and_backward() -> None:
    check = make(
        "autograd_function", target={"kind": "function", "names": ["MyReLU"]},
        operation="relu", input=[3, 4],
    )  # fmt: skip
    assert judge(check, {"target": autograd_record()}).fraction == 1
    wrong = autograd_record(
        gradcheck=False, gradcheck_problem="Jacobian mismatch", backward_error=1.0
    )
    verdict = judge(check, {"target": wrong})
    assert verdict.fraction == pytest.approx(1 / 3)
    assert "gradcheck fails (Jacobian mismatch)" in verdict.message
    assert "backward differs" in verdict.message


@pytest.mark.parametrize(
    ("output", "fraction"),
    [
        (torch.log_softmax(torch.randn(4, 10), dim=1), 1.0),
        (torch.randn(4, 10), 0.5),
        (torch.log_softmax(torch.randn(4, 3), dim=1), 0.5),
    ],
)
def test_model_output_shape_and_log_probability_rows(output: torch.Tensor, fraction: float) -> None:
    check = make(
        "model_output", target={"kind": "module"}, input=[4, 1, 28, 28], shape=[4, 10],
        rows="log_probabilities",
    )  # fmt: skip
    record = ok({"where": "`net`", "output": to_json(output)})
    assert judge(check, {"target": record}).fraction == fraction


def test_a_loss_of_the_target_model_counts_only_in_the_cells_it_trained_in() -> None:
    check = make(
        "loss",
        functions=["cross_entropy"],
        target={"kind": "module", "accepts": [1, 784], "trained": True},
    )
    elsewhere = {"name": "cross_entropy", "cell": 2, "calls": 10}  # another model's training
    training = ok({"where": "`mlp`", "cells": [8], "optimizer_records": []})
    observed = {"recorded": recorded(losses=[elsewhere], criteria=["CrossEntropyLoss"])}
    verdict = judge(check, {**observed, "training": training})
    assert verdict.fraction == 0
    own = {"name": "cross_entropy", "cell": 7, "calls": 10}  # cell 8, counted from 1
    verdict = judge(check, {"recorded": recorded(losses=[own]), "training": training})
    assert verdict.fraction == 1
    never = ok({"where": "`mlp`", "cells": [], "optimizer_records": []})
    verdict = judge(check, {"recorded": recorded(losses=[own]), "training": never})
    assert verdict.fraction == 0 and verdict.message == "`mlp` was never trained"


def test_choice_answers_in_a_dict_count_in_the_order_of_their_numbers() -> None:
    answers = {"10": "T", 2: False, 1: True, "3": "O"}
    expect = [True, False, True] + [False] * 6 + [True]
    verdict = judge(choice(expect), {"target": found(answers)})
    assert verdict.fraction == pytest.approx(0.4)  # 1, 2, 3 (O) and 10 right; 4-9 unanswered


def test_choice_answered_by_bare_literal_cells_one_per_item() -> None:
    from graders.load.answers import answer_cells

    cells = ["import torch", "False  # three channels", "True", "'X'", "x = True", "True\nFalse"]
    assert answer_cells(cells) == [False, True, "X"]
    check = make(
        "choice", target={"names": ["q3"]}, expect=[False, True, True], item=3, visibility="public"
    )
    run = RunView(answer_cells=answer_cells(cells))
    verdict = check.judge(Seen({"target": failed("no value named `q3`")}), Seen({}), run)
    assert verdict.fraction == 0
    assert verdict.message == "the answer cells: answer 3 is False, which is wrong (expected True)"
    two_cells = RunView(answer_cells=[True, True])  # not one per item: not taken for the answers
    verdict = check.judge(Seen({"target": failed("no value named `q3`")}), Seen({}), two_cells)
    assert verdict.message.startswith("not found")


def test_a_count_given_as_its_dimensions_matches_where_the_rubric_allows() -> None:
    check = make("value", target={"names": ["outputs"]}, expect={"value": 10240}, volume=True)
    assert judge(check, {"target": found([32, 32, 10])}).fraction == 1
    assert judge(check, {"target": found([32, 32, 9])}).fraction == 0
    strict = make("value", target={"names": ["outputs"]}, expect={"value": 10240})
    assert judge(strict, {"target": found([32, 32, 10])}).fraction == 0


# -- progress: a loss that falls steadily under the fast budget --------------------------------

FAST = {"images": 8000, "epochs": 1, "test_images": 2000}


def _training(losses: list[float]) -> dict[str, Any]:
    return {"training": ok({"where": "`net`", "losses": losses, "steps": len(losses)})}


def _noisy(start: float, end: float, steps: int = 160, noise: float = 0.03) -> list[float]:
    generator = torch.Generator().manual_seed(0)
    trend = torch.linspace(start, end, steps)
    return (trend + noise * torch.randn(steps, generator=generator)).tolist()


def test_progress_a_small_steady_fall_under_the_fast_budget_is_learning() -> None:
    check = make("progress", target={"names": ["net"]}, decrease=0.5, budget=0.15)
    run = RunView(budget=FAST)
    verdict = check.judge(Seen(_training(_noisy(2.31, 2.24))), Seen({}), run)
    assert verdict.fraction == 1 and "falling steadily" in verdict.message


def test_progress_a_loss_that_only_wanders_is_not_learning() -> None:
    check = make("progress", target={"names": ["net"]}, decrease=0.5, budget=0.15)
    verdict = check.judge(Seen(_training(_noisy(2.30, 2.30))), Seen({}), RunView(budget=FAST))
    assert verdict.fraction < 0.5 and "falling steadily" not in verdict.message
    assert "(full marks from 15% under the fast budget; a full run, trained as written, " in (
        verdict.message
    )


def test_progress_without_the_budget_keeps_the_rubrics_decrease() -> None:
    check = make("progress", target={"names": ["net"]}, decrease=0.5, budget=0.15)
    verdict = check.judge(Seen(_training(_noisy(2.31, 2.24))), Seen({}), RunView())
    assert verdict.fraction < 0.2 and "(full marks from 50%)" in verdict.message


# -- printed tables, and work done inline ------------------------------------------------------

OR_TABLE = "\n".join(
    f"x=({a},{b})  s={s}  tau(s)={y}"
    for (a, b), s, y in [((0, 0), -0.5, -1), ((0, 1), 0.5, 1), ((1, 0), 0.5, 1), ((1, 1), 1.5, 1)]
)


def test_value_from_a_column_of_a_printed_table() -> None:
    check = make(
        "value", target={"names": ["or_outputs"]}, from_output=True, expect={"value": [-1, 1, 1, 1]}
    )
    verdict = judge(check, {"target": ok({"candidates": []})}, stdout="start\n" + OR_TABLE)
    assert verdict.fraction == 1
    assert "column 4 of the table printed from line 2" in verdict.message


def test_a_column_is_only_read_within_lines_alike() -> None:
    check = make(
        "value", target={"names": ["or_outputs"]}, from_output=True, expect={"value": [-1, 1, 1, 1]}
    )
    unlike = "a -1\nb 1 and 2\nc 1\nd 3 1"  # the same numbers, but no table
    assert judge(check, {"target": ok({"candidates": []})}, stdout=unlike).fraction == 0


def _question_with_inline(or_outputs: Verdict, step: Verdict) -> dict[str, Verdict]:
    from graders.engine import _credit_inline_work
    from graders.rubric.models import Question

    question = Question.model_validate(
        {
            "id": "q1",
            "title": "OR",
            "points": 2,
            "checks": [
                {
                    "id": "step",
                    "kind": "function",
                    "points": 1,
                    "inline": ["or-outputs"],
                    "target": {"kind": "function", "names": ["tau"]},
                    "calls": [{"args": [0.5]}],
                },
                {
                    "id": "or-outputs",
                    "kind": "value",
                    "points": 1,
                    "target": {"names": ["y"]},
                    "expect": {"value": [-1, 1, 1, 1]},
                },
            ],
        }
    )
    return _credit_inline_work(question, {"step": step, "or-outputs": or_outputs})


def test_a_function_not_found_takes_the_verdict_of_the_inline_work() -> None:
    missing = Verdict(0, "not found: no function named `tau`", found=False)
    credited = _question_with_inline(Verdict(1, "right"), missing)["step"]
    assert credited.fraction == 1 and "the work is done inline: `or-outputs` is right" in (
        credited.message
    )
    assert _question_with_inline(Verdict(0, "wrong"), missing)["step"].fraction == 0


def test_a_wrong_function_is_not_rescued_by_the_inline_work() -> None:
    wrong = Verdict(0, "0 of 1 calls agree with the reference")
    assert _question_with_inline(Verdict(1, "right"), wrong)["step"].fraction == 0


def _cost_alongside(layers: Verdict, cost: Verdict) -> Verdict:
    from graders.engine import _void_values_without_work
    from graders.rubric.models import Question

    question = Question.model_validate(
        {
            "id": "xor-single-layer",
            "title": "XOR",
            "points": 2,
            "checks": [
                {
                    "id": "layers",
                    "kind": "architecture",
                    "points": 1,
                    "target": {"kind": "module", "accepts": [1, 2]},
                    "input": [4, 2],
                    "conventions": {"single_layer": ["linear(2,1)", "sigmoid"]},
                },
                {
                    "id": "cost",
                    "kind": "value",
                    "points": 1,
                    "target": {"names": ["final_cost"]},
                    "from_output": True,
                    "expect": {"value": 0.6931},
                    "alongside": ["layers"],
                },
            ],
        }
    )
    return _void_values_without_work(question, {"layers": layers, "cost": cost})["cost"]


def test_a_printed_value_without_the_work_that_computes_it_earns_nothing() -> None:
    printed = Verdict(1, "printed output: [0.6931]: correct")
    voided = _cost_alongside(Verdict(0, "not found: no module"), printed)
    assert voided.fraction == 0
    assert voided.message == (
        "printed output: [0.6931]: correct; but no work of the question computes it "
        "(`layers`: none)"
    )
    assert _cost_alongside(Verdict(0.5, "linear(2,1) only"), printed).fraction == 1
    fault = Verdict(0, "grader error", status=GRADER_ERROR)
    assert _cost_alongside(fault, printed).fraction == 1  # the grader's fault voids nothing


def test_alongside_names_checks_of_the_same_question() -> None:
    from graders.rubric.models import Question

    with pytest.raises(ValidationError, match="`alongside` names no other check"):
        Question.model_validate(
            {
                "id": "q1",
                "title": "x",
                "points": 1,
                "checks": [
                    {
                        "id": "cost",
                        "kind": "value",
                        "points": 1,
                        "target": {"names": ["c"]},
                        "expect": {"value": 1},
                        "alongside": ["layers"],
                    }
                ],
            }
        )


def test_function_not_found_says_it_found_nothing() -> None:
    check = make("function", target={"kind": "function", "names": ["tau"]}, calls=[{"args": [0]}])
    record = {"ok": False, "not_found": True, "error": "no function named `tau`"}
    expected = {"expected:call0": ok({"result": to_json(1.0)})}
    verdict = judge(check, {"call0": record}, expected)
    assert verdict.fraction == 0 and verdict.found is False


def test_an_accuracy_under_the_fast_budget_says_what_a_full_run_needs() -> None:
    check = make(
        "accuracy",
        dataset="cifar10",
        target={"kind": "module", "names": ["best_model"]},
        accuracy={"full": 0.70, "zero": 0.40},
        budget={"full": 0.35, "zero": 0.20},
    )
    labels = [0] * 36 + [1] * 64
    seen = Seen({"predictions": ok({"where": "`best_model`", "predictions": [0] * 100})})
    fast = check.judge(seen, Seen({}), RunView(budget=FAST, test_labels={"cifar10": labels}))
    assert fast.fraction == 1.0
    assert fast.message.endswith(
        "(full marks from 35% under it; a full run, trained as written, needs 70%)"
    )
    full = check.judge(seen, Seen({}), RunView(test_labels={"cifar10": labels}))
    assert full.fraction == 0.0 and full.message.endswith("(full marks from 70%)")
