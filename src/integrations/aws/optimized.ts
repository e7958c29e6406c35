/**
 * What optimized integrations (`arn:aws:states:::sns:publish` …) add to the SDK's answer. Step
 * Functions calls them with the AWS SDK for Java v1 and returns the response with the HTTP
 * metadata that SDK keeps (`SdkHttpMetadata`, `SdkResponseMetadata`; services/test_sns_task_service.py,
 * test_sqs_task_service.py, test_dynamodb_task_service.py), except EventBridge's PutEvents, whose
 * result is the response alone and fails as `EventBridge.FailedEntry` when an entry failed, with
 * the response as the cause (services/test_events_task_service.py::test_put_events_no_source).
 */
import type { Json, JsonObject } from '../../language/json.js';
import type { TaskResult } from '../contract.js';
import type { HttpMetadata } from './clients.js';

/**
 * Header names as AWS's front ends spell them; node lower-cases what it receives, and names not
 * listed stay so (AWS's own spelling varies between responses of one service: DynamoDB's
 * `x-amzn-RequestId` and `x-amzn-requestid` in services/test_dynamodb_task_service.py).
 */
const HEADER_SPELLING: ReadonlyMap<string, string> = new Map([
  ['content-length', 'Content-Length'],
  ['content-type', 'Content-Type'],
  ['date', 'Date'],
  ['server', 'Server'],
  ['x-amzn-requestid', 'x-amzn-RequestId'],
]);

/** The Java SDK v1's metadata of a response: every header as a list, and as one value, sorted by name. */
export function sdkHttpMetadataOf(metadata: HttpMetadata | undefined, requestId: string): JsonObject {
  const headers = Object.entries(metadata?.headers ?? {}).map(([name, value]) => [HEADER_SPELLING.get(name) ?? name, value] as const);
  const all: JsonObject = {};
  const single: JsonObject = {};
  for (const [name, value] of headers) Object.defineProperty(all, name, { value: [value], enumerable: true, writable: true, configurable: true });
  for (const [name, value] of [...headers].sort(([a], [b]) => a.toLowerCase().localeCompare(b.toLowerCase()))) {
    Object.defineProperty(single, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return {
    SdkHttpMetadata: { AllHttpHeaders: all, HttpHeaders: single, HttpStatusCode: metadata?.statusCode ?? 200 },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

/** Whether the optimized integration returns the response's HTTP metadata. */
export const hasHttpMetadata = (service: string): boolean => service !== 'events';

/** PutEvents succeeds only when every entry was put. */
export function putEventsResult(output: Json): TaskResult {
  const failed = typeof output === 'object' && output !== null && !Array.isArray(output) ? output.FailedEntryCount : undefined;
  if (typeof failed === 'number' && failed > 0) return { ok: false, error: 'EventBridge.FailedEntry', cause: JSON.stringify(output) };
  return { ok: true, output };
}
