"""A WordPiece tokenizer trained on a few sentences, saved as a BERT tokenizer (tests only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def save_wordpiece_tokenizer(folder: Path, corpus: list[str], *, vocab_size: int = 500) -> Any:
    """Train a lower-casing WordPiece vocabulary on `corpus`; save it to `folder`.

    The post-processor adds [CLS]/[SEP] for single texts and for pairs (NLI input).
    Returns the `BertTokenizerFast`.
    """
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertTokenizerFast

    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.train_from_iterator(
        corpus * 3, trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=special)
    )
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[(t, tok.token_to_id(t)) for t in ("[CLS]", "[SEP]")],
    )
    fast = BertTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=128,
    )
    fast.save_pretrained(folder)
    return fast
