import keras

import keras_walk as kw

keras.utils.set_random_seed(0)  # the same run every time

table = kw.data.load_table("fine_food_reviews")  # 4,000 / 1,000 reviews, "great" or not
x_train, y_train = table.train["review"].to_numpy(object), table.train["great"].to_numpy()
x_test, y_test = table.test["review"].to_numpy(object), table.test["great"].to_numpy()

# Raw strings in: the TextVectorization layer is adapted on the training texts only.
print("auto picks:", kw.tasks.choose_text_encoder(x_train))
model = kw.tasks.text_classifier(
    x_train,
    2,
    encoder="bag_of_ngrams",
    class_names=table.info.class_names,
    units=16,
    learning_rate=3e-4,
)
model.fit(
    kw.data.pipeline((x_train, y_train), batch_size=32, shuffle=True, seed=0), epochs=6, verbose=0
)

scores = model.predict(x_test, verbose=0)
print(f"test accuracy: {kw.training.task_metrics(y_test, scores, 'binary')['accuracy']:.3f}")
print(model.predict_labels(["Stale, and the bag was half empty.", "Delicious, we love it!"]))
