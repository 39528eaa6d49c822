"""MNIST, the first data-set provider (grader.data.providers), for the training checks.

    files.py     the four original files and their checksums
    load.py      load a folder's four files into uint8 tensors (IDX, via grader.data.idx)
    locate.py    where to look, in order, and how to tell a user to provide the data
    download.py  fetch from the standard mirrors (sha256-verified) or import a folder
    prepared.py  split the data across the sandbox boundary: test labels stay with the grader;
                 the child's side (load_child_file) too
    provider.py  MnistProvider: all of the above behind the provider interface

Nothing here imports torch at import time but load.py and prepared.py.
"""
