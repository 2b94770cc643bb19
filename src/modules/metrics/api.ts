/**
 * What other modules may use of the metrics. The kept aggregates move only through the domain
 * events: a change carries its `metrics` (events/store.ts DomainChange) and appendEvents hands
 * them to the projector in the same transaction.
 */
export { addDeltas, disbursementWeights, nonZero, projectMetrics, rebuildCube, type Deltas, type MetricChange } from './cube.js';
