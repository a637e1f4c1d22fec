"""Reusable widgets (they carry their own DEFAULT_CSS; the app's look lives in app.tcss)."""
