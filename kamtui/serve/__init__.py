"""The workshop server behind ``kamtui serve`` (README, "Workshops"), built on textual-serve.

``tokens`` makes and keeps the secret links, ``addresses`` decides which Host and Origin are the
server's own, ``pages`` renders what a browser gets, ``sessions`` runs one app process per tab and
``server`` puts them together. Nothing here opens the database except through ``kamtui.service``.
"""
