"""grader: the autograder that understands neural-network homework."""

__version__ = "0.1.0"
