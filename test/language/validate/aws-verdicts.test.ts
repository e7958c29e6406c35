import { describe, expect, it } from 'vitest';
import { formatInvalidDefinitionMessage, validateDefinition } from '../../../src/language/validate/index.js';
import { loadCaseDefinitions, loadValidationRecordings } from './aws-recordings.js';

const recordings = loadValidationRecordings();
const cases = loadCaseDefinitions();

describe('the validator agrees with AWS on every recorded verdict', () => {
  it('has the recordings to compare with', () => {
    expect(recordings.length).toBeGreaterThanOrEqual(82);
    expect(cases.length).toBeGreaterThan(800);
  });

  it.each(recordings.map((r) => [r.file, r] as const))('%s', (_file, r) => {
    const got = validateDefinition(r.definitionText, { type: r.type });
    if (r.createMessage !== undefined) {
      // CreateStateMachine refused it: we refuse it too, with AWS's message word for word.
      expect(got.length).toBeGreaterThan(0);
      expect(formatInvalidDefinitionMessage(got, r.definitionText)).toBe(r.createMessage);
    }
    if (r.localStackText === true) expect(got.length).toBeGreaterThan(0);
    if (r.expected === undefined) {
      if (r.createMessage === undefined) expect(got).toEqual([]);
      return;
    }
    expect(got.map((d) => ({ code: d.code, location: d.path }))).toEqual(r.expected.map((d) => ({ code: d.code, location: d.location })));
  });

  it('reports which messages differ from AWS word for word (none today)', () => {
    const mismatches: string[] = [];
    for (const r of recordings) {
      if (!r.expected || r.localStackText === true) continue;
      const got = validateDefinition(r.definitionText, { type: r.type });
      r.expected.forEach((e, i) => {
        if (got[i] && got[i].message !== e.message) mismatches.push(`${r.file}: AWS "${e.message}" / ours "${got[i].message}"`);
      });
    }
    if (mismatches.length > 0) console.log(`message mismatches:\n${mismatches.join('\n')}`);
    expect(mismatches).toEqual([]);
  });

  it('accepts every definition AWS ran in the recorded executions', () => {
    const refused = cases
      .map((c) => ({ file: c.file, diagnostics: validateDefinition(c.definitionText) }))
      .filter((c) => c.diagnostics.length > 0);
    expect(refused).toEqual([]);
  });
});
