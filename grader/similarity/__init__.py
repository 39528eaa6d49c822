"""Who copied from whom: the similarity report of a graded class, per exercise.

    tokens.py       Python source as normalised tokens (names one token, comments and docstrings gone)
    fingerprint.py  winnowing of those tokens (MOSS's method); the exact-copy key
    sources.py      a student's file for an exercise, read from a folder or a .zip (notebooks: code cells)
    cache.py        fingerprints and pair comparisons kept between runs (the class's output folder)
    compare.py      what counts (not the stub, not common code), a pair's score, its matching lines
    clusters.py     three or more students sharing one file, as one group
    analyse.py      the whole class: read, fingerprint, compare only what is new, score
    model.py        SimilarityReport: the data every output renders
    html.py         the report as one self-contained page

Everything stays on the machine: student code is read and tokenised, never run, never
sent anywhere (no MOSS upload).
"""
