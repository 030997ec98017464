"""The checks as they were before the indexes of issue 12 (commit 9f9e599), kept verbatim apart
from their imports and registration, so tests can assert the indexed algorithms give identical
results on the same evidence.  Not used by the grader."""
