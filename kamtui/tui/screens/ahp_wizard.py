"""The pairwise (AHP) wizard: n(n-1)/2 comparisons on Saaty's 1-9 scale, with the consistency ratio live.

Each pair is a 17-step slider, 9 .. 1 .. 9: left favours the first criterion, right the second. Keys:
left/right move it, 1-9 say "the first is k times as important as the second", / flips to the reciprocal
(the second is k times as important), Enter confirms and goes on, Backspace goes back. The slider starts
where the current weights put it (their ratio w_i / w_j, on the nearest step of the scale), so the
wizard starts from the weights in force, not from "all equal"; but a pair counts as answered only once
the person has moved the slider or typed a judgement (Enter alone on an untouched pair asks for one).
The CR shown while answering is provisional (unanswered pairs count as the current weights imply); at
the end the weights and the CR are shown and Enter applies them. With CR > 0.10 the comparisons
contradict each other: applying needs a confirmation.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from kamtui.core.criteria import CriteriaSet
from kamtui.tui.errors import guarded

STEPS = 17  # 9 8 7 6 5 4 3 2 1 2 3 4 5 6 7 8 9
MIDDLE = 8


def value_at(position: int) -> float:
    """a_ij for a slider position 0..16 (0: i is 9 times as important as j; 8: equal; 16: j 9 times)."""
    return float(MIDDLE + 1 - position) if position <= MIDDLE else 1.0 / (position - MIDDLE + 1)


def position_of(value: float) -> int:
    """The slider step nearest to a_ij (clamped to Saaty's scale 1/9 .. 9)."""
    if not value > 0:
        return STEPS - 1
    value = min(9.0, max(1.0 / 9.0, value))
    if value >= 1:
        return MIDDLE + 1 - round(value)
    return MIDDLE - 1 + round(1 / value)


def implied_ratios(points: dict[str, float] | None, criteria: CriteriaSet) -> np.ndarray:
    """a_ij = w_i / w_j of the current weights, within Saaty's scale (all 1 without weights)."""
    n = len(criteria)
    if not points:
        return np.ones((n, n))
    w = np.array([max(0.0, float(points.get(c, 0.0))) for c in criteria.ids])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = w[:, None] / w[None, :]
    ratio = np.where(np.isnan(ratio), 1.0, ratio)  # 0 / 0: no preference either way
    return np.clip(ratio, 1.0 / 9.0, 9.0)


def ratio_text(value: float) -> str:
    return f"{value:g}" if value >= 1 else f"1/{round(1 / value)}"


class AhpWizard(ModalScreen[dict[str, float] | None]):
    """Dismisses with the weights by criterion id (sum 1) when applied, None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "slide(-1)", "More: first", show=False, id="kam.ahp.left"),
        Binding("right", "slide(1)", "More: second", show=False, id="kam.ahp.right"),
        *(Binding(str(k), f"times({k})", f"{k}x", show=False, id=f"kam.ahp.times-{k}") for k in range(1, 10)),
        Binding("slash", "flip", "Reciprocal", key_display="/", id="kam.ahp.flip"),
        Binding("enter", "next", "Confirm", key_display="Enter", id="kam.ahp.next"),
        Binding("backspace", "previous", "Back", id="kam.ahp.back"),
        Binding("escape", "cancel", "Cancel", key_display="Esc", id="kam.ahp.cancel"),
    ]

    def __init__(self, criteria: CriteriaSet, points: dict[str, float] | None = None) -> None:
        super().__init__()
        self.criteria = criteria
        n = len(criteria)
        self.pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
        self.answers: dict[tuple[int, int], float] = {}
        self.implied = implied_ratios(points, criteria)  # where each slider starts
        self.step = 0  # index into pairs; len(pairs) = the summary
        self.position = self._start(0)
        self.touched = False  # the person moved the slider or typed a judgement on this pair
        self.result = None

    def compose(self) -> ComposeResult:
        with Vertical(id="ahp-dialog", classes="dialog"):
            yield Static("Pairwise comparison (AHP)", classes="dialog-title")
            yield Static("", id="ahp-progress")
            yield Static("", id="ahp-question")
            yield Static("", id="ahp-slider")
            yield Static("", id="ahp-consistency")
            yield Static(
                "←/→ or 1-9 (first k times as important), / the other way round · Enter next · "
                "Backspace back · Esc cancel",
                id="ahp-hint",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        if not self.pairs:
            self.step = 0
        self._draw()

    # -- model ---------------------------------------------------------------------------------------

    def _start(self, step: int) -> int:
        if step >= len(self.pairs):
            return MIDDLE
        i, j = self.pairs[step]
        return position_of(float(self.implied[i, j]))

    def matrix(self) -> np.ndarray:
        """The answers so far; an unanswered pair as the current weights imply."""
        a = self.implied.copy()
        for (i, j), value in self.answers.items():
            a[i, j] = value
            a[j, i] = 1.0 / value
        return a

    def current_result(self):
        from kamtui.core.ahp import ahp_weights

        return ahp_weights(self.matrix())

    @property
    def complete(self) -> bool:
        return len(self.answers) == len(self.pairs)

    # -- drawing -------------------------------------------------------------------------------------

    def _draw(self) -> None:
        names = self.criteria.names
        progress = self.query_one("#ahp-progress", Static)
        question = self.query_one("#ahp-question", Static)
        slider = self.query_one("#ahp-slider", Static)
        if self.step < len(self.pairs):
            i, j = self.pairs[self.step]
            progress.update(
                Text(
                    f"Comparison {self.step + 1} of {len(self.pairs)} · {len(self.answers)} answered",
                    style="dim",
                )
            )
            value = value_at(self.position)
            if value == 1:
                sentence = f"{names[i]} is as important as {names[j]}"
            elif value > 1:
                sentence = f"{names[i]} is {ratio_text(value)} times as important as {names[j]}"
            else:
                sentence = f"{names[j]} is {ratio_text(1 / value)} times as important as {names[i]}"
            if not self.touched and self.pairs[self.step] not in self.answers:
                sentence += "  (now: the current weights; move or type to answer)"
            question.update(Text(sentence, style="bold"))
            slider.update(self._slider(names[i], names[j]))
        else:
            progress.update(Text(f"All {len(self.pairs)} comparisons answered", style="dim"))
            question.update(Text("Weights from your comparisons (Enter applies them):", style="bold"))
            slider.update(self._weights_table())
        self._consistency()

    def _slider(self, first: str, second: str) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        labels = [str(MIDDLE + 1 - p) if p <= MIDDLE else str(p - MIDDLE + 1) for p in range(STEPS)]
        text.append("◀ more ", style="dim")
        for p, label in enumerate(labels):
            style = "bold reverse" if p == self.position else ("bold" if p == MIDDLE else "")
            text.append(f"{label}", style=style)
            if p < STEPS - 1:
                text.append(" ")
        text.append(" more ▶", style="dim")
        text.append(f"\n{first[:30]}", style="bold")
        pad = max(1, 47 - len(first[:30]) - len(second[:30]))
        text.append(" " * pad)
        text.append(second[:30], style="bold")
        return text

    def _weights_table(self) -> Text:
        result = self.current_result()
        text = Text()
        for c, w in zip(self.criteria.criteria, result.weights, strict=True):
            text.append(f"{c.name[:34]:<35}{w:7.1%}\n")
        return text

    def _consistency(self) -> None:
        from kamtui.core.ahp import CR_LIMIT

        widget = self.query_one("#ahp-consistency", Static)
        n = len(self.criteria)
        if n < 3:
            widget.update(Text("CR 0.00: two criteria are always consistent", style="dim"))
            return
        result = self.current_result()
        self.result = result
        ok = result.cr <= CR_LIMIT
        text = Text()
        shown = (
            0.0 if abs(result.cr) < 5e-4 else result.cr
        )  # rounding noise of a consistent matrix: no "-0.000"
        text.append(f"CR {shown:.3f}", style="bold " + ("green" if ok else "red"))
        if not self.complete:
            text.append(
                f"  provisional: {len(self.answers)} of {len(self.pairs)} answered, "
                "the rest as the current weights imply"
            )
        else:
            text.append("  consistent (≤ 0.10)" if ok else "  inconsistent (> 0.10): revise, or apply anyway")
        widget.update(text)

    # -- keys ----------------------------------------------------------------------------------------

    def _answering(self) -> bool:
        return self.step < len(self.pairs)

    def action_slide(self, step: int) -> None:
        if self._answering():
            self.position = max(0, min(STEPS - 1, self.position + step))
            self.touched = True
            self._draw()

    def action_times(self, k: int) -> None:
        if self._answering():
            self.position = position_of(float(k))
            self.touched = True
            self._draw()

    def action_flip(self) -> None:
        if self._answering():
            self.position = STEPS - 1 - self.position
            self.touched = True
            self._draw()

    def _go(self, step: int) -> None:
        self.step = step
        self.touched = False
        if self._answering():
            pair = self.pairs[step]
            self.position = position_of(self.answers[pair]) if pair in self.answers else self._start(step)
        self._draw()

    def action_next(self) -> None:
        if self._answering():
            pair = self.pairs[self.step]
            if not self.touched and pair not in self.answers:
                self.notify(
                    "Move the slider (←/→) or type a judgement (1-9, / for the other way round) first: "
                    "Enter alone does not count as an answer.",
                    severity="warning",
                )
                return
            self.answers[pair] = value_at(self.position)
            self._go(self.step + 1)
            return
        self._apply()

    def action_previous(self) -> None:
        if self.step > 0:
            self._go(self.step - 1)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _apply(self) -> None:
        from kamtui.core.ahp import CR_LIMIT
        from kamtui.tui.screens.confirm import ConfirmModal

        result = self.current_result()
        weights = {c: float(w) for c, w in zip(self.criteria.ids, result.weights, strict=True)}
        if result.cr <= CR_LIMIT:
            self.dismiss(weights)
            return

        @guarded
        def done(wizard: AhpWizard, insist: bool | None) -> None:
            if insist:
                wizard.dismiss(weights)

        self.app.push_screen(
            ConfirmModal(
                "Apply inconsistent weights?",
                f"The consistency ratio is {result.cr:.3f}, above {CR_LIMIT:.2f}: the comparisons contradict "
                "each other. Apply these weights anyway?",
                "Apply anyway",
            ),
            lambda insist: done(self, insist),
        )
