/**
 * Task states that call AWS services through the AWS SDK v3 clients installed with Stepwright:
 * - the optimized integrations `arn:aws:states:::sns:publish`, `sqs:sendMessage`,
 *   `dynamodb:getItem|putItem|updateItem|deleteItem` and `events:putEvents` (their results carry
 *   the response's HTTP metadata as AWS's do, aws/optimized.ts);
 * - `arn:aws:states:::aws-sdk:SERVICE:ACTION` for every service in aws/services.ts (S3's getObject
 *   and putObject among them: AWS has no optimized S3 Task), any action its client has.
 * `.waitForTaskToken` forms are the callback integration's, which sends through this one.
 * Endpoints and credentials per service come from aws/config.ts.
 */
import type { Json, JsonObject } from '../language/json.js';
import type { ResourceArn } from '../language/resource-arn.js';
import { AwsClients, type HttpMetadata } from './aws/clients.js';
import { EMPTY_AWS_CONFIG, isReachable, type AwsConfig } from './aws/config.js';
import { failureOf, type CallStyle } from './aws/errors.js';
import { hasHttpMetadata, putEventsResult, sdkHttpMetadataOf } from './aws/optimized.js';
import { optimizedService, sdkService, type AwsService } from './aws/services.js';
import { resultOf, sdkInputOf } from './aws/shapes.js';
import type { Integration, TaskInvocation, TaskResult } from './contract.js';

export interface AwsSdkIntegrationOptions {
  readonly config?: AwsConfig;
  /** The region of calls whose resource and configuration name none. */
  readonly region: string;
  /** Stepwright's own URL once it listens: where Step Functions and Lambda calls go by default. */
  readonly selfEndpoint?: () => string | undefined;
}

export interface AwsSdkIntegration extends Integration {
  /** Closes the clients' connections. */
  close(): Promise<void>;
}

interface Target {
  readonly service: AwsService;
  readonly action: string;
  readonly style: CallStyle;
}

function targetOf(arn: ResourceArn): Target | undefined {
  if (arn.pattern !== 'requestResponse') return undefined;
  if (arn.kind === 'awsSdk') {
    const service = sdkService(arn.service);
    return service !== undefined ? { service, action: arn.action, style: 'sdk' } : undefined;
  }
  if (arn.kind === 'service') {
    const service = optimizedService(arn.service, arn.action);
    return service !== undefined ? { service, action: arn.action, style: 'optimized' } : undefined;
  }
  return undefined;
}

/** The Java SDK v1 serialises a response's members in name order (services/test_sqs_task_service.py: MD5OfMessageBody, MessageId, SdkHttpMetadata …). */
function sortedMembers(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key of Object.keys(value).sort()) Object.defineProperty(out, key, { value: value[key], enumerable: true, writable: true, configurable: true });
  return out;
}

export function createAwsSdkIntegration(options: AwsSdkIntegrationOptions): AwsSdkIntegration {
  const config = options.config ?? EMPTY_AWS_CONFIG;
  const clients = new AwsClients({ config, region: options.region, selfEndpoint: options.selfEndpoint });
  // A service with nowhere to send its calls is not served (aws/config.ts, standardEnvironment).
  const targetFor = (arn: ResourceArn): Target | undefined => {
    const target = targetOf(arn);
    return target !== undefined && isReachable(config, target.service.id) ? target : undefined;
  };

  async function call(target: Target, invocation: TaskInvocation): Promise<TaskResult> {
    const missing = clients.missingEndpoint(target.service);
    if (missing !== undefined) return { ok: false, error: 'States.Runtime', cause: missing };
    const region = invocation.arn.kind === 'unknown' ? '' : invocation.arn.region;
    let loaded: Awaited<ReturnType<AwsClients['service']>>;
    try {
      loaded = await clients.service(target.service, region);
    } catch (e) {
      // A region the SDK refuses, a client that cannot load: the task fails, the server stays up.
      return { ok: false, error: 'States.Runtime', cause: `The ${target.service.id} client could not be made: ${e instanceof Error ? e.message : String(e)}` };
    }
    const { module, client } = loaded;
    const Command = AwsClients.commandOf(module, target.action);
    if (Command === undefined) {
      return { ok: false, error: 'States.Runtime', cause: `The action '${target.action}' is not an action of the ${target.service.id} client installed with Stepwright.` };
    }
    let output: Record<string, unknown>;
    let http: HttpMetadata | undefined;
    let json: Json;
    try {
      ({ output, http } = await AwsClients.send(client, Command, sdkInputOf(target.service, target.action, invocation.parameters)));
      // Reading a streamed member (an S3 object's Body) can fail as the call itself can.
      json = await resultOf(target.service, output);
    } catch (e) {
      return failureOf(e, module, target.service, target.style);
    }
    if (target.style === 'sdk') return { ok: true, output: json };
    if (!hasHttpMetadata(target.service.optimized?.name ?? '')) return putEventsResult(json);
    const requestId = (output.$metadata as { requestId?: string } | undefined)?.requestId ?? '';
    const body: Json = typeof json === 'object' && json !== null && !Array.isArray(json) ? json : {};
    return { ok: true, output: sortedMembers({ ...(body as JsonObject), ...sdkHttpMetadataOf(http, requestId) }) };
  }

  return {
    serves: (arn) => targetFor(arn) !== undefined,
    async invoke(invocation): Promise<TaskResult> {
      const target = targetFor(invocation.arn);
      if (target === undefined) return { ok: false, error: 'States.Runtime', cause: `The resource '${invocation.resource}' is not an AWS service integration.` };
      return call(target, invocation);
    },
    close: () => clients.close(),
  };
}
