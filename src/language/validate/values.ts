/** Type, range, enum and presence checks, worded as AWS's schema validator words them. */
import { isJsonObject, ownValue, type Json, type JsonObject } from '../json.js';
import { field, type Report } from './report.js';

export type JsonTypeName = 'STRING' | 'BOOLEAN' | 'INTEGER' | 'NUMBER' | 'ARRAY' | 'OBJECT';

export function typeMessage(type: JsonTypeName): string {
  return `Expected value of type [${type}]`;
}

export function has(obj: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

export function get(obj: JsonObject, key: string): Json | undefined {
  return ownValue(obj, key);
}

/** "These fields are required: [States, StartAt]" at the object's location; true when all present. */
export function requireFields(report: Report, obj: JsonObject, path: string, names: readonly string[]): boolean {
  const missing = names.filter((n) => !has(obj, n));
  if (missing.length > 0) report.schemaError(path, `These fields are required: [${missing.join(', ')}]`);
  return missing.length === 0;
}

export function checkString(report: Report, value: Json | undefined, path: string): value is string {
  if (typeof value === 'string') return true;
  report.schemaError(path, typeMessage('STRING'));
  return false;
}

export function checkBoolean(report: Report, value: Json | undefined, path: string): value is boolean {
  if (typeof value === 'boolean') return true;
  report.schemaError(path, typeMessage('BOOLEAN'));
  return false;
}

export function checkObject(report: Report, value: Json | undefined, path: string): value is JsonObject {
  if (isJsonObject(value)) return true;
  report.schemaError(path, typeMessage('OBJECT'));
  return false;
}

export function checkArray(report: Report, value: Json | undefined, path: string): value is Json[] {
  if (Array.isArray(value)) return true;
  report.schemaError(path, typeMessage('ARRAY'));
  return false;
}

export interface Range {
  readonly min?: number;
  readonly max?: number;
}

function checkRange(report: Report, value: number, path: string, range: Range): boolean {
  if (range.min !== undefined && value < range.min) {
    report.schemaError(path, `Minimum value is ${range.min}`);
    return false;
  }
  if (range.max !== undefined && value > range.max) {
    report.schemaError(path, `Maximum value is ${range.max}`);
    return false;
  }
  return true;
}

export function checkInteger(report: Report, value: Json | undefined, path: string, range: Range = {}): value is number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    report.schemaError(path, typeMessage('INTEGER'));
    return false;
  }
  return checkRange(report, value, path, range);
}

export function checkNumber(report: Report, value: Json | undefined, path: string, range: Range = {}): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    report.schemaError(path, typeMessage('NUMBER'));
    return false;
  }
  return checkRange(report, value, path, range);
}

export function checkEnum(report: Report, value: Json | undefined, path: string, allowed: readonly string[]): boolean {
  if (typeof value !== 'string') {
    report.schemaError(path, typeMessage('STRING'));
    return false;
  }
  if (allowed.includes(value)) return true;
  report.schemaError(path, `Value should be one of the following: [${allowed.join(', ')}]`);
  return false;
}

/** Two fields that say the same thing in two ways (`X` and `XPath`): at most one. */
export function checkNotBoth(report: Report, obj: JsonObject, path: string, a: string, b: string): boolean {
  if (has(obj, a) && has(obj, b)) {
    report.schemaError(field(path, a), `Only one of '${a}' and '${b}' can be specified`);
    return false;
  }
  return true;
}

/** Fields of a sub-object (retrier, catcher, ProcessorConfig …) that the schema does not know. */
export function checkKnownFields(report: Report, obj: JsonObject, path: string, known: ReadonlySet<string>): void {
  for (const key of Object.keys(obj)) {
    if (!known.has(key)) report.schemaError(path, `Field '${key}' is not supported`);
  }
}
