import keras
import numpy as np

import keras_walk as kw

keras.utils.set_random_seed(0)  # the same run every time

table = kw.data.load_table("fine_food_reviews")
train = table.train.iloc[:640]  # a small sample, to run in a minute; the recipe uses 3,400
x_train, y_train = train["review"].to_numpy(object), train["great"].to_numpy()

# MiniLM's tokenizer and backbone, from the offline checkpoint that `make setup` fetched.
# 64 tokens keep 45% of these reviews whole (the rest are cut after their opening) and train
# much faster than the default 256; the recipe reads 256.
model = kw.tasks.text_classifier(x_train, encoder="pretrained", dropout=0.1, sequence_length=64)
lengths = kw.tasks.token_lengths(model, x_train)  # for batches of similar length
history = model.fit(
    kw.data.pipeline((x_train, y_train), 32, shuffle=True, sortish=lengths, seed=0),
    epochs=1,
    verbose=0,
)
print(f"training loss: {history.history['loss'][0]:.3f}")
reviews = np.array(
    ["The best coffee I have ever had. Will buy again!", "Stale, and the bag was half empty."],
    dtype=object,
)
for review, score in zip(reviews, model.predict(reviews, verbose=0)[:, 0], strict=True):
    print(f"{score:.2f}  {review}")
