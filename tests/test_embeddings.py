"""The shipped sentence-embedding model loads offline and ranks meaning."""

from __future__ import annotations

import numpy as np

from reelcast.embeddings import embed, similarity


def test_embeddings_are_unit_length_384d():
    v = embed(["a golden retriever", "a pup"])
    assert v.shape == (2, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)


def test_similar_phrases_score_higher_than_unrelated():
    dog, pup, rocket = embed(["a dog", "a puppy playing", "a rocket engine"])
    assert similarity(dog[None], pup[None])[0, 0] > similarity(dog[None], rocket[None])[0, 0]


def test_warm_computes_the_prompt_vocabulary_table_ahead():
    from reelcast import embeddings
    from reelcast.prompt import semantic

    semantic._vocab_matrix.cache_clear()
    embeddings.warm()
    assert semantic._vocab_matrix.cache_info().currsize == 1  # the first prompt with an unknown word pays nothing
