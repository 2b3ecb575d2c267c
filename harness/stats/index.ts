/**
 * Cross-seed statistics in the style of rliable: robust aggregates (IQM), seeded stratified
 * bootstrap intervals and probability of improvement, with the metric direction explicit.
 */
export { mean, median, quantile, iqm, aggregateMean, aggregateMedian } from './descriptive.ts';
export { stratifiedBootstrap, pairedBootstrap, aggregateInterval, AGGREGATES } from './bootstrap.ts';
export { censoredMedian, censoredMedianInterval, pairedRatio, type Budget, type CensoredInterval, type CensoredValue, type EndKind, type PairedRatio, type RatioKind } from './censored.ts';
export type { Interval, BootstrapOptions, AggregateName, AggregateEstimate } from './bootstrap.ts';
export { probabilityOfImprovement, probabilityOfImprovementInterval } from './improvement.ts';
export { orientation, bestFirst } from './direction.ts';
export type { Direction } from './direction.ts';
export type { Sample, Matrix } from './validate.ts';
