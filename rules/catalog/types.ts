/**
 * The shape of the catalog's data: owned by the engine (src/engine/catalog-schema.ts), which reads it;
 * re-exported here for the catalog's own modules.
 */

export type * from '../../src/engine/catalog-schema.js';
