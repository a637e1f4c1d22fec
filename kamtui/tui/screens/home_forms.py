"""Home's answer-form actions (README, "Answer forms"): `f` writes forms for the highlighted assessment, `i`
collects returned ones after a preview. Mixed into :class:`kamtui.tui.screens.home.HomeScreen`; the work
runs in thread workers on the app's per-thread store, errors go to the app's error report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from kamtui.tui.errors import call_ui, reported

if TYPE_CHECKING:  # the dialogs load with the first of them, not with Home (startup)
    from kamtui.core.forms import CollectResult
    from kamtui.service.forms import WrittenForms
    from kamtui.tui.screens.forms_dialogs import FormsRequest


class FormsActions:
    """Home's `f` and `i` (needs ``_need_highlighted``, ``kam`` and ``reload`` of the screen)."""

    def action_write_forms(self) -> None:
        from kamtui.service.participants import options
        from kamtui.tui.screens.forms_dialogs import WriteFormsModal

        found = self._need_highlighted()  # type: ignore[attr-defined]
        if found is None:
            return
        summary = found.summary
        anonymous = options(self.kam.store, summary.id).anonymous  # type: ignore[attr-defined]

        def chosen(request: FormsRequest | None) -> None:
            if request is not None:
                self.notify(f"Writing answer forms for assessment {summary.id}…")  # type: ignore[attr-defined]
                self.write_forms(summary.id, request)

        self.app.push_screen(WriteFormsModal(summary.title, anonymous), chosen)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="forms", exit_on_error=False)
    def write_forms(self, assessment_id: int, request: FormsRequest) -> None:
        from kamtui.service.forms import write_forms

        app = self.kam  # type: ignore[attr-defined]
        with reported(app), app.thread_store() as store:
            written = write_forms(
                store,
                assessment_id,
                people_file=request.people_file,
                blank=request.blank,
                output=request.output,
            )
            call_ui(app, self._forms_written, written)

    def _forms_written(self, written: WrittenForms) -> None:
        count = len(written.paths)
        self.notify(f"{count} form{'s' * (count != 1)} written to {written.folder}")  # type: ignore[attr-defined]

    def action_collect_forms(self) -> None:
        from kamtui.tui.screens.forms_dialogs import CollectFormsModal

        found = self._need_highlighted()  # type: ignore[attr-defined]
        if found is None:
            return
        summary = found.summary

        def chosen(path: str | None) -> None:
            if path is not None:
                self.collect_forms(summary.id, path, True)

        self.app.push_screen(CollectFormsModal(summary.title), chosen)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="forms", exit_on_error=False)
    def collect_forms(self, assessment_id: int, path: str, dry_run: bool) -> None:
        """The dry run first (its preview asks before anything is written), then the collection itself."""
        from kamtui.service.forms import collect_forms

        app = self.kam  # type: ignore[attr-defined]
        with reported(app), app.thread_store() as store:
            collected = collect_forms(store, assessment_id, [path], dry_run=dry_run)
            call_ui(
                app, self._previewed if dry_run else self._collected, assessment_id, path, collected.result
            )

    def _previewed(self, assessment_id: int, path: str, result: CollectResult) -> None:
        from kamtui.tui.screens.forms_dialogs import CollectPreviewModal

        def confirmed(write: bool | None) -> None:
            if write:
                self.collect_forms(assessment_id, path, False)

        self.app.push_screen(CollectPreviewModal(result), confirmed)  # type: ignore[attr-defined]

    def _collected(self, assessment_id: int, path: str, result: CollectResult) -> None:
        answers, forms = len(result.rows), len(result.forms)
        self.notify(  # type: ignore[attr-defined]
            f"Assessment {assessment_id}: {answers} answer{'s' * (answers != 1)} from "
            f"{forms} form{'s' * (forms != 1)} written."
        )
        self.reload(select=assessment_id)  # type: ignore[attr-defined]
