/** The Lambda API (restJson1 under /2015-03-31/functions): what other folders may use. */
export { createLambdaHandler } from './handler.js';
export type { LambdaHandler, LambdaHandlerOptions } from './handler.js';
export type { LambdaCatalog } from './api-context.js';
export { LambdaApiError } from './errors.js';
export { extractZipSafely, ZipRejectedError, MAX_UNZIPPED_BYTES, MAX_ZIPPED_BYTES } from './zip-extract.js';
export { MAX_ASYNC_PAYLOAD_BYTES, MAX_SYNC_PAYLOAD_BYTES } from './invoke.js';
