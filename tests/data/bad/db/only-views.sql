-- Another application's SQLite database that holds only a view (no table).
CREATE VIEW today AS SELECT date('now') AS day;
