"""The Textual user interface. Everything that imports ``textual`` lives in this package.

Entry point: :func:`kamtui.tui.app.make_app`. Nothing outside ``kamtui.tui`` (and the ``open_app`` launcher)
may import from here, so ``kamtui.core`` / ``kamtui.store`` stay usable without Textual.
"""
