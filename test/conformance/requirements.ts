/**
 * What each `requires` value of a conformance case needs, and whether Stepwright has it yet.
 * This is the one place to flip when an integration lands: set `ready: true` (and give the runner
 * what it needs to serve it).
 */
import { isMotoRequirement } from './aws-fixtures.js';

export interface Requirement {
  readonly ready: boolean;
  /** Who builds it, e.g. 'functions issue #6'; shown when a case is skipped. */
  readonly builtBy: string;
}

export const REQUIREMENTS: Readonly<Record<string, Requirement>> = {
  lambda: { ready: true, builtBy: 'functions issue #6' },
  callback: { ready: false, builtBy: 'the server: runs with --server; the in-memory runner does not serve it' },
  activity: { ready: false, builtBy: 'the server: runs with --server; the in-memory runner does not serve it' },
  'nested-execution': { ready: false, builtBy: 'the server: runs with --server; the in-memory runner does not serve it' },
  'mock-config': { ready: true, builtBy: 'mocks (issue #19 item 4)' },
  'distributed-map': { ready: true, builtBy: 'distributed Map: issue #19 item 3' },
  credentials: { ready: false, builtBy: 'not planned yet' },
  sqs: { ready: true, builtBy: 'AWS SDK integrations issue #19 (moto_server stands in for AWS)' },
  sns: { ready: true, builtBy: 'AWS SDK integrations issue #19 (moto_server stands in for AWS)' },
  dynamodb: { ready: true, builtBy: 'AWS SDK integrations issue #19 (moto_server stands in for AWS)' },
  s3: { ready: true, builtBy: 'AWS SDK integrations issue #19 (moto_server stands in for AWS)' },
  events: { ready: true, builtBy: 'AWS SDK integrations issue #19 (moto_server stands in for AWS)' },
  'unknown-service': { ready: false, builtBy: 'not planned yet' },
};

/** `aws-sdk:<service>` integrations of the services moto_server stands in for (aws-fixtures.ts). */
const AWS_SDK: Requirement = { ready: true, builtBy: 'AWS SDK integrations issue #19 (moto_server stands in for AWS)' };
/** `aws-sdk:sfn` calls Step Functions: the server's own API, which the in-memory runner has not. */
const AWS_SDK_ELSEWHERE: Requirement = { ready: false, builtBy: "the server: aws-sdk:sfn calls Stepwright's own API" };

export function requirementOf(name: string): Requirement {
  if (Object.prototype.hasOwnProperty.call(REQUIREMENTS, name)) return REQUIREMENTS[name];
  if (name.startsWith('aws-sdk:')) return isMotoRequirement(name) ? AWS_SDK : AWS_SDK_ELSEWHERE;
  return { ready: false, builtBy: 'unknown requirement' };
}

/** The requirements of a case that are not built yet (empty = the case can run). */
export function missingRequirements(requires: readonly string[]): { name: string; builtBy: string }[] {
  const missing = requires.filter((r) => !requirementOf(r).ready).map((r) => ({ name: r, builtBy: requirementOf(r).builtBy }));
  missing.push(...distributedOverS3(requires));
  return missing;
}

/**
 * A distributed Map over S3 reads the objects LocalStack's test put in its bucket, and the
 * recording does not hold them: moto can serve the calls but not those items. ItemReader and
 * ResultWriter are tested on moto_server in test/integrations (and through the server in
 * test/api/sfn/map-run-children.test.ts) instead.
 */
function distributedOverS3(requires: readonly string[]): { name: string; builtBy: string }[] {
  return requires.includes('distributed-map') && requires.includes('s3') ? [{ name: 'distributed-map with s3', builtBy: "the S3 objects the recorder's test put are not in the recording" }] : [];
}

/**
 * What the server runner (run-case-server.ts) serves besides pure ASL: the server has the
 * integration and the runner drives it (functions, an activity worker, the child machines, the
 * child executions of distributed Maps, the consumer that answers a callback's token as the
 * recording says: run-case-server.ts `callbackPlan`). A callback case also needs the SQS or SNS
 * that carried its token: moto_server serves them.
 */
const SERVED_ON_SERVER = new Set(['lambda', 'activity', 'nested-execution', 'mock-config', 'aws-sdk:sfn', 'distributed-map', 'callback']);

/**
 * The requirements of a case that the server runner cannot serve (empty = it runs on the server);
 * with `aws`, the services moto_server stands in for are served too.
 */
export function missingOnServer(requires: readonly string[], aws = false): { name: string; builtBy: string }[] {
  const missing = requires.filter((r) => !SERVED_ON_SERVER.has(r) && !(aws && isMotoRequirement(r))).map((r) => ({ name: r, builtBy: isMotoRequirement(r) ? 'needs moto_server, not on PATH' : requirementOf(r).builtBy }));
  return [...missing, ...distributedOverS3(requires)];
}
