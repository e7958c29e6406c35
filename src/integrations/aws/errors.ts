/**
 * A failed AWS call as Step Functions reports it. The error is `PREFIX.NAME`: the service's
 * exception as the Java SDK names it (a modelled error's shape name ending in `Exception`; an error
 * the model does not list is the SDK's catch-all `AmazonSQSException` (v1) / `DynamoDbException`
 * (v2)); a call that never got an answer is `PREFIX.SdkClientException`. The cause is the
 * service's message followed by the SDK's own suffix:
 * - optimized integrations (SDK v1): "… (Service: AmazonSNS; Status Code: 404; Error Code:
 *   NotFound; Request ID: …; Proxy: null)" (services/test_sns_task_service.py::test_publish_base_error_topic_arn,
 *   error_handling/test_task_service_dynamodb.py::test_invalid_param: `DynamoDB.AmazonDynamoDBException`);
 * - `aws-sdk:` integrations (SDK v2): "… (Service: DynamoDb, Status Code: 400, Request ID: …)", S3
 *   adding ", Extended Request ID: …" (error_handling/test_aws_sdk.py::test_s3_no_such_key), Sfn
 *   adding " (SDK Attempt Count: 1)" (services/test_aws_sdk_task_service.py::test_sfn_send_task_outcome_with_no_such_token).
 */
import { randomUUID } from 'node:crypto';
import type { TaskResult } from '../contract.js';
import type { AwsService, SdkModule } from './services.js';

export type CallStyle = 'optimized' | 'sdk';

interface ServiceErrorFields {
  readonly name: string;
  readonly message: string;
  readonly Code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string; readonly extendedRequestId?: string; readonly attempts?: number };
}

const withException = (name: string): string => (name.endsWith('Exception') ? name : `${name}Exception`);

/** Whether `e` is an answer of the service (an exception of its client), not a failure to reach it. */
function serviceErrorOf(e: unknown, module: SdkModule, service: AwsService): { fields: ServiceErrorFields; modelled: boolean } | undefined {
  const Base = module[service.baseException];
  if (typeof Base !== 'function' || !(e instanceof Base)) return undefined;
  // A v3 client throws its base class itself for an error code its model does not list.
  const modelled = Object.getPrototypeOf(e) !== (Base as { prototype: object }).prototype;
  return { fields: e as unknown as ServiceErrorFields, modelled };
}

/** The failure of a call to `service` that threw `e`. */
export function failureOf(e: unknown, module: SdkModule, service: AwsService, style: CallStyle): TaskResult {
  const prefix = style === 'optimized' && service.optimized !== undefined ? service.optimized.errorPrefix : service.sdkV2Name;
  const answered = serviceErrorOf(e, module, service);
  if (answered === undefined) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: `${prefix}.SdkClientException`, cause: `Unable to execute HTTP request: ${message}` };
  }
  const { fields, modelled } = answered;
  const status = fields.$metadata?.httpStatusCode ?? 400;
  const requestId = fields.$metadata?.requestId ?? randomUUID();
  if (style === 'optimized' && service.optimized !== undefined) {
    const code = typeof fields.Code === 'string' && fields.Code !== '' ? fields.Code : fields.name;
    const name = modelled ? withException(fields.name) : `${service.optimized.sdkV1Name.replace(/v\d+$/, '')}Exception`;
    return {
      ok: false,
      error: `${prefix}.${name}`,
      cause: `${fields.message} (Service: ${service.optimized.sdkV1Name}; Status Code: ${status}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`,
    };
  }
  const name = modelled ? withException(fields.name) : `${service.sdkV2Name}Exception`;
  const extended = fields.$metadata?.extendedRequestId;
  const attempts = service.attemptCountInCause === true ? ` (SDK Attempt Count: ${fields.$metadata?.attempts ?? 1})` : '';
  return {
    ok: false,
    error: `${prefix}.${name}`,
    cause: `${fields.message} (Service: ${service.sdkV2Name}, Status Code: ${status}, Request ID: ${requestId}${extended !== undefined && extended !== '' ? `, Extended Request ID: ${extended}` : ''})${attempts}`,
  };
}
