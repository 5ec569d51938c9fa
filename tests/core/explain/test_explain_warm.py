"""The start-up warm-up compiles every piece of SHAP's numba code that an explanation needs."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

_PROBE = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    from numba.core.registry import CPUDispatcher
    from core.explain.warm import warm_up_shap
    from core.explain import explain_text

    def compiled():
        found = {}
        for name, module in list(sys.modules.items()):
            if name.startswith("shap"):
                for attr, value in vars(module).items():
                    if isinstance(value, CPUDispatcher) and value.signatures:
                        found[f"{name}.{attr}"] = len(value.signatures)
        return found

    before = compiled()
    warm_up_shap()
    warmed = compiled()
    model = lambda texts: np.random.default_rng(0).random((len(texts), 3)).astype(np.float32)
    explain_text("you are a stupid idiot and I hate you, truly", model, ["toxic", "hate", "spam"])
    print(json.dumps({"before": before, "warmed": warmed, "after": compiled()}))
    """
)


def test_an_explanation_after_the_warm_up_compiles_nothing_more() -> None:
    # a fresh process: this test process may have compiled SHAP's code already
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=300, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert figures["before"] == {}
    assert "shap.explainers._partition.lower_credit" in figures["warmed"]
    assert figures["after"] == figures["warmed"]  # another model, labels and dtype: nothing left to compile
