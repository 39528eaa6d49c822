"""Exercise 05's two loops as templates, for writing a loop with one device mistake:
shared by its tests and by benchmarks/gpu_class.py (the same mistakes on a GPU)."""

from __future__ import annotations

TRAIN_EPOCH = """
def train_epoch(model, loader, optimizer, criterion, device):
    {model}
    model.train()
    total, batches = 0.0, 0
    for inputs, targets in loader:
        {move}
        optimizer.zero_grad()
        loss = criterion(model(inputs), targets)
        loss.backward()
        optimizer.step()
        total += loss.item()
        batches += 1
    return total / batches
"""
EVALUATE = """
def evaluate(model, loader, device):
    {model}
    model.eval()
    correct, seen = 0, 0
    with torch.no_grad():
        for inputs, targets in loader:
            {move}
            correct += int((model(inputs).argmax(dim=1) == targets).sum())
            seen += targets.size(0)
    return correct / seen
"""
BOTH = "inputs, targets = inputs.to(device), targets.to(device)"


def loop(template: str, model: str = "model.to(device)", move: str = BOTH) -> str:
    """The template with how it moves the model (`model`) and each batch (`move`)."""
    return template.format(model=model, move=move)
