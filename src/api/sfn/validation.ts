import { modelPattern } from '../model-pattern.js';
import model from './model.json' with { type: 'json' };
import { SfnApiError } from './errors.js';

interface Shape {
  readonly type: string;
  readonly required?: readonly string[];
  readonly members?: Readonly<Record<string, string>>;
  readonly member?: string;
  readonly key?: string;
  readonly value?: string;
  readonly min?: number;
  readonly max?: number;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly sensitive?: boolean;
}

const shapes = model.shapes as unknown as Readonly<Record<string, Shape>>;
const operations = model.operations as unknown as Readonly<Record<string, { input: string; output?: string; errors: string[] }>>;

export const OPERATION_NAMES: readonly string[] = Object.keys(operations);

export function isOperation(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(operations, name);
}

/** How AWS prints a rejected value in a validation message (sensitive values are hidden). */
function shown(value: unknown, shape: Shape): string {
  if (shape.sensitive) return '*** Sensitive Data Redacted ***';
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  return `'${JSON.stringify(value)}'`;
}


/** Checks a value against its model shape, collecting AWS-style constraint messages. */
function check(value: unknown, shapeName: string, at: string, problems: string[], typeErrors: string[]): void {
  const shape = shapes[shapeName];
  if (shape === undefined || value === undefined || value === null) return;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        typeErrors.push(`${at || 'input'} must be an object`);
        return;
      }
      const obj = value as Record<string, unknown>;
      for (const name of shape.required ?? []) {
        if (obj[name] === undefined || obj[name] === null) problems.push(`Value null at '${join(at, name)}' failed to satisfy constraint: Member must not be null`);
      }
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        if (Object.prototype.hasOwnProperty.call(obj, name)) check(obj[name], member, join(at, name), problems, typeErrors);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') {
        typeErrors.push(`${at} must be a string`);
        return;
      }
      const length = [...value].length;
      if (shape.min !== undefined && length < shape.min) {
        problems.push(`Value ${shown(value, shape)} at '${at}' failed to satisfy constraint: Member must have length greater than or equal to ${shape.min}`);
      }
      if (shape.max !== undefined && length > shape.max) {
        problems.push(`Value ${shown(value, shape)} at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${shape.max}`);
      }
      if (shape.enum !== undefined && !shape.enum.includes(value)) {
        problems.push(`Value ${shown(value, shape)} at '${at}' failed to satisfy constraint: Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
      }
      if (shape.pattern !== undefined && !modelPattern(shape.pattern).test(value)) {
        problems.push(`Value ${shown(value, shape)} at '${at}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      return;
    }
    case 'integer':
    case 'long':
    case 'float': {
      if (typeof value !== 'number' || (shape.type !== 'float' && !Number.isInteger(value))) {
        typeErrors.push(`${at} must be a number`);
        return;
      }
      if (shape.min !== undefined && value < shape.min) {
        problems.push(`Value '${value}' at '${at}' failed to satisfy constraint: Member must have value greater than or equal to ${shape.min}`);
      }
      if (shape.max !== undefined && value > shape.max) {
        problems.push(`Value '${value}' at '${at}' failed to satisfy constraint: Member must have value less than or equal to ${shape.max}`);
      }
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') typeErrors.push(`${at} must be a boolean`);
      return;
    case 'timestamp':
      if (typeof value !== 'number' && typeof value !== 'string') typeErrors.push(`${at} must be a timestamp`);
      return;
    case 'list': {
      if (!Array.isArray(value)) {
        typeErrors.push(`${at} must be a list`);
        return;
      }
      if (shape.min !== undefined && value.length < shape.min) {
        problems.push(`Value '${JSON.stringify(value)}' at '${at}' failed to satisfy constraint: Member must have length greater than or equal to ${shape.min}`);
      }
      if (shape.max !== undefined && value.length > shape.max) {
        problems.push(`Value '${JSON.stringify(value)}' at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${shape.max}`);
      }
      value.forEach((item, i) => check(item, shape.member!, `${at}.${i + 1}.member`, problems, typeErrors));
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) typeErrors.push(`${at} must be a map`);
      return;
    }
  }
}

const join = (at: string, name: string): string => (at === '' ? name : `${at}.${name}`);

/**
 * Validates an operation's input against the AWS service model, as AWS does before anything else:
 * wrong JSON types are a SerializationException; constraint violations one ValidationException
 * listing each ("1 validation error detected: Value null at 'stateMachineArn' failed to satisfy
 * constraint: Member must not be null").
 */
export function validateOperationInput(operation: string, input: unknown): void {
  const op = operations[operation];
  if (op === undefined) throw new SfnApiError('UnknownOperationException', `Unknown operation ${operation}`);
  const problems: string[] = [];
  const typeErrors: string[] = [];
  check(input ?? {}, op.input, '', problems, typeErrors);
  if (typeErrors.length > 0) throw new SfnApiError('SerializationException', `Start of structure or map found where not expected: ${typeErrors[0]}`);
  if (problems.length > 0) {
    const n = problems.length;
    throw new SfnApiError('ValidationException', `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
  }
}
