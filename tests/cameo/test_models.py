"""The bundled models load from the installed wheels with no download (a missing one fails here)."""

from __future__ import annotations

from reelcast.cameo import faces, speech


def test_dlib_model_files_ship_with_face_recognition_models() -> None:
    d = faces.models_dir()
    for name in ("shape_predictor_68_face_landmarks.dat", "shape_predictor_5_face_landmarks.dat",
                 "dlib_face_recognition_resnet_model_v1.dat"):
        assert (d / name).stat().st_size > 1_000_000


def test_dlib_models_load() -> None:
    m = faces.models()
    assert m.detector is not None and m.recognizer is not None


def test_pocketsphinx_loads_its_bundled_english_model_with_a_digits_grammar() -> None:
    assert speech._decoder(5) is not None
