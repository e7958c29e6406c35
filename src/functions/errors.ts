/**
 * Lambda's error shapes: the bodies an invocation returns when the function fails (function errors,
 * reported with X-Amz-Function-Error), and the service errors the Invoke operation itself raises.
 */

/** The error body of a failed invocation, as Lambda returns it in the response payload. */
export interface LambdaErrorBody {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly [extra: string]: unknown;
}

/** Lambda's limit on a synchronous invocation's request and response payloads. */
export const MAX_REQUEST_PAYLOAD_BYTES = 6_291_456;
/** Lambda's response limit is stated as 6291556 bytes in its error message. */
export const MAX_RESPONSE_PAYLOAD_BYTES = 6_291_556;

/** Lambda writes the timeout as seconds with two decimals: `Task timed out after 3.00 seconds`. */
export function timeoutBody(requestId: string, timeoutSeconds: number): LambdaErrorBody {
  return {
    errorType: 'Sandbox.Timedout',
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
  };
}

/** How Lambda describes the runtime process's end: `exit status 1`, `signal: killed`. */
export function exitDescription(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) return `signal: ${signalWord(signal)}`;
  return `exit status ${code ?? 0}`;
}

function signalWord(signal: NodeJS.Signals): string {
  // Go's os.Signal strings, which Lambda's runtime interface prints.
  const words: Partial<Record<NodeJS.Signals, string>> = {
    SIGKILL: 'killed',
    SIGABRT: 'aborted',
    SIGSEGV: 'segmentation fault',
    SIGTERM: 'terminated',
    SIGINT: 'interrupt',
    SIGBUS: 'bus error',
    SIGFPE: 'floating point exception',
    SIGILL: 'illegal instruction',
  };
  return words[signal] ?? signal;
}

export function exitBody(requestId: string, code: number | null, signal: NodeJS.Signals | null): LambdaErrorBody {
  return {
    errorType: 'Runtime.ExitError',
    errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${exitDescription(code, signal)}`,
  };
}

/** Lambda kills a runtime over its memory size and reports it as `signal: killed`. */
export function outOfMemoryBody(requestId: string): LambdaErrorBody {
  return {
    errorType: 'Runtime.OutOfMemory',
    errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed`,
  };
}

export function responseTooLargeBody(): LambdaErrorBody {
  return {
    errorType: 'Function.ResponseSizeTooLarge',
    errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_PAYLOAD_BYTES} bytes).`,
  };
}

/** A service error of the Lambda API (not a function error): carries AWS's error code as `name`. */
export class LambdaServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode: number,
    /** Extra members of the error response, e.g. `Type`, `Reason`. */
    readonly details: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export class ResourceNotFoundException extends LambdaServiceError {
  constructor(message: string) {
    super('ResourceNotFoundException', message, 404, { Type: 'User' });
  }
}

export class TooManyRequestsException extends LambdaServiceError {
  constructor(reason: string) {
    super('TooManyRequestsException', 'Rate Exceeded.', 429, { Type: 'User', Reason: reason });
  }
}

export class RequestTooLargeException extends LambdaServiceError {
  constructor() {
    super(
      'RequestTooLargeException',
      `Request must be smaller than ${MAX_REQUEST_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
      413,
      { Type: 'User' },
    );
  }
}

export class InvalidRequestContentException extends LambdaServiceError {
  constructor(message: string) {
    super('InvalidRequestContentException', message, 400, { Type: 'User' });
  }
}
