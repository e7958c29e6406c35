import { describe, expect, it } from 'vitest';
import { encodeTaskToken, taskTokenExecution } from '../../src/engine/index.js';

const ARN = 'arn:aws:states:us-east-1:123456789012:execution:Machine:run-1';

describe('task tokens', () => {
  it('names the execution a token was issued for', () => {
    const token = encodeTaskToken(ARN, 'c0ffee00-0000-4000-8000-000000000001');
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(taskTokenExecution(token)).toBe(ARN);
  });

  it('recognises nothing else as a token of ours', () => {
    for (const t of ['NoSuchTaskToken', '', 'c0ffee00-0000-4000-8000-000000000001', Buffer.from('sw1:not-an-arn:x').toString('base64url'), '!!!']) {
      expect(taskTokenExecution(t)).toBeUndefined();
    }
  });
});
