/**
 * What an integration is and gets: the rest of src/integrations is one file per integration and the
 * router that picks among them (router.ts). Adding an integration is one file exporting an
 * `Integration` and one line in the list the composition gives the router.
 */
import type { TaskProgress, TaskRequest, TaskResult } from '../engine/types.js';
import type { ResourceArn } from '../language/resource-arn.js';

export type { TaskProgress, TaskResult };

/** One dispatch of a Task state's attempt, as an integration gets it. */
export interface TaskInvocation extends TaskRequest {
  /**
   * The same for every dispatch of one attempt (execution ARN + TaskScheduled event id): an
   * integration that sees it twice may answer from memory. Absent in in-memory runs.
   */
  readonly idempotencyKey?: string;
  /** `resource`, parsed. */
  readonly arn: ResourceArn;
}

/** One Task resource family (Lambda, activities, nested executions …). */
export interface Integration {
  /**
   * Whether it serves this resource; the router asks the integrations in their order. `request`
   * tells a distributed Map's reads and writes (`itemReader`, `resultWriter`) from Task calls.
   */
  serves(arn: ResourceArn, request?: TaskRequest): boolean;
  invoke(invocation: TaskInvocation, progress?: TaskProgress): Promise<TaskResult>;
}

/**
 * A resource no integration serves. The words are those of the Lambda integration, which took
 * every resource nothing else served before the router did: they stay as they were.
 */
export const unknownResource = (resource: string): TaskResult => ({
  ok: false,
  error: 'States.Runtime',
  cause: `The resource '${resource}' is not a Lambda resource.`,
});

/** An execution as the nested-execution integration sees it (DescribeExecution's fields it reports). */
export interface ExecutionDescription {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: string;
  readonly startDate: Date;
  readonly stopDate?: Date;
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/**
 * All that start-execution needs of the rest of the system. `startExecution` rejects with an
 * `ExecutionRefusedError` when the service refuses (the machine does not exist, the name is taken …).
 */
export interface ExecutionsPort {
  startExecution(input: { stateMachineArn: string; input: string; name?: string }): Promise<{ executionArn: string; startDate: Date }>;
  describeExecution(executionArn: string): Promise<ExecutionDescription>;
  /** Resolves when the execution is no longer RUNNING. */
  awaitExecution(executionArn: string): Promise<ExecutionDescription>;
}

/** StartExecution refused: `code` is AWS's error code without `Exception` (`ExecutionAlreadyExists` …). */
export class ExecutionRefusedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The resource the refusal is about (the execution that already exists). */
    readonly resourceArn?: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** The port was used before the executions it stands for existed. */
export class ExecutionsUnavailableError extends Error {
  constructor() {
    super('Nested executions are not available');
    this.name = 'ExecutionsUnavailableError';
  }
}

/** An ExecutionsPort whose implementation comes later: `connect` it once it exists. */
export interface LateExecutionsPort extends ExecutionsPort {
  connect(executions: ExecutionsPort): void;
}

/**
 * The executions integrations start are made with those integrations (the scheduler runs them), so
 * the composition makes the port first and connects it once the executions exist. Until then every
 * call rejects with ExecutionsUnavailableError.
 */
export function lateExecutionsPort(): LateExecutionsPort {
  let executions: ExecutionsPort | undefined;
  const connected = (): ExecutionsPort => {
    if (executions === undefined) throw new ExecutionsUnavailableError();
    return executions;
  };
  return {
    connect(impl) {
      executions = impl;
    },
    startExecution: async (input) => connected().startExecution(input),
    describeExecution: async (arn) => connected().describeExecution(arn),
    awaitExecution: async (arn) => connected().awaitExecution(arn),
  };
}
