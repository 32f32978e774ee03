"""How a weekly measure and the next week's knee pain moved together: Spearman's rank correlation,
reported as an association, never as proof."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import thresholds as T

__all__ = ["Association", "spearman"]


@dataclass(frozen=True)
class Association:
    """Spearman rank correlation between a weekly measure and the next week's mean knee pain."""

    what: str  # e.g. "hip sessions per week"
    rho: float  # NaN when too few weeks
    n: int  # paired weeks
    more: str = ""  # e.g. "more hip sessions"

    def sentence(self) -> str:
        """The association in one plain sentence (with rho and n), or why there is none yet."""
        if self.n < T.ASSOCIATION_MIN_WEEKS or not np.isfinite(self.rho):
            weeks = f"{self.n} week{'s' if self.n != 1 else ''}" if self.n else "no week yet"
            return (f"Too few weeks to relate {self.what} to the next week's knee pain: {weeks} with both "
                    f"(at least {T.ASSOCIATION_MIN_WEEKS} needed).")
        strength = abs(self.rho)
        size = "weak" if strength < 0.3 else ("moderate" if strength < 0.6 else "strong")
        if strength < 0.1:
            return (f"No clear link between {self.what} and the next week's knee pain "
                    f"(Spearman rho {self.rho:+.2f}, n = {self.n} weeks).")
        direction = "less" if self.rho < 0 else "more"
        return (f"Weeks with {self.more or 'more ' + self.what} were followed by weeks with {direction} knee pain: a "
                f"{size} association (Spearman rho {self.rho:+.2f}, n = {self.n} weeks). It is an "
                "association, not proof: both can simply change over the season.")


def spearman(what: str, x: pd.Series, y: pd.Series, more: str = "") -> Association:
    """Spearman's rho of ``x`` and ``y`` over the positions where both are known."""
    pair = pd.DataFrame({"x": x.to_numpy(), "y": y.to_numpy()}).dropna()
    n = len(pair)
    if n < 3 or pair["x"].nunique() < 2 or pair["y"].nunique() < 2:
        return Association(what, float("nan"), n, more)
    # Spearman's rho is Pearson's r of the (average) ranks.
    rho = float(pair["x"].rank().corr(pair["y"].rank()))
    return Association(what, rho, n, more)
