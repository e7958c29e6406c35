import type { Json } from '../language/json.js';
import type { Integration, TaskResult } from './contract.js';

/** TestState's `mock`: the Task's result as JSON text, or the error it fails with. */
export interface TaskMock {
  readonly result?: string;
  readonly errorOutput?: { readonly error?: string; readonly cause?: string };
  /** How strictly AWS checks the result against the service's API model (STRICT, PRESENT, NONE). */
  readonly fieldValidationMode?: string;
}

/** `mock.result` is not JSON (the message is JSON.parse's). */
export class InvalidMockResultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMockResultError';
  }
}

/**
 * Answers every Task with its mocked result instead of calling the resource. A result that is not
 * JSON throws InvalidMockResultError when the Task runs (synchronously, so that it ends the run
 * instead of failing the task).
 */
export function createMockIntegration(mock: TaskMock): Integration {
  return {
    serves: () => true,
    invoke: () => Promise.resolve(mockedResult(mock)),
  };
}

function mockedResult(mock: TaskMock): TaskResult {
  if (mock.errorOutput !== undefined) return { ok: false, error: mock.errorOutput.error ?? '', cause: mock.errorOutput.cause ?? '' };
  try {
    return { ok: true, output: JSON.parse(mock.result ?? 'null') as Json };
  } catch (e) {
    throw new InvalidMockResultError((e as Error).message);
  }
}
