"""The application layer: one function per user operation, called by the command line and the TUI alike.

``kamtui.commands`` (the command line) and ``kamtui.tui`` (the terminal app) do nothing but ask and show;
every rule and default they share lives here or in ``kamtui.core``: parsing what a person typed, limits,
defaults, which store calls make up an operation. Below this layer only ``kamtui.store`` (SQLite) and
``kamtui.excel`` (workbooks) do I/O, and nothing names a command-line flag: a front end names the
subjects of a message its own way (``KamError.render``). See the README, "Development".

Modules: ``database`` (open a file), ``healthcheck`` (assessments, respondents, answers, reports),
``accounts``, ``weights``, ``ranking`` (rank, runs), ``exports`` (workbooks), ``demo``.
"""
