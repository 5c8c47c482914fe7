import keras

import keras_walk as kw
from tests.helpers.scripts import smoke_run


def test_smoke_run_reports_falling_bits_per_character_and_samples(tmp_path):
    on_disk = smoke_run("recipes/text/text_generation.py", tmp_path)
    assert on_disk["split"] == "validation" and on_disk["smoke"] is True
    bits = on_disk["history"]["gru"]["val_bits_per_character"]
    assert len(bits) == 2 and bits[-1] < bits[0]
    unigram = on_disk["baselines"]["1-gram"]["bits_per_character"]
    assert 3.5 < unigram < 5  # English letter frequencies: about 4.2 bits
    assert on_disk["baselines"]["3-gram"]["bits_per_character"] < unigram
    prompt = "Fellow-Citizens of the Senate and House of Representatives:"
    assert list(on_disk["samples"]) == [f"temperature {t}" for t in (0.2, 0.5, 0.8, 1.0)]
    for sample in on_disk["samples"].values():
        assert sample.startswith(prompt) and len(sample) == len(prompt) + 40
    for plot in ("validation_bits.png", "bits_per_character.png"):
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG"
    model = keras.models.load_model(tmp_path / "model.keras")
    assert isinstance(model, kw.tasks.LanguageModel)
    # The saved model writes what the run wrote: same weights, vocabulary and sampling.
    assert (
        model.generate(prompt, 40, temperature=0.5, seed=1) == on_disk["samples"]["temperature 0.5"]
    )
