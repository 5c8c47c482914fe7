"""The recipe harness: what every recipe in `recipes/` does around `fit`, written once.

`RecipeRun` parses a recipe's command line (`recipe_arguments`), gives `fit` the callbacks
that make a run resumable and times it, and writes `results.json` (`write_results`) with
the date, the machine (`machine_info`) and the Task's summary card.
"""

from keras_walk.harness.recipe_arguments import recipe_arguments
from keras_walk.harness.results import machine_info, summarize_over_seeds, write_results
from keras_walk.harness.run import RecipeRun

__all__ = [
    "RecipeRun",
    "machine_info",
    "recipe_arguments",
    "summarize_over_seeds",
    "write_results",
]
