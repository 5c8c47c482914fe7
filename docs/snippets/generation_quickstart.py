import math

import keras

import keras_walk as kw
from keras_walk.baselines import ngram_bits_per_token

keras.utils.set_random_seed(0)  # weights, shuffling: the same run every time

corpus = kw.data.load_corpus("state_of_the_union")  # whole speeches held out
train_text, validation_text = corpus.train[:2_000_000], corpus.validation[:100_000]

model = kw.tasks.language_model(
    train_text,  # the vocabulary: its characters
    level="character",  # or "word"
    encoder="gru",  # or "lstm", "causal_transformer"
    sequence_length=100,  # characters of context
    units=256,
)
train_ids, validation_ids = model.encode(train_text), model.encode(validation_text)
history = model.fit(
    kw.data.next_token_windows(train_ids, 100, batch_size=64, shuffle=True, seed=0),
    steps_per_epoch=150,
    epochs=1,
    validation_data=kw.data.next_token_windows(validation_ids, 100, batch_size=256),
    verbose=0,
)
bits = history.history["val_loss"][-1] / math.log(2)
print(f"validation: {bits:.2f} bits per character, perplexity {2**bits:.1f}")
print(f"character frequencies alone: {ngram_bits_per_token(train_ids, validation_ids, 1):.2f} bits")
print("sample:", model.generate("The Congress", length=120, temperature=0.5, top_k=10, seed=0))
