-- Applied on top of base/kamtui-v1.sql: a valid kamtui database; the test makes the file read-only (0444).
SELECT 1;
