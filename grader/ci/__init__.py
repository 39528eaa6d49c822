"""Continuous integration for student repositories: the workflow `grader init-ci` writes."""
