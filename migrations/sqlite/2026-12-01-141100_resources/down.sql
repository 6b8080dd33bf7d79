DROP TABLE class_resources;
