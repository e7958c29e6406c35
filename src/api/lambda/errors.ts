/**
 * Service errors of the Lambda API, answered in the restJson1 shape AWS uses:
 * status code, `x-amzn-ErrorType: <Code>` header and a JSON body `{"Type": "User", "message": "…"}`.
 */

/**
 * Exceptions whose model member is `Message` (capital M) rather than `message`; botocore's
 * service-2.json names each. The SDKs read both, but we send what AWS sends.
 */
const CAPITAL_MESSAGE = new Set([
  'ResourceNotFoundException',
  'ServiceException',
  'CodeSigningConfigNotFoundException',
  'CodeVerificationFailedException',
  'InvalidCodeSignatureException',
  'ResourceInUseException',
  'InvalidRuntimeException',
  'InvalidZipFileException',
  'UnknownOperationException',
]);

export class LambdaApiError extends Error {
  constructor(
    readonly code: string,
    readonly statusCode: number,
    message: string,
    /** Extra body members, e.g. TooManyRequestsException's `Reason`. */
    readonly extra: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = code;
  }

  /** The JSON body AWS returns for this error. */
  body(): Record<string, string> {
    const type = this.statusCode >= 500 ? 'Service' : 'User';
    const messageKey = CAPITAL_MESSAGE.has(this.code) ? 'Message' : 'message';
    // ValidationException comes from the request-validation layer in front of Lambda, which sends
    // only `message` (no `Type`).
    if (this.code === 'ValidationException') return { message: this.message, __type: this.code };
    return { Type: type, [messageKey]: this.message, ...this.extra, __type: this.code };
  }
}

export const invalidParameter = (message: string): LambdaApiError =>
  new LambdaApiError('InvalidParameterValueException', 400, message);

export const invalidRequestContent = (message: string): LambdaApiError =>
  new LambdaApiError('InvalidRequestContentException', 400, message);

export const resourceNotFound = (message: string): LambdaApiError => new LambdaApiError('ResourceNotFoundException', 404, message);

export const functionNotFound = (arn: string): LambdaApiError => resourceNotFound(`Function not found: ${arn}`);

export const resourceConflict = (message: string): LambdaApiError => new LambdaApiError('ResourceConflictException', 409, message);

/** Coral's model-validation error, e.g. `1 validation error detected: Value 'x' at 'runtime' failed to …`. */
export function validationError(problems: readonly string[]): LambdaApiError {
  const count = problems.length;
  return new LambdaApiError(
    'ValidationException',
    400,
    `${count} validation error${count === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
  );
}

/** AWS's 413 for oversized requests; the wire code is RequestEntityTooLargeException, not the modelled name. */
export const requestEntityTooLarge = (message: string): LambdaApiError =>
  new LambdaApiError('RequestEntityTooLargeException', 413, message);

export const serviceException = (message: string): LambdaApiError => new LambdaApiError('ServiceException', 500, message);

/** Narrows an error thrown by the function runtime that already carries an AWS code and status. */
export function asServiceError(e: unknown): LambdaApiError | undefined {
  if (e instanceof LambdaApiError) return e;
  if (!(e instanceof Error)) return undefined;
  const candidate = e as Error & { code?: unknown; statusCode?: unknown; details?: unknown };
  if (typeof candidate.code !== 'string' || typeof candidate.statusCode !== 'number') return undefined;
  const extra: Record<string, string> = {};
  if (typeof candidate.details === 'object' && candidate.details !== null) {
    for (const [k, v] of Object.entries(candidate.details)) {
      if (typeof v === 'string' && k !== 'Type') extra[k] = v;
    }
  }
  return new LambdaApiError(candidate.code, candidate.statusCode, candidate.message, extra);
}
