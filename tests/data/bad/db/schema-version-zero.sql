-- Applied on top of base/kamtui-v1.sql: every kamtui table is there, but schema_version says 0.
UPDATE meta SET value = '0' WHERE key = 'schema_version';
