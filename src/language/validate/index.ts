/**
 * Validation of Amazon States Language definitions as AWS does it (ValidateStateMachineDefinition,
 * and CreateStateMachine's InvalidDefinition): every problem at once, as diagnostics with AWS's
 * codes, messages and locations.
 */
import type { Diagnostic, StateMachineDefinition } from '../definition.js';
import { parseDefinitionDocument, type ParseOptions } from '../parse.js';
import type { ValidateOptions } from './context.js';
import { validateMachine } from './machine.js';
import { CODES } from './report.js';

export type { ValidateOptions, StateMachineType } from './context.js';
export { CODES } from './report.js';
export { validateResponse, type ValidateResponse } from './response.js';

export interface ValidateInputOptions extends ValidateOptions, ParseOptions {}

function toDocument(input: unknown, options: ParseOptions): { value: unknown; duplicateKeys: readonly { path: readonly (string | number)[]; key: string }[] } | { diagnostics: Diagnostic[] } {
  if (typeof input === 'string') return parseDefinitionDocument(input, options);
  if (input === null || input === undefined) return parseDefinitionDocument('', options);
  // A value handed in by code: round-trip it through JSON text, which drops what JSON cannot hold,
  // turns cycles and absurd depth into a diagnostic instead of a hang, and gives us our own copy.
  let text: string | undefined;
  try {
    text = JSON.stringify(input);
  } catch (e) {
    const reason = e instanceof RangeError ? 'the definition is nested too deeply' : e instanceof Error ? e.message : String(e);
    return { diagnostics: [{ code: CODES.invalidJson, path: '', message: `Definition is not valid JSON: ${reason}`, severity: 'ERROR' }] };
  }
  return parseDefinitionDocument(text ?? '', options);
}

function run(input: unknown, options: ValidateInputOptions): { value: unknown; diagnostics: Diagnostic[] } {
  const doc = toDocument(input, options);
  if ('diagnostics' in doc) return { value: undefined, diagnostics: doc.diagnostics };
  const report = validateMachine(doc.value, options.type ?? 'STANDARD', doc.duplicateKeys);
  return { value: doc.value, diagnostics: report.all() };
}

/** All problems of a definition (text or parsed value); [] when AWS would accept it. */
export function validateDefinition(input: string | unknown, options: ValidateInputOptions = {}): Diagnostic[] {
  return run(input, options).diagnostics;
}

/** A valid definition, deep-frozen and typed, or the diagnostics (ERRORs) that refuse it. */
export function loadDefinition(
  input: string | unknown,
  options: ValidateInputOptions = {},
): { definition: StateMachineDefinition } | { diagnostics: Diagnostic[] } {
  const { value, diagnostics } = run(input, options);
  const errors = diagnostics.filter((d) => d.severity === 'ERROR');
  if (errors.length > 0 || value === undefined) return { diagnostics: errors };
  return { definition: deepFreeze(value) as StateMachineDefinition };
}

/** Freezes a JSON value and everything in it, without recursion. */
export function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null || Object.isFrozen(node)) continue;
    Object.freeze(node);
    for (const child of Object.values(node)) stack.push(child);
  }
  return value;
}

/**
 * The message of CreateStateMachine's InvalidDefinition error:
 * `Invalid State Machine Definition: 'CODE: message at /location, CODE: message at /location'`
 * (`at null` where AWS has no location). `_definitionText` is kept for callers; the message does
 * not quote the definition.
 */
export function formatInvalidDefinitionMessage(diagnostics: readonly Diagnostic[], _definitionText?: string): string {
  const errors = diagnostics.filter((d) => d.severity === 'ERROR');
  const parts = errors.map((d) => `${d.code}: ${d.message} at ${d.path === '' ? 'null' : d.path}`);
  return `Invalid State Machine Definition: '${parts.join(', ')}'`;
}
