"""What the comparison sees of a file: the same for code a copier disguised, different for
code written otherwise."""

from __future__ import annotations

from grader.similarity.tokens import code_tokens

ORIGINAL = '''
import torch
import torch.nn.functional as F


def train_epoch(model, loader, optimizer, criterion):
    """One pass over the data."""
    model.train()
    total = 0.0
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)  # forward
        loss.backward()
        optimizer.step()
        total += loss.item()
    return F.relu(torch.tensor(total / len(loader)))
'''

DISGUISED = '''
import torch
import torch.nn.functional as fn

def train_epoch(net, data, opt, loss_fn):
    # a comment instead of the docstring


    net.train()
    acc = 0.0
    for xb, yb in data:
        opt.zero_grad()
        l = loss_fn(net(xb), yb)
        l.backward()
        opt.step()   # update
        acc += l.item()
    return fn.relu(torch.tensor(acc / len(data)))
'''


def words(source: str) -> str:
    return " ".join(code_tokens(source).words)


def test_renamed_names_comments_docstrings_and_blank_lines_make_no_difference() -> None:
    assert words(ORIGINAL) == words(DISGUISED)


def test_keywords_operators_builtins_and_library_calls_are_kept() -> None:
    text = words(ORIGINAL)
    assert "for V , V in V : ;" in text
    assert "V . zero_grad ( ) ;" in text and "V . backward ( ) ;" in text
    assert "functional . relu ( torch . tensor ( V / len ( V ) ) )" in text  # F: what it imports
    assert "+= V . item ( )" in text


def test_keyword_arguments_are_kept_and_parameters_are_not() -> None:
    assert words("from torch import nn\nnn.Conv2d(1, 10, kernel_size=5)\n").endswith(
        "; nn . Conv2d ( 1 , 10 , kernel_size = 5 ) ;")
    assert words("def f(a, b=2):\n    return a\n") == "def V ( V , V = 2 ) : ; { return V ; }"


def test_attributes_the_file_defines_are_names_and_methods_called_on_modules_are_not() -> None:
    source = ("import torch.nn as nn\nclass Net(nn.Module):\n    def forward(self, x):\n        return self.conv1(x)\n"
              "    def setup(self):\n        self.conv1 = nn.Conv2d(1, 2, 3)\n\n\ndef train(m):\n    m.train()\n")
    text = words(source)
    assert "self . V ( V )" in text  # conv1: the file's own attribute
    assert "V . train ( )" in text  # a top-level function named train is not the method
    assert "nn . Module" in text and "nn . Conv2d" in text


def test_strings_and_f_strings_are_one_token() -> None:
    assert words('x = f"{a} and {b!r}" + "s" + \'t\'\n') == "V = S + S + S ;"


def test_a_file_that_stops_parsing_keeps_its_tokens_up_to_there() -> None:
    tokens = code_tokens("x = torch.zeros(3)\ny = (1,\n")
    assert tokens.words[:8] == ("V", "=", "V", ".", "zeros", "(", "3", ")")  # torch: not imported here
    assert code_tokens("def broken(:\n  x = 1\n y = 2\n").words  # bad indentation: no exception


def test_each_token_keeps_its_line_and_blocks_belong_to_none() -> None:
    tokens = code_tokens("def f(x):\n\n    # note\n    return x\n")
    assert list(zip(tokens.words, tokens.lines)) == [
        ("def", 1), ("V", 1), ("(", 1), ("V", 1), (")", 1), (":", 1), (";", 1),
        ("{", 0), ("return", 4), ("V", 4), (";", 4), ("}", 0)]
