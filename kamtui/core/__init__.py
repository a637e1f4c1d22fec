"""Pure logic of kamtui: numpy, scipy and the standard library only.

Nothing here imports textual, sqlite3 or openpyxl; scipy is imported lazily where needed.
"""
