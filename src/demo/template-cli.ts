// Build the migrated PGlite template ahead of the first `npm start` (src/demo/template.ts); prints its directory.
import { buildTemplate } from './template.js';

console.log(await buildTemplate());
