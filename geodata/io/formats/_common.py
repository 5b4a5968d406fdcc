"""Small helpers the format modules share."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd

__all__ = ["clean_text", "column"]


def clean_text(value) -> str:
    """``value`` NFKC-normalised, lower-cased, whitespace collapsed; "" for a non-string."""
    if not isinstance(value, str):
        return ""
    text = unicodedata.normalize("NFKC", value).lower()
    return " ".join(text.split())


def column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """The column ``name`` as an object array, or all None when the frame has none."""
    if name in frame.columns:
        return frame[name].to_numpy(dtype=object)
    return np.full(len(frame), None, dtype=object)
