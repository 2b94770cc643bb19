/** What other modules may use of the metrics: the kept aggregates' update, in the caller's transaction. */
export { bump, disbursementWeights, rebuildCube, type Deltas } from './cube.js';
