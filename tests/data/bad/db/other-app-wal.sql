-- Another application's SQLite database, in WAL mode (the mode is kept in the file header).
PRAGMA journal_mode = WAL;
CREATE TABLE notes (body TEXT);
INSERT INTO notes VALUES ('hello');
