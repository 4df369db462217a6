import type { RatingPredictor, Ratings } from "./ratings.js";

function checkLengths(predicted: ArrayLike<number>, actual: ArrayLike<number>, who: string): void {
  if (predicted.length !== actual.length) throw new RangeError(`${who}: ${predicted.length} predictions for ${actual.length} ratings`);
  if (actual.length === 0) throw new RangeError(`${who}: no ratings to score`);
}

/** Root mean squared error. */
export function rmse(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  checkLengths(predicted, actual, "rmse");
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += (predicted[i] - actual[i]) ** 2;
  return Math.sqrt(sum / actual.length);
}

/** Mean absolute error. */
export function mae(predicted: ArrayLike<number>, actual: ArrayLike<number>): number {
  checkLengths(predicted, actual, "mae");
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(predicted[i] - actual[i]);
  return sum / actual.length;
}

/** RMSE and MAE of a fitted model on held-out ratings. */
export function evaluate(model: RatingPredictor, test: Ratings): { rmse: number; mae: number; count: number } {
  const predicted = model.predict(test.users, test.items);
  return { rmse: rmse(predicted, test.values), mae: mae(predicted, test.values), count: test.values.length };
}
