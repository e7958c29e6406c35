/** The Lambda-compatible function runtime: what other folders may use. */
export {
  DEFAULT_MEMORY_MB,
  DEFAULT_TIMEOUT_SECONDS,
  FUNCTION_NAME_PATTERN,
  FUNCTION_RUNTIMES,
  isFunctionRuntimeName,
} from './config.js';
export type { AliasRouting, FunctionConfig, FunctionRuntimeName } from './config.js';
export {
  InvalidRequestContentException,
  LambdaServiceError,
  MAX_REQUEST_PAYLOAD_BYTES,
  MAX_RESPONSE_PAYLOAD_BYTES,
  RequestTooLargeException,
  ResourceNotFoundException,
  TooManyRequestsException,
} from './errors.js';
export type { LambdaErrorBody } from './errors.js';
export { FunctionRuntime } from './runtime.js';
export { requestIdForKey } from './request-id.js';
export { DEFAULT_WORKER_USER, FunctionUserError, resolveWorkerUser } from './worker-user.js';
export type { WorkerUser } from './worker-user.js';
export type { FunctionRuntimeOptions, InvocationCaller, InvocationLog, InvokeOptions, InvokeResult } from './runtime.js';
export { FunctionConfigError, loadFunctionDir, loadFunctionsDir } from './load.js';
