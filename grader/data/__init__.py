"""MNIST for the training checks: find, verify, download, cache and load it.

    files.py     the four original files and their checksums
    idx.py       read (and, for tests, write) one IDX file, validating it
    mnist.py     load a folder's four files into uint8 tensors
    locate.py    where to look, in order, and how to tell a user to provide the data
    download.py  fetch from the standard mirrors (sha256-verified) or import a folder
    prepared.py  split the data across the sandbox boundary: test labels stay with the grader

Nothing here prints or reads the environment; the CLI does both.
"""
