-- Applied on top of base/kamtui-v1.sql: a kamtui database written by a future version.
UPDATE meta SET value = '999' WHERE key = 'schema_version';
