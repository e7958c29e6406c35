import { describe, expect, it } from 'vitest';
import { run } from './scope.js';

describe('States.Hash', () => {
  it('gives the lower-case hex digest for each algorithm AWS offers (test_hash__0, __1, __3)', () => {
    const input = { Data: 'input data' };
    expect(run("States.Hash($.Data, 'MD5')", input)).toBe('812f45842bc6d66ee14572ce20db8e86');
    expect(run("States.Hash($.Data, 'SHA-1')", input)).toBe('aaff4a450a104cd177d28d18d74485e8cae074b7');
    expect(run("States.Hash($.Data, 'SHA-384')", input)).toBe(
      'd28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562',
    );
    expect(run("States.Hash($.Data, 'SHA-256')", input)).toBe(
      'b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3',
    );
    expect(run("States.Hash($.Data, 'SHA-512')", input)).toBe(
      '6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4',
    );
  });

  it('refuses other algorithm names, spelled exactly', () => {
    expect(() => run("States.Hash('x', 'sha-1')")).toThrow(/unsupported hash algorithm 'sha-1'/);
    expect(() => run("States.Hash('x', 'SHA1')")).toThrow(/States.IntrinsicFailure/);
  });

  it('refuses data over 10000 characters', () => {
    expect(() => run("States.Hash($.s, 'MD5')", { s: 'a'.repeat(10001) })).toThrow(/limit of 10000/);
  });
});
