"""Pydantic data: exercise manifests and grading results. Imports no other layer of grader.

Import from the modules themselves (grader.models.manifest, .results, .status): this
package imports nothing, so that its light parts cost nothing to reach.
"""
