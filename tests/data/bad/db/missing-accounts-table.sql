-- Applied on top of base/kamtui-v1.sql: a kamtui database whose account tables were dropped by hand.
DROP TABLE scores;
DROP TABLE accounts;
