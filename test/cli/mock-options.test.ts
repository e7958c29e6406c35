import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mockOptions } from '../../src/cli/mock-options.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-mock-options-'));
const file = path.join(dir, 'MockConfigFile.json');
fs.writeFileSync(
  file,
  JSON.stringify({
    StateMachines: { M: { TestCases: { T: { S: 'R' } } } },
    MockedResponses: { R: { '0': { Return: {} } } },
  }),
);

describe('mockOptions', () => {
  it('reads SFN_MOCK_CONFIG and WAIT_TIME_SCALE when no flag is given', () => {
    const o = mockOptions({}, { SFN_MOCK_CONFIG: file, WAIT_TIME_SCALE: '0' });
    expect([...(o.mockConfig?.stateMachines.keys() ?? [])]).toEqual(['M']);
    expect(o.timeScale).toBe(0);
  });

  it('prefers the flags, and gives nothing when neither is set', () => {
    expect(mockOptions({ timeScale: '0.5' }, { WAIT_TIME_SCALE: '0' }).timeScale).toBe(0.5);
    expect(mockOptions({}, {})).toEqual({});
    expect(mockOptions({}, { SFN_MOCK_CONFIG: '', WAIT_TIME_SCALE: '' })).toEqual({});
  });

  it('names the variable or file of a bad value', () => {
    expect(() => mockOptions({}, { WAIT_TIME_SCALE: 'soon' })).toThrow(/^WAIT_TIME_SCALE must be a number from 0 up/);
    expect(() => mockOptions({ mockConfig: path.join(dir, 'missing.json') }, {})).toThrow(/missing\.json: ENOENT/);
  });
});
