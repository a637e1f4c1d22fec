-- Applied on top of base/kamtui-v1.sql: schema_version edited by hand into something that is no number.
UPDATE meta SET value = 'v1.0' WHERE key = 'schema_version';
