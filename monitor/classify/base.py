"""The small protocols the classify package is built on.

Owns: the `Encoder` protocol (texts -> L2-normalised float32 vectors). Does not
own: any model loading (see `encoders/`), training or I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised vectors of a fixed dimension.

    `name` and `version` identify the model so that stored vectors and trained
    heads can be checked against the encoder that produced them.
    """

    name: str
    version: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Return an array of shape (len(texts), dim), rows L2-normalised."""
        ...
