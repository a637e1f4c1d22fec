-- Another application's SQLite database: no kamtui 'meta' table.
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
INSERT INTO customers (name) VALUES ('Acme'), ('Globex');
