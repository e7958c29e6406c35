/**
 * An error of the Step Functions API: `code` is AWS's error name (the `__type` clients read),
 * `status` the HTTP status AWS answers with.
 */
export class SfnApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/** The body AWS's awsJson1_0 protocol sends for an error; SDKs read `__type` and `message`. */
export function errorBody(e: SfnApiError): { __type: string; message: string } {
  return { __type: e.code, message: e.message };
}
