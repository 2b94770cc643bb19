/* Dashboard state shared by the modules. */

export const state = {
  /** The filter of the figures on screen (the last answer shown). */
  filter: {},
  token: null,
  seq: 0,
  optionsLoaded: false,
  minimumCellSize: null,
  charts: {},
  /** What is on screen, for the CSV export: exactly the rendered values. */
  shown: null,
};
