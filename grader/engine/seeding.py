"""torch.manual_seed without formatting the Python stack, where no accelerator can use the seed.

torch.manual_seed also seeds CUDA, XPU and MTIA. Where one is not initialised it
queues the seed for later with `traceback.format_stack()`, for each of the three: 2-4
ms a call deep inside pytest, and checks seed before every problem they build (a
dozen times a submission). On a machine where none of them (nor MPS, nor a custom
device) is available, those seeds can never be used, and seeding the CPU generator
alone is the same: torch.manual_seed and torch.random.manual_seed then do only that.
Where any accelerator is available nothing changes. Called by the grading process
before each grading (idempotent). Not in the sandbox: asking whether CUDA is there
before the zygote forks would touch the driver the children's GPU trainings need.
"""

from __future__ import annotations

from typing import Any


def _cpu_manual_seed(seed: Any) -> Any:
    import torch

    return torch.default_generator.manual_seed(int(seed))


def seed_the_cpu_only() -> bool:
    """Make torch.manual_seed seed the CPU generator alone, if nothing else can be seeded;
    whether it does now."""
    import torch

    if torch.manual_seed is _cpu_manual_seed:
        return True
    try:
        devices = [torch.cuda.is_available(), torch.backends.mps.is_available()]
        devices += [module.is_available() for module in (getattr(torch, "xpu", None), getattr(torch, "mtia", None))
                    if module is not None and hasattr(module, "is_available")]
        custom = torch._C._get_privateuse1_backend_name() != "privateuseone"
    except Exception:  # noqa: BLE001 - a torch that cannot say: leave its seeding alone
        return False
    if any(devices) or custom:
        return False
    torch.manual_seed = _cpu_manual_seed
    torch.random.manual_seed = _cpu_manual_seed
    return True
