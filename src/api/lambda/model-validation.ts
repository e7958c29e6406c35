/**
 * The model layer of Lambda's request validation, generated from botocore's service model
 * (model.json, written by scripts/generate-lambda-model.py): every member of an operation's input,
 * wherever it travels (URI label, query string, header, JSON body), checked against its shape's
 * type, length, range, enum and pattern. Constraint violations are one ValidationException listing
 * each, as AWS's front end words them; a member of the wrong JSON type is InvalidRequestContentException.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { invalidRequestContent, validationError, type LambdaApiError } from './errors.js';
import { modelPattern } from '../model-pattern.js';
import model from './model.json' with { type: 'json' };

interface MemberRef {
  readonly shape: string;
  readonly location?: 'uri' | 'querystring' | 'header' | 'headers';
  readonly locationName?: string;
}

interface Shape {
  readonly type: string;
  readonly required?: readonly string[];
  readonly members?: Readonly<Record<string, MemberRef>>;
  readonly member?: string;
  readonly key?: string;
  readonly value?: string;
  readonly min?: number;
  readonly max?: number;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly sensitive?: boolean;
  readonly payload?: string;
}

const shapes = model.shapes as unknown as Readonly<Record<string, Shape>>;
const inputs = model.operations as unknown as Readonly<Record<string, { readonly input?: string }>>;

/**
 * Shapes whose values Lambda checks itself after the model layer, in its own words: an unknown
 * Runtime is an InvalidParameterValueException that lists the runtimes (request-validation.ts).
 */
const CHECKED_BY_LAMBDA = new Set(['Runtime']);

/** What a request carries, by location. Labels are decoded. */
export interface OperationInput {
  readonly labels: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined for operations whose body is a payload or absent). */
  readonly body: unknown;
}

/** Validates an operation's input against the model; the problem found, or undefined. */
export function validateModelInput(operation: string, input: OperationInput): LambdaApiError | undefined {
  const shapeName = Object.prototype.hasOwnProperty.call(inputs, operation) ? inputs[operation].input : undefined;
  if (shapeName === undefined) return undefined;
  const shape = shapes[shapeName];
  const problems: string[] = [];
  const typeErrors: string[] = [];
  const body = typeof input.body === 'object' && input.body !== null && !Array.isArray(input.body) ? (input.body as Record<string, unknown>) : {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const at = lowerFirst(name);
    if (shape.payload === name) continue;
    const value = memberValue(name, ref, input, body);
    if (value === undefined || value === null) {
      if (shape.required?.includes(name)) problems.push(`Value null at '${at}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    check(value, ref.shape, at, problems, typeErrors);
  }
  if (typeErrors.length > 0) return invalidRequestContent(`Could not parse request body into json: Could not parse payload into json: ${typeErrors[0]}`);
  return problems.length > 0 ? validationError(problems) : undefined;
}

/** A member's value from where the model says it travels; query and header values typed by their shape. */
function memberValue(name: string, ref: MemberRef, input: OperationInput, body: Record<string, unknown>): unknown {
  const wire = ref.locationName ?? name;
  const shape = shapes[ref.shape];
  switch (ref.location) {
    case 'uri':
      return input.labels[wire];
    case 'querystring':
      if (shape?.type === 'list') return input.query.has(wire) ? input.query.getAll(wire) : undefined;
      return typed(input.query.get(wire) ?? undefined, shape);
    case 'header': {
      const v = input.headers[wire.toLowerCase()];
      return typed(Array.isArray(v) ? v[0] : v, shape);
    }
    case 'headers':
      return undefined;
    default:
      return Object.prototype.hasOwnProperty.call(body, name) ? body[name] : undefined;
  }
}

/** Query strings and headers are text; a number or boolean member is read as its shape says. */
function typed(text: string | undefined, shape: Shape | undefined): unknown {
  if (text === undefined || shape === undefined) return text;
  if (shape.type === 'integer' || shape.type === 'long' || shape.type === 'double') return text.trim() === '' ? text : Number(text);
  if (shape.type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  return text;
}

function check(value: unknown, shapeName: string, at: string, problems: string[], typeErrors: string[]): void {
  const shape = shapes[shapeName];
  if (shape === undefined || value === undefined || value === null || CHECKED_BY_LAMBDA.has(shapeName)) return;
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return void typeErrors.push(`the value of ${at} must be an object`);
      const obj = value as Record<string, unknown>;
      for (const name of shape.required ?? []) {
        if (obj[name] === undefined || obj[name] === null) problems.push(`Value null at '${at}.${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`);
      }
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        if (Object.prototype.hasOwnProperty.call(obj, name)) check(obj[name], member.shape, `${at}.${lowerFirst(name)}`, problems, typeErrors);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return void typeErrors.push(`the value of ${at} must be a string`);
      const constraint = stringConstraint(value, shape);
      if (constraint !== undefined) problems.push(`Value ${shown(value, shape)} at '${at}' failed to satisfy constraint: ${constraint}`);
      return;
    }
    case 'integer':
    case 'long':
    case 'double': {
      if (typeof value !== 'number' || Number.isNaN(value) || (shape.type !== 'double' && !Number.isInteger(value))) {
        return void typeErrors.push(`the value of ${at} must be a number`);
      }
      const constraint = rangeConstraint(value, shape);
      if (constraint !== undefined) problems.push(`Value '${value}' at '${at}' failed to satisfy constraint: ${constraint}`);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') typeErrors.push(`the value of ${at} must be a boolean`);
      return;
    case 'timestamp':
      if (typeof value !== 'number' && typeof value !== 'string') typeErrors.push(`the value of ${at} must be a timestamp`);
      return;
    case 'blob':
      if (typeof value !== 'string') typeErrors.push(`the value of ${at} must be base64 text`);
      return;
    case 'list': {
      if (!Array.isArray(value)) return void typeErrors.push(`the value of ${at} must be a list`);
      if (shape.min !== undefined && value.length < shape.min) {
        problems.push(`Value '[${value.join(', ')}]' at '${at}' failed to satisfy constraint: Member must have length greater than or equal to ${shape.min}`);
      }
      if (shape.max !== undefined && value.length > shape.max) {
        problems.push(`Value '[${value.join(', ')}]' at '${at}' failed to satisfy constraint: Member must have length less than or equal to ${shape.max}`);
      }
      value.forEach((item, i) => check(item, shape.member!, `${at}.${i + 1}.member`, problems, typeErrors));
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return void typeErrors.push(`the value of ${at} must be a map`);
      const keyShape = shape.key === undefined ? undefined : shapes[shape.key];
      const valueShape = shape.value === undefined ? undefined : shapes[shape.value];
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const keyProblem = keyShape === undefined ? undefined : stringConstraint(k, keyShape);
        if (keyProblem !== undefined) problems.push(`Value '${k}' at '${at}' failed to satisfy constraint: Map keys must satisfy constraint: [${keyProblem}]`);
        if (valueShape?.type === 'string' && typeof v !== 'string') typeErrors.push(`the value of ${at}.${k} must be a string`);
        else if ((valueShape?.type === 'double' || valueShape?.type === 'integer') && typeof v !== 'number') typeErrors.push(`the value of ${at}.${k} must be a number`);
        else if (valueShape !== undefined) {
          const valueProblem = typeof v === 'number' ? rangeConstraint(v, valueShape) : typeof v === 'string' ? stringConstraint(v, valueShape) : undefined;
          if (valueProblem !== undefined) problems.push(`Value '${String(v)}' at '${at}' failed to satisfy constraint: Map value must satisfy constraint: [${valueProblem}]`);
        }
      }
      return;
    }
  }
}

function stringConstraint(value: string, shape: Shape): string | undefined {
  const length = [...value].length;
  if (shape.min !== undefined && length < shape.min) return `Member must have length greater than or equal to ${shape.min}`;
  if (shape.max !== undefined && length > shape.max) return `Member must have length less than or equal to ${shape.max}`;
  if (shape.enum !== undefined && !shape.enum.includes(value)) return `Member must satisfy enum value set: [${shape.enum.join(', ')}]`;
  if (shape.pattern !== undefined && !modelPattern(shape.pattern).test(value)) return `Member must satisfy regular expression pattern: ${shape.pattern}`;
  return undefined;
}

function rangeConstraint(value: number, shape: Shape): string | undefined {
  if (shape.min !== undefined && value < shape.min) return `Member must have value greater than or equal to ${shape.min}`;
  if (shape.max !== undefined && value > shape.max) return `Member must have value less than or equal to ${shape.max}`;
  return undefined;
}

/** How AWS prints a rejected value (sensitive values are hidden). */
function shown(value: string, shape: Shape): string {
  return shape.sensitive === true ? "'*** Sensitive Data Redacted ***'" : `'${value}'`;
}


function lowerFirst(name: string): string {
  return name.length === 0 ? name : name[0].toLowerCase() + name.slice(1);
}
