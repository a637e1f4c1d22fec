"""One error handler for the whole TUI.

Every failure ends in :meth:`KamApp.report_error` (a notification: the KamError's own message, or the
exception type and text for a bug), never a traceback on the terminal:

* key bindings and palette commands run through ``KamApp.run_action``, which catches everything;
* event handlers and dialog callbacks that can fail are decorated with :func:`guarded`;
* thread workers wrap their body in :func:`reported` (which hops back to the UI thread to notify).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from kamtui.core.errors import KamError


def describe(error: BaseException) -> tuple[str, str]:
    """(title, message) for a notification about ``error``."""
    if isinstance(error, KamError):
        return "Error", str(error)
    text = str(error).strip()
    return "Unexpected error", f"{type(error).__name__}: {text}" if text else type(error).__name__


def format_traceback(error: BaseException) -> str:
    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a widget/screen method: an exception is reported through the app, not raised."""
    if inspect.iscoroutinefunction(func):

        @functools.wraps(func)
        async def async_wrapper(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return await func(self, *args, **kwargs)
            except Exception as error:
                self.app.report_error(error)
                return None

        return async_wrapper

    @functools.wraps(func)
    def wrapper(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return func(self, *args, **kwargs)
        except Exception as error:
            self.app.report_error(error)
            return None

    return wrapper


@contextmanager
def reported(app: Any) -> Iterator[None]:
    """For thread workers: report any exception on the UI thread (and swallow it)."""
    try:
        yield
    except Exception as error:
        call_ui(app, app.report_error, error)


def call_ui(app: Any, callback: Callable[..., Any], *args: Any) -> None:
    """From a worker thread: run ``callback`` on the UI thread (nothing when the app is closing)."""
    with contextlib.suppress(Exception):
        app.call_from_thread(callback, *args)
