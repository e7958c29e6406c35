/**
 * Between a Task's JSON and the SDK's shapes. Step Functions writes parameters and results in the
 * services' own PascalCase member names, which are the v3 clients' too, so the names pass through;
 * what changes is the values: JSON sent to a text member is sent as its JSON text, and a result's
 * dates, bytes and streams become JSON (an S3 object's Body is its text, as in
 * services/test_aws_sdk_task_service.py::test_s3_get_object_*).
 */
import type { Json, JsonObject } from '../../language/json.js';
import type { AwsService } from './services.js';

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const membersOf = (table: Readonly<Record<string, readonly string[]>> | undefined, action: string): readonly string[] =>
  table !== undefined && Object.prototype.hasOwnProperty.call(table, action) ? table[action] : [];

/** `value` with the member at `path` (`Body`, `Entries[].Detail`) replaced by `convert` of it, when present. */
function convertAt(value: unknown, path: readonly string[], convert: (v: unknown) => unknown): unknown {
  if (path.length === 0) return value === undefined || value === null ? value : convert(value);
  const [head, ...rest] = path;
  const list = head.endsWith('[]');
  const name = list ? head.slice(0, -2) : head;
  if (!isPlainObject(value) || !Object.prototype.hasOwnProperty.call(value, name)) return value;
  const member = value[name];
  const converted = list ? (Array.isArray(member) ? member.map((item) => convertAt(item, rest, convert)) : member) : convertAt(member, rest, convert);
  return { ...value, [name]: converted };
}

const asText = (v: unknown): unknown => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * Members whose value is null left out, as the Java SDK sends them: AWS then answers as for a
 * missing member (error_handling/test_task_service_dynamodb.py::test_invalid_param: "Value null at
 * 'item' failed to satisfy constraint"; test_task_service_sqs.py::test_send_message_empty_body:
 * "The request must contain the parameter MessageBody").
 */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) Object.defineProperty(out, k, { value: withoutNulls(v), enumerable: true, writable: true, configurable: true });
  return out;
}

/** The SDK input of ACTION from the Task's effective parameters (an object; anything else is no input). */
export function sdkInputOf(service: AwsService, action: string, parameters: Json): Record<string, unknown> {
  if (!isPlainObject(parameters)) return {};
  let input: unknown = withoutNulls(parameters);
  for (const member of membersOf(service.textMembers, action)) input = convertAt(input, member.split('.'), asText);
  for (const member of membersOf(service.blobMembers, action)) input = convertAt(input, member.split('.'), (v) => JSON.stringify(v));
  // Both conversions return objects for an object.
  const object = input as Record<string, unknown>;
  return service.camelCaseMembers === true ? (renameMembers(object, lowerFirst) as Record<string, unknown>) : object;
}

const lowerFirst = (name: string): string => (name === '' ? name : name[0].toLowerCase() + name.slice(1));
const upperFirst = (name: string): string => (name === '' ? name : name[0].toUpperCase() + name.slice(1));

/** Every member name of a value renamed (a camelCase model has no maps of free keys where this would be wrong). */
function renameMembers(value: unknown, rename: (name: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => renameMembers(v, rename));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) Object.defineProperty(out, rename(k), { value: renameMembers(v, rename), enumerable: true, writable: true, configurable: true });
  return out;
}

/** A result as Step Functions gives it: JSON, with PascalCase members for camelCase models. */
export async function resultOf(service: AwsService, output: unknown): Promise<Json> {
  const json = await jsonOf(output);
  return service.camelCaseMembers === true ? (renameMembers(json, upperFirst) as Json) : json;
}

interface TextStream {
  transformToString(encoding?: string): Promise<string>;
}

const isTextStream = (v: unknown): v is TextStream => typeof v === 'object' && v !== null && typeof (v as Partial<TextStream>).transformToString === 'function';

/** A result's value as JSON: members in the SDK's order, undefined ones left out. */
export async function jsonOf(value: unknown): Promise<Json> {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  if (isTextStream(value)) return value.transformToString('utf8');
  if (Array.isArray(value)) return Promise.all(value.map((v) => jsonOf(v)));
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || k === '$metadata') continue;
      // Defined, not assigned: a member named `__proto__` (a DynamoDB attribute) stays a member.
      Object.defineProperty(out, k, { value: await jsonOf(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return null;
}
