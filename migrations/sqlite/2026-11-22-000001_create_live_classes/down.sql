DROP TABLE participations;
DROP TABLE live_classes;
