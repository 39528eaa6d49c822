"""Batch grading: a whole class of submissions into a gradebook, on one machine or a Dask cluster.

    entries.py    find one entry per student (a folder or a .zip) and hash its content
    archive.py    extract a .zip safely (no path traversal, no links, size caps)
    roster.py     the optional roster CSV: ids, names, emails, who submitted nothing
    records.py    StudentRecord: one student's row (status, points, the full report)
    gradebook.py  the SQLite store in the output folder, written as results arrive
    task.py       what a worker process does with one submission (owns one Sandbox)
    local.py      a process pool on this machine, one Sandbox per worker process
    dask_engine.py the same tasks on a Dask cluster (`--scheduler`)
    runner.py     plan (skip unchanged), run, store, report progress
    summary.py    the class summary: per-check pass rates, score distribution
    chart.py      the summary as a hand-written SVG chart
    outputs.py    grades.csv, per-student JSON reports and Markdown feedback
    lms/          an LMS's bulk download in (Canvas, Moodle, Gradescope), its gradebook out

Student code only ever runs in a Sandbox's workers; everything here judges, stores
and reports. A bad submission becomes a row with a status, never an exception that
stops the batch.
"""
