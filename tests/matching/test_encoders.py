"""The encoders: unit float32 rows, sensible similarities in Chinese and English, offline, cache."""

from __future__ import annotations

import os

import numpy as np
import pytest

from matching import (
    Encoder,
    EncoderUnavailable,
    HashingEncoder,
    MatchingInputError,
    SentenceTransformerEncoder,
    load_encoder,
)


def test_default_model_gives_unit_float32_rows(encoder: SentenceTransformerEncoder) -> None:
    vectors = encoder.encode(["软件工程师", "software engineer", "护士"])
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, encoder.dim) == (3, 512)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_blank_text_is_a_zero_row(encoder: SentenceTransformerEncoder) -> None:
    vectors = encoder.encode(["", "   ", "会计"])
    assert not vectors[:2].any()
    assert np.linalg.norm(vectors[2]) == pytest.approx(1.0, abs=1e-5)


def test_software_engineer_is_closer_to_programmer_than_to_nurse(
    encoder: SentenceTransformerEncoder,
) -> None:
    zh = encoder.encode(["软件工程师", "程序员", "护士"])
    en = encoder.encode(["software engineer", "programmer", "nurse"])
    for v in (zh, en):
        assert v[0] @ v[1] > v[0] @ v[2] + 0.1


def test_chinese_and_english_of_one_job_are_close(encoder: SentenceTransformerEncoder) -> None:
    v = encoder.encode(["会计", "accountant", "货车司机"])
    assert v[0] @ v[1] > v[0] @ v[2]


def test_calibration_orders_unrelated_below_close(encoder: SentenceTransformerEncoder) -> None:
    lo, hi = encoder.calibration
    assert 0.0 <= lo < hi <= 1.0


def test_load_encoder_loads_once_per_process(encoder: SentenceTransformerEncoder) -> None:
    assert load_encoder() is encoder


def test_loading_sets_offline_mode(encoder: SentenceTransformerEncoder) -> None:
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "1"


def test_hub_name_not_on_disk_is_unavailable_not_downloaded(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with pytest.raises(EncoderUnavailable, match="not available locally"):
        load_encoder("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2-not-here")


def test_missing_local_directory_is_unavailable(tmp_path_factory: pytest.TempPathFactory) -> None:
    missing = tmp_path_factory.mktemp("models") / "no-such-model"
    with pytest.raises(EncoderUnavailable):
        load_encoder(str(missing))


def test_disk_cache_serves_a_second_encoder_without_the_model(
    encoder: SentenceTransformerEncoder, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cache_dir = tmp_path_factory.mktemp("vectors")
    first = SentenceTransformerEncoder(encoder.model, encoder.name, cache_dir=cache_dir)
    texts = ["数据分析师", "电焊工"]
    expected = first.encode(texts)
    assert list(cache_dir.rglob("*.npz"))

    class NoModel:
        def get_embedding_dimension(self) -> int:
            return 512

        def encode(self, *args: object, **kwargs: object) -> np.ndarray:
            raise AssertionError("the cache should have answered")

    second = SentenceTransformerEncoder(NoModel(), encoder.name, cache_dir=cache_dir)
    np.testing.assert_array_equal(second.encode(texts), expected)


def test_hashing_encoder_is_deterministic_unit_rows() -> None:
    enc = HashingEncoder(dim=128)
    a = enc.encode(["Python后端开发", "护士", ""])
    b = HashingEncoder(dim=128).encode(["Python后端开发", "护士", ""])
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(a[:2], axis=1), 1.0, atol=1e-6)
    assert not a[2].any()
    near = enc.encode(["软件开发工程师", "软件开发"])
    assert near[0] @ near[1] > a[0] @ a[1]


def test_one_string_instead_of_a_list_is_rejected() -> None:
    with pytest.raises(MatchingInputError, match="list of strings"):
        HashingEncoder().encode("护士")  # type: ignore[arg-type]


def test_every_encoder_says_whether_it_is_ready_and_loads_when_asked() -> None:
    loads: list[str] = []

    class TinyModel:  # a stand-in for a sentence-transformers model (third-party)
        def get_embedding_dimension(self) -> int:
            return 4

        def encode(self, texts: list[str], **_: object) -> np.ndarray:
            return np.array([[len(t), 1.0, 2.0, 3.0] for t in texts], dtype=np.float32)

    def factory() -> TinyModel:
        loads.append("tiny")
        return TinyModel()

    lazy = SentenceTransformerEncoder(None, "tiny", dim=4, model_factory=factory)
    hashing = HashingEncoder()
    assert hashing.is_ready
    hashing.load()
    assert not lazy.is_ready
    assert loads == []
    lazy.load()
    assert lazy.is_ready
    lazy.load()
    assert loads == ["tiny"]
    # (after the checks above: isinstance reads every member, `calibration` encodes texts)
    assert isinstance(lazy, Encoder)
    assert isinstance(hashing, Encoder)
