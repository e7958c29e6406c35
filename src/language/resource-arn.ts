/**
 * The one grammar of a Task state's `Resource`: what it names, parsed once.
 * - a Lambda function: `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`;
 * - an activity: `arn:PARTITION:states:REGION:ACCOUNT:activity:NAME`;
 * - an optimized integration: `arn:PARTITION:states:::SERVICE:ACTION` (`lambda:invoke`,
 *   `states:startExecution` …);
 * - an AWS SDK integration: `arn:PARTITION:states:::aws-sdk:SERVICE:ACTION`;
 * - anything else: unknown.
 * Each comes with the integration pattern its ending asks for. The engine names resources in
 * history events with this, the validator refuses resources with it, src/integrations routes by it.
 */

/**
 * How the task waits for its result (AWS's "service integration patterns"), from the resource's
 * ending: `.sync` / `.sync:2` (run a job), `.waitForTaskToken` (wait for a callback), none
 * (request-response).
 */
export type IntegrationPattern = 'requestResponse' | 'sync' | `sync:${string}` | 'waitForTaskToken';

interface ArnFields {
  /** The text as the definition wrote it. */
  readonly resource: string;
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly pattern: IntegrationPattern;
}

export interface LambdaFunctionArn extends ArnFields {
  readonly kind: 'lambdaFunction';
  /**
   * From `function:NAME[:QUALIFIER]`; undefined when what follows `function:` is not of that form
   * (empty, more colons): the engine still reports such a Task with LambdaFunction* events, as it
   * does any `…:function:` resource, but no function has that name.
   */
  readonly functionName?: string;
  readonly qualifier?: string;
}

export interface ActivityArn extends ArnFields {
  readonly kind: 'activity';
  /** Everything after `activity:`, as written (AWS has no pattern endings for activities). */
  readonly name: string;
}

/** `arn:aws:states:::SERVICE:ACTION[.sync|.sync:2|.waitForTaskToken]`; ACTION without its ending. */
export interface ServiceIntegrationArn extends ArnFields {
  readonly kind: 'service';
  readonly service: string;
  readonly action: string;
}

/** `arn:aws:states:::aws-sdk:SERVICE:ACTION[.waitForTaskToken]`; ACTION without its ending. */
export interface AwsSdkIntegrationArn extends ArnFields {
  readonly kind: 'awsSdk';
  readonly service: string;
  readonly action: string;
}

export interface UnknownResource {
  readonly kind: 'unknown';
  readonly resource: string;
  readonly pattern: IntegrationPattern;
}

export type ResourceArn = LambdaFunctionArn | ActivityArn | ServiceIntegrationArn | AwsSdkIntegrationArn | UnknownResource;

// Linear patterns (no nested quantifiers): a hostile Resource costs one pass over its text.
const LAMBDA_FUNCTION = /^arn:([^:]+):lambda:([^:]*):([^:]*):function:([^]*)$/;
const STATES = /^arn:([^:]+):states:([^:]*):([^:]*):(.+)$/s;
const FUNCTION_PART = /^([^:]+)(?::([^:]+))?$/;
const PATTERN_ENDING = /\.(sync(?::\d+)?|waitForTaskToken)$/;
const AWS_PARTITION = /^aws[a-z-]*$/;
const ACCOUNT_ID = /^\d{12}$/;

/** Parses a Task `Resource` (any string: what matches no form is `unknown`). */
export function parseResourceArn(resource: string): ResourceArn {
  const ending = PATTERN_ENDING.exec(resource);
  const pattern = ending === null ? 'requestResponse' : (ending[1] as IntegrationPattern);
  const lambda = LAMBDA_FUNCTION.exec(resource);
  if (lambda !== null) {
    const fn = FUNCTION_PART.exec(lambda[4]);
    return {
      kind: 'lambdaFunction',
      resource,
      partition: lambda[1],
      region: lambda[2],
      accountId: lambda[3],
      pattern,
      ...(fn !== null ? { functionName: fn[1], ...(fn[2] !== undefined ? { qualifier: fn[2] } : {}) } : {}),
    };
  }
  const states = STATES.exec(resource);
  if (states === null) return { kind: 'unknown', resource, pattern };
  const fields = { resource, partition: states[1], region: states[2], accountId: states[3], pattern };
  const rest = states[4];
  if (rest.startsWith('activity:') && rest.length > 'activity:'.length) return { kind: 'activity', ...fields, name: rest.slice('activity:'.length) };
  const parts = (ending === null ? rest : rest.slice(0, rest.length - ending[0].length)).split(':');
  if (parts[0] === 'aws-sdk' && parts.length >= 3) return { kind: 'awsSdk', ...fields, service: parts[1], action: parts.slice(2).join(':') };
  return { kind: 'service', ...fields, service: parts[0], action: parts.slice(1).join(':') };
}

/** Whether the partition is one of AWS's (`aws`, `aws-cn`, `aws-us-gov` …). */
export const isAwsPartition = (partition: string): boolean => AWS_PARTITION.test(partition);

/**
 * An activity ARN as CreateActivity makes them (an AWS partition, a region, a 12-digit account, a
 * name without ':'): workers take its tasks with GetActivityTask. Other `…:activity:…` resources are
 * activities to the validator but nothing serves them.
 */
export function isPollableActivity(arn: ResourceArn): arn is ActivityArn {
  return arn.kind === 'activity' && isAwsPartition(arn.partition) && arn.region !== '' && ACCOUNT_ID.test(arn.accountId) && !arn.name.includes(':');
}

/** The ending of the resource its pattern came from (`.sync:2`, `.waitForTaskToken` …), '' for request-response. */
export const patternEnding = (pattern: IntegrationPattern): string => (pattern === 'requestResponse' ? '' : `.${pattern}`);
