"""Grading: the authoritative Python grader and the expression language of calculated questions."""
