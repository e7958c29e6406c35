/**
 * What a sample definition asks of Stepwright, without running it: whether the validator accepts
 * it, which Task resources it names (Parallel branches and Map processors too, a distributed Map's
 * ItemReader and ResultWriter), whether Stepwright serves each, and `${…}` placeholders no
 * substitution filled. "Served" asks the integrations' own `serves` with the configuration the
 * runner uses (every AWS service whose client is installed pointed at moto_server).
 */
import { validateDefinition } from '../../src/language/validate/index.js';
import { parseResourceArn, isPollableActivity, type ResourceArn } from '../../src/language/resource-arn.js';
import { isKnownOptimizedIntegration } from '../../src/language/optimized-integrations.js';
import { createAwsSdkIntegration } from '../../src/integrations/aws-sdk.js';
import { AWS_SERVICES } from '../../src/integrations/aws/services.js';
import type { AwsConfig, AwsEndpoint } from '../../src/integrations/aws/config.js';
import { isLambdaResource, parseFunctionName } from '../../src/integrations/lambda.js';
import { isHttpInvoke } from '../../src/integrations/http.js';
import { isStartExecution } from '../../src/integrations/start-execution.js';
import type { MachineType } from './discover.js';

export interface TaskResource {
  /** As the definition writes it. */
  readonly resource: string;
  /** `lambda function`, `lambda:invoke`, `aws-sdk:s3:getObject`, `sqs:sendMessage.waitForTaskToken`, `activity` … */
  readonly integration: string;
  readonly served: boolean;
  /** Why it is not served. */
  readonly reason?: string;
  /** Where a distributed Map reads or writes (`itemReader`, `resultWriter`); absent for Task states. */
  readonly role?: 'itemReader' | 'resultWriter';
}

export interface Inspection {
  readonly valid: boolean;
  /** The validator's ERRORs, `PATH: CODE message`. */
  readonly errors: readonly string[];
  readonly resources: readonly TaskResource[];
  /** `${Name}` left in the definition: no DefinitionSubstitutions value (or no template) gave one. */
  readonly placeholders: readonly string[];
  /** The Lambda functions its Tasks name literally (a function ARN, or lambda:invoke's FunctionName). */
  readonly functions: readonly string[];
}

/** Where the runner sends AWS calls: every installed service but Step Functions and Lambda (Stepwright's own) at `endpoint`. */
export function motoAwsConfig(endpoint: string, credentials: AwsEndpoint['credentials']): AwsConfig {
  const endpoints = new Map<string, AwsEndpoint>();
  for (const s of AWS_SERVICES) if (s.id !== 'sfn' && s.id !== 'lambda') endpoints.set(s.id, { url: endpoint, ...(credentials !== undefined ? { credentials } : {}) });
  return { endpoints };
}

// Only `serves` is asked of it: no client is made, nothing is sent.
const awsIntegration = createAwsSdkIntegration({ config: motoAwsConfig('http://127.0.0.1:1', undefined), region: 'us-east-1' });

const PLACEHOLDER = /\$\{([A-Za-z0-9_.:-]+)\}/g;

/** The integration's short name, as the report counts them. */
function integrationName(arn: ResourceArn): string {
  const ending = arn.pattern === 'requestResponse' ? '' : `.${arn.pattern}`;
  switch (arn.kind) {
    case 'lambdaFunction':
      return 'lambda function';
    case 'activity':
      return 'activity';
    case 'service':
      return `${arn.service}:${arn.action}${ending}`;
    case 'awsSdk':
      return `aws-sdk:${arn.service}:${arn.action}${ending}`;
    case 'unknown':
      return 'unknown';
  }
}

/** Whether an integration (without its `.waitForTaskToken`) sends its call somewhere: Lambda, nested executions, HTTP, an AWS client. */
function isServedCall(arn: ResourceArn): boolean {
  return isLambdaResource(arn) || isStartExecution(arn) || isHttpInvoke(arn) || awsIntegration.serves(arn);
}

/** Why Stepwright does not serve it, in words the report groups by. */
function unservedReason(arn: ResourceArn): string {
  if (arn.resource.includes('${')) return 'a placeholder, not a resource';
  if (arn.kind === 'awsSdk') return AWS_SERVICES.some((s) => s.id === arn.service) ? `aws-sdk:${arn.service}:${arn.action} is not an action we serve` : `aws-sdk:${arn.service} (no client installed)`;
  if (arn.kind === 'service') {
    const known = isKnownOptimizedIntegration(arn.service, arn.action, arn.pattern);
    return known ? `optimized ${arn.service}:${arn.action} not served` : `${arn.service}:${arn.action} is not an AWS integration`;
  }
  if (arn.kind === 'activity') return 'an activity ARN no worker can poll';
  return 'not a resource ARN';
}

export function classifyResource(resource: string, role?: 'itemReader' | 'resultWriter'): TaskResource {
  const arn = parseResourceArn(resource);
  const integration = /^\$\{[^}]+\}$/.test(resource) ? 'placeholder' : integrationName(arn);
  const of = (served: boolean, reason?: string): TaskResource => ({ resource, integration, served, ...(reason !== undefined ? { reason } : {}), ...(role !== undefined ? { role } : {}) });
  // A distributed Map's reader and writer are served by the object stores (S3 on moto here), whatever the action.
  if (role !== undefined) return arn.kind === 'awsSdk' || arn.kind === 'service' ? (arn.service === 's3' ? of(true) : of(false, `${role} on ${arn.service}`)) : of(false, unservedReason(arn));
  if (isPollableActivity(arn)) return of(true);
  if (arn.pattern === 'waitForTaskToken') {
    const base = parseResourceArn(resource.slice(0, -'.waitForTaskToken'.length));
    // A callback whose message we cannot send waits all the same: no one would receive its token.
    return isServedCall(base) ? of(true) : of(false, `${unservedReason(base)} (its callback message is not sent)`);
  }
  return isServedCall(arn) ? of(true) : of(false, unservedReason(arn));
}

/** The function a Lambda Task calls, when the definition names it literally (not through a path or JSONata). */
function functionNameOf(s: Record<string, unknown>, arn: ResourceArn): string | undefined {
  if (arn.kind === 'lambdaFunction') return arn.functionName;
  if (!(arn.kind === 'service' && arn.service === 'lambda' && arn.action === 'invoke')) return undefined;
  const args = (s.Parameters ?? s.Arguments) as Record<string, unknown> | undefined;
  const ref = args?.FunctionName;
  return typeof ref === 'string' && !ref.startsWith('{%') ? parseFunctionName(ref)?.name : undefined;
}

interface Collected {
  readonly resources: TaskResource[];
  readonly functions: Set<string>;
}

/** Task resources of every state, in Parallel branches and Map processors too. */
function collectResources(states: unknown, out: Collected): void {
  if (states === null || typeof states !== 'object') return;
  for (const state of Object.values(states as Record<string, unknown>)) {
    if (state === null || typeof state !== 'object') continue;
    const s = state as Record<string, unknown>;
    if (s.Type === 'Task' && typeof s.Resource === 'string') {
      out.resources.push(classifyResource(s.Resource));
      const name = functionNameOf(s, parseResourceArn(s.Resource.replace(/\.waitForTaskToken$/, '')));
      if (name !== undefined) out.functions.add(name);
    }
    if (Array.isArray(s.Branches)) for (const b of s.Branches) collectResources((b as { States?: unknown } | null)?.States, out);
    for (const key of ['ItemProcessor', 'Iterator']) collectResources((s[key] as { States?: unknown } | undefined)?.States, out);
    for (const [key, role] of [['ItemReader', 'itemReader'], ['ResultWriter', 'resultWriter']] as const) {
      const r = (s[key] as { Resource?: unknown } | undefined)?.Resource;
      if (typeof r === 'string') out.resources.push(classifyResource(r, role));
    }
  }
}

export function inspectDefinition(text: string, type: MachineType): Inspection {
  const diagnostics = validateDefinition(text, { type, allowYaml: false });
  const errors = diagnostics.filter((d) => d.severity === 'ERROR').map((d) => `${d.path === '' ? '' : `${d.path}: `}${d.code} ${d.message}`);
  const placeholders = [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
  const collected: Collected = { resources: [], functions: new Set() };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  collectResources((parsed as { States?: unknown } | undefined)?.States, collected);
  const unique = [...new Map(collected.resources.map((r) => [`${r.role ?? 'task'} ${r.resource}`, r])).values()];
  return { valid: errors.length === 0, errors, resources: unique, placeholders, functions: [...collected.functions] };
}
