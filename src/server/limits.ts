/**
 * Limits of the registry API that clients need too (`accord publish` splits into batches), in a
 * module without server dependencies so that clients do not load fastify.
 */

/**
 * Longest passport id (jti), issuer, subject id and other indexed text the registry accepts at
 * publish, in UTF-16 code units; the routes that take an id in the path accept as long.
 */
export const MAX_ID_LENGTH = 1000
/**
 * Longest path parameter, percent-encoded (`encodeURIComponent`): every ASCII id of
 * MAX_ID_LENGTH characters fits. Publish refuses a passport whose jti or subject id is longer
 * than this encoded, so that every published passport can be addressed in a URL, and a signed
 * status request for it fits the Authorization header limit (signed-request.ts).
 */
export const MAX_PARAM_LENGTH = 3 * MAX_ID_LENGTH

/** Most passports in one POST /api/v1/passports/batch. */
export const MAX_BATCH_PASSPORTS = 100
/** Body limit of a batch publish: about a hundred 40 KB passports, whatever their sizes. */
export const BATCH_BODY_LIMIT = 4 * 1024 * 1024
