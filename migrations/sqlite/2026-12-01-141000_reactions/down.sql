DROP TABLE class_reaction_heads;
DROP TABLE class_reaction_counts;
DROP TABLE class_reactions;
