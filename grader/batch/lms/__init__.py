"""An LMS's bulk download in, its gradebook out: `grader grade --from ... --export ...`.

    download.py    the shared reading: Platform, one PlatformSubmission per person, detection
    canvas.py      Canvas's flat folder: <name>_[late_]<user id>_<id>_<file>, its -N renaming
    moodle.py      Moodle's folders (or flat files): <Full Name>_<participant id>_assignsubmission_file_
    gradescope.py  Gradescope's export: submission_metadata.yml and a folder per submission
    intake.py      map each person to the roster (or a fallback id) and stage our layout:
                   one folder or .zip per student, which the batch grades as ever
    export.py      Canvas's gradebook CSV, Moodle's grading worksheet and feedback zip

Reading never runs student code and never drops a file: every name in the download
is staged for grading or named in the intake's notes with the reason.
"""
