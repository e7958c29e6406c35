/** The error names AWS Step Functions uses for its own failures. */
export const StatesErrors = {
  ALL: 'States.ALL',
  Runtime: 'States.Runtime',
  TaskFailed: 'States.TaskFailed',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  Permissions: 'States.Permissions',
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  ParameterPathFailure: 'States.ParameterPathFailure',
  BranchFailed: 'States.BranchFailed',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
  DataLimitExceeded: 'States.DataLimitExceeded',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  QueryEvaluationError: 'States.QueryEvaluationError',
  ReferencePathConflict: 'States.ReferencePathConflict',
} as const;

/**
 * A failure raised while evaluating a path, template, intrinsic, Choice rule or JSONata expression.
 * `cause` is AWS's detail text WITHOUT the "An error occurred while executing the state ..." prefix:
 * the engine, which knows the state and its entered event id, adds that prefix.
 */
export class StatesError extends Error {
  constructor(
    readonly error: string,
    override readonly cause: string,
    /** The field AWS names in EvaluationFailed events (`Timestamp`, `Arguments/FunctionName` …), when known. */
    readonly location?: string,
  ) {
    super(`${error}: ${cause}`);
    this.name = 'StatesError';
  }
}
