import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FLOORS } from '../../bench/floors.js';

const dir = fileURLToPath(new URL('../../bench/workloads', import.meta.url));
const workloads = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { name: string; input: unknown; expectOutput?: unknown; definition: { States: Record<string, unknown> } });

describe('benchmark floors', () => {
  it('exist for every workload', () => {
    expect(workloads.map((w) => w.name).filter((n) => FLOORS[n] === undefined)).toEqual([]);
  });

  for (const w of workloads.filter((x) => x.expectOutput !== undefined)) {
    it(`compute the expected output of ${w.name}`, () => {
      expect(FLOORS[w.name](w.input)).toEqual(w.expectOutput);
    });
  }

  it('follow the intrinsic each state of intrinsics-100 calls (state k uses the k mod 10 function)', () => {
    const w = workloads.find((x) => x.name === 'intrinsics-100');
    const fnOf = (k: number): string => JSON.stringify(w?.definition.States[`S${k}`]).match(/States\.(\w+)\(/)?.[1] ?? '';
    const cycle = Array.from({ length: 10 }, (_, k) => fnOf(k));
    expect(cycle).toEqual(['Format', 'JsonToString', 'StringToJson', 'Array', 'ArrayPartition', 'ArrayContains', 'ArrayRange', 'ArrayLength', 'Hash', 'MathAdd']);
    for (let k = 0; k < 100; k++) expect(fnOf(k)).toBe(cycle[k % 10]);
  });
});
