DROP TABLE poll_choices;
DROP TABLE poll_ballots;
DROP TABLE poll_options;
DROP TABLE polls;
