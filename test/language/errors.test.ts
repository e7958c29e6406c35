import { describe, expect, it } from 'vitest';
import { StatesError } from '../../src/language/errors.js';

describe('StatesError', () => {
  it('carries the AWS error name and the cause detail', () => {
    const e = new StatesError('States.Runtime', 'boom');
    expect(e).toBeInstanceOf(Error);
    expect([e.error, e.cause]).toEqual(['States.Runtime', 'boom']);
  });
});
