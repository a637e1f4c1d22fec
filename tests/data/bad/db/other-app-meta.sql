-- Another application that also keeps a 'meta' key/value table.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
INSERT INTO meta VALUES ('app', 'timetracker'), ('schema_version', '3');
CREATE TABLE entries (id INTEGER PRIMARY KEY, minutes INTEGER);
