"""Weights and ranking on one screen: change a weight on the left, watch the ranking move on the right.

Weights are committed as they change (``kamtui.service.weights``). The ranking re-ranks with a prepared
:class:`~kamtui.tui.selection_session.LiveRanking` into columns (:class:`~kamtui.core.live_view.LiveView`:
nothing per account); keys that arrive faster than the screen re-ranks are coalesced: the re-rank is queued
behind them (``app.call_later``) and ranks only the latest weights. A thread worker then adds, in stages,
the capacity pick (``kamtui.service.ranking.pick``), P(top K) from the first draws by ``argpartition``
(``top_k_share_of``; SHARE_CELLS samples x accounts), the rank intervals from those draws, and the full
seeded figures of a saved run (``robustness_of``: P(top K) and the rank interval, exactly as
``kamtui.service.ranking.rank``); a newer change cancels it (``exclusive=True``, and the engine's loop asks
the worker between blocks of samples). The worker starts after the frame is painted.
"""

from __future__ import annotations

import time
from collections import deque
from typing import ClassVar

import numpy as np
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Static
from textual.worker import get_current_worker

from kamtui.core.errors import KamError
from kamtui.core.live_view import LiveView
from kamtui.tui.errors import call_ui, guarded, reported
from kamtui.tui.memory import give_back_memory
from kamtui.tui.screens.base import KamScreen
from kamtui.tui.selection_session import LiveRanking, load_selection
from kamtui.tui.widgets.ranking_table import RankingTable
from kamtui.tui.widgets.weights_panel import WeightsPanel

ROBUST_DELAY = 0.01  # seconds of quiet before robustness starts (after the frame is painted)
SHARE_CELLS = 1_000_000  # samples x accounts of the first P(top K) and intervals: all samples up to 1,000
SHARE_MIN = 100  # ...and at least this many samples
WEIGHTS_MIN, WEIGHTS_SHARE = 33, 0.37  # width of the weights side: at least, and at most this share
BINDING_NAMES = {"top_k": "K", "capacity": "capacity"}


def first_samples(samples: int, accounts: int) -> int:
    """How many weight draws the first P(top K) and rank intervals use (all of them for small sets)."""
    return min(samples, max(SHARE_MIN, SHARE_CELLS // max(1, accounts)))


def binding_label(binding: list[str] | None) -> str:
    if binding is None:
        return "…"
    if not binding:
        return "none"
    return ", ".join(
        f"cap of {b.split(':', 1)[1]}" if b.startswith("per_kam:") else BINDING_NAMES.get(b, b)
        for b in binding
    )


class SelectionScreen(KamScreen):
    HELP_TITLE = "Weights and ranking"
    HELP_TEXT = """
Left: the criteria of the active set with their weight in points, drawn as a bar, and each criterion's
share of the total (the weight the scoring uses). + and - nudge the highlighted criterion by one point,
Enter types its points, r resets the set's defaults, c asks the pairwise (AHP) comparisons. Every change
is saved at once.

Right: the accounts ranked by overall score (0-10) with the score bar, attractiveness, strength, the
portfolio quadrant, P(K) = the chance of being in the top K when the weights wobble (1000 samples around
them, seed 0), and Ranks = the 5th-95th percentile rank. ✓ marks the selected accounts (· while the pick
is being solved); + and × are accounts pinned in or out (i and x). The line above the table names the
limit that binds the pick. l sets K, the total KAM capacity (FTE) and the cap per KAM; [ and ] change K.

s saves the ranking as a selection run (weights, parameters, seed and results frozen); n saves it with
a note (or adds the note to the run just saved); e saves it and exports the selection workbook for Excel.
b opens Stability: how far each weight can move before the pick changes, what it would take for the
accounts just outside, and the cross-checks (TOPSIS, dominance, rank reversal). d compares two saved runs.
/ filters the ranking by an attribute kept from an imported file (Region=EMEA; empty shows every account);
ranks, the pick and the totals stay those of all accounts.
"""
    PALETTE = (
        ("Nudge weight up", "One more point for the highlighted criterion (+)", "nudge(1)"),
        ("Nudge weight down", "One point less for the highlighted criterion (-)", "nudge(-1)"),
        ("Type weight", "Type the points of the highlighted criterion (Enter)", "type_points"),
        ("Reset weights", "Back to the criteria set's default points (r)", "reset_weights"),
        (
            "Pairwise comparison (AHP)",
            "Weights from pairwise comparisons, with the consistency ratio (c)",
            "ahp",
        ),
        ("Selection limits", "K, total capacity and cap per KAM (l)", "limits"),
        ("Include account", "Always select the highlighted account (i)", "pin('include')"),
        ("Exclude account", "Never select the highlighted account (x)", "pin('exclude')"),
        ("Save run", "Freeze this ranking as a selection run (s)", "save_run"),
        ("Save run with a note", "Freeze this ranking with a note, or note the run just saved (n)", "save_note"),
        ("Stability and cross-checks", "Weight intervals, what it takes, TOPSIS, dominance (b)", "stability"),
        ("Compare runs", "What changed between two saved runs (d)", "app.compare_runs"),
        ("Export selection workbook", "Save the run and write the Excel workbook (e)", "export"),
        ("Filter ranking", "Show the accounts with one attribute value, such as Region=EMEA (/)", "filter"),
        ("Back", "Back to the previous screen (Esc)", "back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("plus,equals_sign", "nudge(1)", "+1 pt", key_display="+", id="kam.weights.up"),
        Binding("minus", "nudge(-1)", "-1 pt", key_display="-", id="kam.weights.down"),
        Binding("r", "reset_weights", "Reset", id="kam.weights.reset"),
        Binding("c", "ahp", "Pairwise", id="kam.weights.ahp"),
        Binding("tab", "switch_focus", "Weights/Ranking", show=False, id="kam.selection.focus"),
        Binding("l", "limits", "Limits", id="kam.ranking.limits"),
        Binding(
            "left_square_bracket", "top_k(-1)", "K-1", key_display="[", show=False, id="kam.ranking.k-down"
        ),
        Binding(
            "right_square_bracket", "top_k(1)", "K+1", key_display="]", show=False, id="kam.ranking.k-up"
        ),
        Binding("i", "pin('include')", "Include", id="kam.ranking.include"),
        Binding("x", "pin('exclude')", "Exclude", id="kam.ranking.exclude"),
        Binding("s", "save_run", "Save run", id="kam.ranking.save"),
        Binding("n", "save_note", "Save with note", show=False, id="kam.ranking.save-note"),
        Binding("b", "stability", "Stability", show=False, id="kam.ranking.stability"),
        Binding("d", "app.compare_runs", "Compare runs", show=False, id="kam.ranking.compare"),
        Binding("e", "export", "Export", id="kam.ranking.export"),
        Binding("p", "app.portfolio", "Portfolio", id="kam.ranking.portfolio"),
        Binding("a", "app.accounts", "Accounts", show=False, id="kam.ranking.accounts"),
        Binding("slash", "filter", "Filter", key_display="/", show=False, id="kam.ranking.filter"),
        Binding("escape", "back", "Back", key_display="Esc", id="kam.selection.back"),
    ]

    def __init__(self, focus: str = "weights") -> None:
        super().__init__()
        self.start_focus = focus
        self.live: LiveRanking | None = None
        self.points: dict[str, float] = {}
        self.view: LiveView | None = None  # all accounts (the filter applies when drawn)
        self.view_key: tuple | None = None  # (points, params) of ``view``
        self.full: tuple[tuple, LiveView] | None = None  # (key, view) with the full figures, last finished
        self.stages: list[tuple[tuple, str]] = []  # (key, stage) as the worker's figures were shown (tests)
        self._rerank_queued = False
        self._status_lines = 0
        self._busy_label = ""
        self._filter_mask: tuple[object, int, np.ndarray] | None = None  # (filter, id(live), n bools)
        self.last_run: int | None = None
        self.saved: tuple[tuple, int] | None = None  # (key, run id) of the last run saved from this screen
        self.last_export = None
        self.timings: deque[float] = deque(maxlen=1024)  # seconds from a weight change to the table redrawn
        self.attributes: dict[str, dict[str, str]] = {}  # account -> kept attributes (the / filter)
        self.filter = None  # a kamtui.core.column_map.AttributeFilter, or None

    # -- layout --------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="selection-body"):
            with Vertical(id="weights-side", classes="panel"):
                yield Static("Weights (points · share)", classes="panel-title")
                yield WeightsPanel(id="weights")
                yield Static("", id="weights-note")
            with Vertical(id="ranking-side"):
                with Horizontal(id="ranking-top"):
                    yield Static("", id="ranking-status")
                    yield Static("", id="ranking-busy")  # what the worker computes (no animation: no repaints)
                yield RankingTable(id="ranking")
        yield Footer()

    def on_mount(self) -> None:
        self.set_header("Weights and ranking")
        self.query_one("#weights" if self.start_focus == "weights" else "#ranking").focus()

    def on_screen_resume(self) -> None:
        self.load()

    def on_resize(self, event) -> None:
        self._fit_weights(event.size.width)

    def _fit_weights(self, width: int) -> None:
        """The weights side as wide as its criterion names need, up to WEIGHTS_SHARE of the screen."""
        names = [c.name for c in self.live.criteria.criteria] if self.live is not None else []
        wanted = max(map(len, names), default=10) + 1 + 17 + 4  # mark, bar and figures, border and padding
        side = self.query_one("#weights-side")
        fitted = max(WEIGHTS_MIN, min(wanted, int(width * WEIGHTS_SHARE)))
        if side.styles.width is None or side.styles.width.value != fitted:
            side.styles.width = fitted

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_switch_focus(self) -> None:
        weights = self.query_one(WeightsPanel)
        (self.query_one(RankingTable) if weights.has_focus else weights).focus()

    # -- loading -------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="selection-load", exit_on_error=False, description="load")
    def load(self) -> None:
        from kamtui.service.weights import points_source

        app = self.kam
        with reported(app), app.thread_store() as store:
            criteria, matrix, points = load_selection(store)
            sources = points_source(store, criteria)
            live = LiveRanking(criteria, matrix)
            from kamtui.service.accounts import attributes

            self.attributes = attributes(store)
            app.call_from_thread(self._loaded, live, points, sources)
        give_back_memory()  # the rows the matrix was read from are freed (after the ranking is shown)

    def _loaded(self, live: LiveRanking, points: dict[str, float], sources: dict[str, str]) -> None:
        self.live = live
        self.points = points
        self.set_header("Weights and ranking", live.criteria.title)
        self._fit_weights(self.size.width)
        self.query_one(WeightsPanel).show(live.criteria, points, sources)
        table = self.query_one(RankingTable)
        table.message = "No accounts yet: add or import them on the Accounts screen (a)."
        self.rerank()

    # -- the live ranking ----------------------------------------------------------------------------

    def point_vector(self) -> np.ndarray:
        assert self.live is not None
        return np.array([self.points[c] for c in self.live.criteria.ids], dtype=float)

    def _key(self) -> tuple:
        session = self.kam.selection
        return (tuple(self.point_vector().tolist()), session.limits.params())

    def queue_rerank(self) -> None:
        """Re-rank once the keys already queued are handled: a burst ranks only its latest weights."""
        if not self._rerank_queued:
            self._rerank_queued = True
            self.app.call_later(self._queued_rerank)

    def _queued_rerank(self) -> None:
        self._rerank_queued = False
        if self.is_attached:
            self.rerank()

    def rerank(self) -> None:
        """Re-rank now with the live ranker; start the robustness worker for the same weights."""
        if self.live is None:
            return
        started = time.perf_counter()
        session = self.kam.selection
        params = session.limits.params()
        points = self.point_vector()
        view = self.live.view(points, params)
        key = (tuple(points.tolist()), params)
        done = self.full is not None and self.full[0] == key
        if done:
            view = view.merged(self.full[1])
        self.view_key = key
        self._show(view)
        self.timings.append(time.perf_counter() - started)
        self.workers.cancel_group(self, "selection-robust")  # stale figures: stop computing them now
        if len(self.live) and not done:
            self._busy(True, "robustness…")
            self.call_after_refresh(self._start_robustness, key, self.live, view)  # the frame first
        else:
            self._busy(False)

    def _start_robustness(self, key: tuple, live: LiveRanking, view: LiveView) -> None:
        if self.view_key == key and self.live is live and self.is_attached:
            self.robustness(key, live, view)

    def _shown_mask(self) -> np.ndarray | None:
        """The accounts the filter shows (n bools, computed once per filter), None without a filter."""
        if self.filter is None or self.live is None:
            return None
        cached = self._filter_mask
        if cached is None or cached[0] is not self.filter or cached[1] != id(self.live):
            attributes = self.attributes
            mask = np.fromiter(
                (self.filter.matches(attributes.get(name, {})) for name in self.live.names),
                dtype=bool,
                count=len(self.live),
            )
            cached = self._filter_mask = (self.filter, id(self.live), mask)
        return cached[2]

    def _show(self, view: LiveView) -> None:
        session = self.kam.selection
        self.view = view
        table = self.query_one(RankingTable)
        table.set_pins(session.limits.include, session.limits.exclude)
        shown = view.filtered(self._shown_mask())  # the matching accounts, ranked among all
        table.show(shown, keep=session.highlighted or table.highlighted)
        session.highlighted = table.highlighted
        self._status()

    def _status(self) -> None:
        view = self.view
        session = self.kam.selection
        text = Text(overflow="fold")  # wraps: the binding limits are never cut off
        if view is None or self.live is None:
            self.query_one("#ranking-status", Static).update("")
            return
        text.append(session.limits.describe(), style="bold")
        if view.pending:
            text.append(" · picking…")
        else:
            chosen, effort = view.chosen()
            text.append(f" · {chosen} selected, {effort:g} FTE")
        text.append(" · binding: ")
        text.append(binding_label(view.binding), style="bold")
        if self.filter is not None:
            shown = self.query_one(RankingTable).row_count
            text.append(f" · {self.filter}: {shown} shown", style="italic")
        status = self.query_one("#ranking-status", Static)
        width = max(1, status.size.width)
        lines = -(-text.cell_len // width)
        status.update(text, layout=lines != self._status_lines)  # a relayout only when it wraps anew
        self._status_lines = lines
        total = sum(self.points.values())
        note = self.query_one("#weights-note", Static)
        if total > 0:
            note.update(Text(f"total {total:g} points", style="dim"), layout=False)

    def _busy(self, busy: bool, label: str = "") -> None:
        """Say what the worker is computing (a word, not an animation: a frame costs nothing then)."""
        shown = label if busy else ""
        if shown != self._busy_label:
            self._busy_label = shown
            self.query_one("#ranking-busy", Static).update(Text(shown, style="dim italic"), layout=False)

    @work(thread=True, exclusive=True, group="selection-robust", exit_on_error=False, description="robustness")
    def robustness(self, key: tuple, live: LiveRanking, view: LiveView) -> None:
        """The figures the live ranking leaves out, in stages, each shown as soon as it is known: the
        capacity pick, P(top K) from the first draws, then the full seeded figures (module docstring)."""
        from kamtui.core.robustness import Cancelled
        from kamtui.service import ranking as service

        app = self.kam
        worker = get_current_worker()  # stages are posted (``call_later`` is thread-safe): no wait for the UI

        def stop() -> bool:
            return worker.is_cancelled

        params: object = key[1]
        scores = view.scores
        time.sleep(ROBUST_DELAY)  # a newer change cancels this worker meanwhile: then nothing is computed
        if stop() or scores is None:
            return
        try:
            with reported(app):
                if view.pending:
                    pick = service.pick(scores, live.matrix, params)
                    if stop():
                        return
                    changes = {"selected": pick.selected, "binding": list(pick.binding), "notes": list(pick.notes)}
                    self.call_later(self._stage, key, "pick", changes)
                if params.samples > 0:
                    first = first_samples(params.samples, len(live))
                    share = service.top_k_share_of(live.criteria, scores, params, first, stop=stop)
                    if stop():
                        return
                    self.call_later(self._stage, key, "share", {"p_top_k": share, "share_samples": first})
                    if first < params.samples:  # the rank intervals from the same first draws, then all
                        early = service.robustness_of(live.criteria, scores, params, samples=first, stop=stop)
                        if stop():
                            return
                        figures = {"p_top_k": early.p_top_k, "rank_p5": early.rank_p5, "rank_p95": early.rank_p95}
                        self.call_later(self._stage, key, "intervals", {**figures, "share_samples": first})
                    robust = service.robustness_of(live.criteria, scores, params, stop=stop)
                    if stop():
                        return
                    figures = {"p_top_k": robust.p_top_k, "rank_p5": robust.rank_p5, "rank_p95": robust.rank_p95}
                    self.call_later(self._stage, key, "full", figures)
                    give_back_memory()  # the draws' arrays are freed: hand their heap back
                else:
                    self.call_later(self._stage, key, "full", {})
        except Cancelled:
            return
        finally:
            if not worker.is_cancelled:
                self.call_later(self._busy, False)  # after the last stage posted

    def _stage(self, key: tuple, stage: str, changes: dict) -> None:
        """Show a stage of the worker's figures when they are still those of the weights shown."""
        if self.live is None or self.view is None or self.view_key != key or self._key() != key:
            return
        final = stage == "full"
        view = self.view.with_robustness(robust=final, **changes)
        if final:
            self.full = (key, view)
        self.stages.append((key, stage))
        self._show(view)

    @on(RankingTable.Highlighted, "#ranking")
    def _highlighted(self, event: RankingTable.Highlighted) -> None:
        self.kam.selection.highlighted = event.account

    # -- weights -------------------------------------------------------------------------------------

    def _criterion(self) -> str | None:
        criterion = self.query_one(WeightsPanel).current
        if criterion is None:
            self.notify("No criteria loaded yet.", severity="warning")
        return criterion

    def set_points(self, changes: dict[str, float], source: str = "manual") -> None:
        """Commit new points for some criteria and re-rank (all zero is refused, nothing written)."""
        from kamtui.service import weights as service

        assert self.live is not None
        current = service.set_points(self.kam.store, self.live.criteria, changes, source)
        self.points = current.points
        self.query_one(WeightsPanel).show(self.live.criteria, current.points, current.sources)
        self.queue_rerank()

    def action_nudge(self, step: int) -> None:
        from kamtui.service.weights import NUDGE

        criterion = self._criterion()
        if criterion is None:
            return
        self.set_points({criterion: max(0.0, self.points[criterion] + step * NUDGE)})

    def action_type_points(self) -> None:
        from kamtui.service.weights import parse_points
        from kamtui.tui.screens.selection_dialogs import ValueModal

        criterion = self._criterion()
        if criterion is None or self.live is None:
            return
        name = self.live.criteria.by_id[criterion].name
        current = self.points[criterion]

        @guarded
        def done(screen: SelectionScreen, value: float | None) -> None:
            if value is not None:
                screen.set_points({criterion: value})

        self.app.push_screen(
            ValueModal(
                f"Weight of {name}",
                "Points (0 or more; shares are points / total):",
                f"{current:g}",
                parse_points,
            ),
            lambda value: done(self, value),
        )

    def action_reset_weights(self) -> None:
        from kamtui.tui.screens.confirm import ConfirmModal

        if self.live is None:
            return
        criteria = self.live.criteria

        @guarded
        def done(screen: SelectionScreen, confirmed: bool | None) -> None:
            if confirmed:
                from kamtui.service.weights import reset

                current = reset(screen.kam.store, criteria)
                screen.points = current.points
                screen.query_one(WeightsPanel).show(criteria, current.points, current.sources)
                screen.notify(f"Weights reset to the defaults of '{criteria.id}'.")
                screen.rerank()

        self.app.push_screen(
            ConfirmModal("Reset weights?", f"Back to the default points of '{criteria.title}'?", "Reset"),
            lambda ok: done(self, ok),
        )

    def action_ahp(self) -> None:
        from kamtui.tui.screens.ahp_wizard import AhpWizard

        if self.live is None:
            return

        @guarded
        def done(screen: SelectionScreen, weights: dict[str, float] | None) -> None:
            if weights:
                from kamtui.service.weights import AHP, ahp_points

                screen.set_points(ahp_points(weights), source=AHP)
                screen.notify("Weights from the pairwise comparisons applied.")

        self.app.push_screen(AhpWizard(self.live.criteria, self.points), lambda weights: done(self, weights))

    def action_stability(self) -> None:
        from kamtui.tui.screens.stability import StabilityScreen

        if self.live is None or not len(self.live):
            self.notify("No accounts to rank yet.", severity="warning")
            return
        self.app.push_screen(StabilityScreen(self.live, dict(self.points), self.kam.selection.limits.params()))

    # -- limits and pins -----------------------------------------------------------------------------

    def _apply_limits(self, **changes) -> None:
        """Change the limits; a refused combination (e.g. a pin without a score) is undone and reported."""
        from dataclasses import replace

        session = self.kam.selection
        before = session.limits
        session.limits = replace(before, **changes)
        try:
            session.limits.params()
            if self.live is not None:
                self.live.view(self.point_vector(), session.limits.params())  # raises what the pick refuses
        except KamError:
            session.limits = before
            raise
        self.rerank()

    def action_limits(self) -> None:
        from kamtui.tui.screens.selection_dialogs import LimitsModal

        limits = self.kam.selection.limits

        @guarded
        def done(screen: SelectionScreen, values) -> None:
            if values is not None:
                top_k, capacity, per_kam = values
                screen._apply_limits(top_k=top_k, capacity=capacity, per_kam=per_kam)

        self.app.push_screen(
            LimitsModal(limits.top_k, limits.capacity, limits.per_kam), lambda values: done(self, values)
        )

    def action_top_k(self, step: int) -> None:
        limits = self.kam.selection.limits
        self._apply_limits(top_k=max(1, limits.top_k + step))

    def action_pin(self, kind: str) -> None:
        account = self.query_one(RankingTable).highlighted
        if account is None:
            self.notify("No account highlighted in the ranking.", severity="warning")
            return
        limits = self.kam.selection.limits
        include, exclude = list(limits.include), list(limits.exclude)
        chosen, other = (include, exclude) if kind == "include" else (exclude, include)
        if account in chosen:
            chosen.remove(account)
            message = f"'{account}' is no longer pinned."
        else:
            chosen.append(account)
            if account in other:
                other.remove(account)
            message = f"'{account}' is always {'selected' if kind == 'include' else 'left out'}."
        self._apply_limits(include=tuple(include), exclude=tuple(exclude))
        self.notify(message)

    def action_filter(self) -> None:
        from kamtui.core.column_map import parse_filter
        from kamtui.service.accounts import attribute_names
        from kamtui.tui.screens.selection_dialogs import ValueModal

        names = attribute_names(self.kam.store)

        @guarded
        def done(screen: SelectionScreen, chosen) -> None:
            if chosen is not None:
                screen.filter = chosen or None
                if screen.view is not None:
                    screen._show(screen.view)

        self.app.push_screen(
            ValueModal(
                "Filter the ranking",
                "Show the accounts with ATTRIBUTE=VALUE"
                + (f" (attributes: {', '.join(names)})" if names else "")
                + "; empty shows every account:",
                "" if self.filter is None else f"{self.filter.name}={self.filter.value}",
                lambda text: parse_filter(text, names) or "",
            ),
            lambda chosen: done(self, chosen),
        )

    # -- runs and export -----------------------------------------------------------------------------

    def action_save_run(self) -> None:
        if self.live is None or not len(self.live):
            self.notify("No accounts to rank yet.", severity="warning")
            return
        self._busy(True, "saving…")
        self.save(self._key(), self.live, export=False)

    def action_export(self) -> None:
        if self.live is None or not len(self.live):
            self.notify("No accounts to rank yet.", severity="warning")
            return
        self._busy(True, "exporting…")
        self.query_one("#ranking-status", Static).update(
            Text("Exporting the selection workbook…", style="bold")
        )
        self.save(self._key(), self.live, export=True)

    def action_save_note(self) -> None:
        from kamtui.service.ranking import check_note
        from kamtui.tui.screens.selection_dialogs import ValueModal

        if self.live is None or not len(self.live):
            self.notify("No accounts to rank yet.", severity="warning")
            return
        key = self._key()

        @guarded
        def done(screen: SelectionScreen, note: str | None) -> None:
            if note is not None:
                screen._busy(True, "saving…")
                screen.save(key, screen.live, export=False, note=note or None)

        self.app.push_screen(
            ValueModal("Save run with a note", "Note kept with the run (who saves it is recorded too):", "", check_note),
            lambda note: done(self, note),
        )

    @work(thread=True, group="selection-save", exit_on_error=False, description="save")
    def save(self, key: tuple, live: LiveRanking, export: bool, note: str | None = None) -> None:
        """Save the ranking as a run (once: ``e`` after ``s`` exports the run just saved, and a note after
        ``s`` is added to that run), and export it."""
        from kamtui.service import exports
        from kamtui.service import ranking as service

        app = self.kam
        try:
            with reported(app), app.thread_store() as store:
                already = self.saved[1] if self.saved is not None and self.saved[0] == key else None
                path = None
                if already is not None:
                    if note:
                        service.note_run(store, already, note)
                    saved = service.run(store, already)
                    if export:
                        path = exports.export_run(store, already).path
                else:
                    points = dict(zip(live.criteria.ids, key[0], strict=True))
                    ranking = service.rank(store, live.criteria, key[1], points=points, matrix=live.matrix)
                    if export:
                        exported = exports.export_ranking(store, ranking, note=note)
                        saved, path = service.run(store, exported.run_id), exported.path
                    else:
                        saved = service.save_run(store, ranking, note)
                app.call_from_thread(self._saved, key, saved, path)
        finally:
            call_ui(app, self._busy, False)
            call_ui(app, self._status)

    def _saved(self, key: tuple, saved, path) -> None:
        self.last_run = saved.run_id
        self.saved = (key, saved.run_id)
        if self.live is not None:
            full = self.live.full_view(saved)
            if self.view is not None and self.view_key == key:
                full = self.view.merged(full)  # the saved figures on the live columns (scores kept)
            self.full = (key, full)
            if self._key() == key:
                self.view_key = key
                self._show(full)
        if path is not None:
            self.last_export = path
            self.notify(f"Run {saved.run_id} exported to {path}", title="Workbook written", timeout=12)
        else:
            noted = f" with the note '{saved.note}'" if saved.note else ""
            self.notify(f"Ranking saved as run {saved.run_id}{noted}.")
