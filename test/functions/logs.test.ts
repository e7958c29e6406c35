import { describe, expect, it } from 'vitest';
import { formatInvocationLog, LogBuffer } from '../../src/functions/logs.js';

describe('formatInvocationLog', () => {
  it('writes START, the body, END and a tab-separated REPORT as Lambda does', () => {
    const text = formatInvocationLog({
      requestId: 'r1',
      version: '$LATEST',
      body: 'hello',
      durationMs: 1.234,
      memoryMB: 128,
      maxMemoryUsedMB: 40,
    });
    expect(text).toBe(
      'START RequestId: r1 Version: $LATEST\nhello\nEND RequestId: r1\nREPORT RequestId: r1\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t\n',
    );
  });

  it('adds the Init Duration on a cold start and bills it with the duration', () => {
    const text = formatInvocationLog({
      requestId: 'r2',
      version: '$LATEST',
      body: '',
      durationMs: 0.4,
      memoryMB: 256,
      maxMemoryUsedMB: 50,
      initDurationMs: 120.5,
    });
    expect(text).toContain(
      'Billed Duration: 121 ms\tMemory Size: 256 MB\tMax Memory Used: 50 MB\tInit Duration: 120.50 ms\t\n',
    );
    expect(text).toContain('START RequestId: r2 Version: $LATEST\nEND RequestId: r2\n');
  });
});

describe('LogBuffer', () => {
  it('keeps the first characters up to its limit and empties on take', () => {
    const b = new LogBuffer(5);
    b.append('abc');
    b.append('defg');
    expect(b.take()).toBe('abcde');
    expect(b.take()).toBe('');
  });
});
