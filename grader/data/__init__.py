"""Data sets for the checks, each behind a provider: the engine knows none of them.

    providers.py  DataProvider (the interface) and DataProviders (the registry by name)
    locate.py     DataSearch, Candidate, Located: where to look, and why a folder was passed over
    download.py   fetch a file from mirrors, sha256-verified, behind a one-method Transport
    prepared.py   PreparedData (one data set for a grading run) and DataSets (what the engine gets)
    idx.py        read (and, for tests, write) one IDX file, validating it
    mnist/        the first provider: MNIST's files, loading, search order, download, child file

Adding a data set: subclass `DataProvider` with a `name` (what an exercise.toml lists in
`needs_data`, and the name of the fixture its checks receive), a `settings_model` for the
course's `[data.<name>]` table, and `missing`, `load` and `prepare` (what student code may
read goes into the folder `prepare` is given; what stays with the grader, such as test
labels, is returned); override `candidates`, `download`, `import_files`, `verify` and
`fixture_value` where the defaults don't fit. Then register it: a package declares it
under the `grader.data_providers` entry point group, or a caller passes
`default_providers().with_provider(...)` in the `DataSets` it grades with. No engine file
changes.

Nothing here prints or reads the environment; the CLI does both.
"""
