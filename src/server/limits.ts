/**
 * Limits of the registry API that clients need too (`accord publish` splits into batches), in a
 * module without server dependencies so that clients do not load fastify.
 */

/** Most passports in one POST /api/v1/passports/batch. */
export const MAX_BATCH_PASSPORTS = 100
/** Body limit of a batch publish: about a hundred 40 KB passports, whatever their sizes. */
export const BATCH_BODY_LIMIT = 4 * 1024 * 1024
