"""Recognisers of the dropout assignment's mistakes."""

from __future__ import annotations

from grader.recognise import Recogniser, exact
from grader.recognisers._common import random_stream

FORWARD = "forward_propagation_with_dropout"
BACKWARD = "backward_propagation_with_dropout"

RECOGNISERS: list[Recogniser] = [
    exact("dropout-no-scale", (FORWARD,), "A1, A2 masked but not divided by keep_prob"),
    exact("dropout-multiply-keep-prob", (FORWARD,), "A1, A2 masked and multiplied by keep_prob"),
    exact("dropout-inverted-mask", (FORWARD,), "masks keep units with rand > keep_prob"),
    exact("dropout-normal-mask", (FORWARD,), "masks drawn with randn"),
    exact("dropout-output-layer", (FORWARD,), "A3 masked too"),
    exact("dropout-input-layer", (FORWARD,), "X masked too"),
    *random_stream((FORWARD,)),
    exact("dropout-grad-no-scale", (BACKWARD,), "dA1, dA2 masked but not divided by keep_prob"),
    exact(
        "dropout-grad-multiply-keep-prob",
        (BACKWARD,),
        "dA1, dA2 masked and multiplied by keep_prob",
    ),
    exact("dropout-grad-no-mask", (BACKWARD,), "dA1, dA2 not masked"),
]
