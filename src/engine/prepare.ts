import type { Json, JsonObject } from '../language/json.js';
import { scanJson } from '../language/json-scan.js';
import { validateDefinition } from '../language/validate/index.js';
import { compileMachine, type CompiledMachine } from './compile.js';

// What every driver of the engine (the scheduler, the in-memory runner, the API's checks) does to a
// definition and an input before the first advance.

/** A definition that fails validation: carries AWS's diagnostics. */
export class InvalidDefinitionError extends Error {
  readonly code = 'InvalidDefinition';
  constructor(readonly diagnostics: readonly { code: string; path: string; message: string }[]) {
    super(`Invalid State Machine Definition: ${diagnostics.map((d) => `'${d.code}: ${d.message} at ${d.path}'`).join(', ')}`);
    this.name = 'InvalidDefinitionError';
  }
}

/** Input that StartExecution would refuse: `code` is AWS's error name. */
export class InvalidExecutionInputError extends Error {
  constructor(
    message: string,
    readonly code: 'InvalidExecutionInput' | 'ValidationException' = 'InvalidExecutionInput',
  ) {
    super(message);
    this.name = 'InvalidExecutionInputError';
  }
}

/** StartExecution takes at most 256 KiB of UTF-8 input. */
const MAX_INPUT_BYTES = 262144;

/** Parses execution input as StartExecution does: size, JSON syntax (line and column) and nesting depth. */
export function parseExecutionInput(text: string): Json {
  if (Buffer.byteLength(text, 'utf8') > MAX_INPUT_BYTES) {
    throw new InvalidExecutionInputError(
      `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_INPUT_BYTES}`,
      'ValidationException',
    );
  }
  // Scan first: it reports the place of a syntax error and refuses nesting deeper than AWS's parser takes.
  const scan = scanJson(text);
  if (scan.error !== undefined) {
    throw new InvalidExecutionInputError(`Invalid State Machine Execution Input: '${scan.error.message}' at line ${scan.error.line}, column ${scan.error.column}`);
  }
  return JSON.parse(text) as Json;
}

const compiled = new WeakMap<object, CompiledMachine>();

/** Validates and compiles a definition once per definition object. */
export function prepareMachine(definition: unknown): CompiledMachine {
  if (typeof definition === 'object' && definition !== null) {
    const hit = compiled.get(definition);
    if (hit !== undefined) return hit;
  }
  const parsed = typeof definition === 'string' ? (JSON.parse(definition) as unknown) : definition;
  const problems = validateDefinition(parsed).filter((d) => d.severity === 'ERROR');
  if (problems.length > 0) throw new InvalidDefinitionError(problems);
  const machine = compileMachine(parsed as JsonObject);
  if (typeof definition === 'object' && definition !== null) compiled.set(definition, machine);
  return machine;
}
