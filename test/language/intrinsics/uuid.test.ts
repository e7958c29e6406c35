import { describe, expect, it } from 'vitest';
import { run } from './scope.js';

describe('States.UUID', () => {
  it('returns the UUID the scope supplies, so runs can be replayed', () => {
    expect(run('States.UUID()')).toBe('ca4c1140-dcc1-40cd-ad05-7b4aa23df4a8');
  });
});
