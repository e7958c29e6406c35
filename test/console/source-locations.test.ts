import { describe, expect, it } from 'vitest';
import { locateLineColumn, locatePointer, pointerLocator, pointerSegments } from '../../console/src/editor/source-locations.js';

const text = `{
  "StartAt": "A",
  "States": {
    "A": { "Type": "Choice", "Choices": [ { "Variable": "$.x", "Next": "Z" } ] }
  }
}`;
const marked = (r: { from: number; to: number }, t = text) => t.slice(r.from, r.to);

describe('placing a diagnostic at its JSON pointer', () => {
  it("reads AWS's bracketed array indexes and RFC 6901 escapes", () => {
    expect(pointerSegments('/States/A/Choices[0]/Next')).toEqual(['States', 'A', 'Choices', '0', 'Next']);
    expect(pointerSegments('/States/a~1b')).toEqual(['States', 'a/b']);
  });

  it('marks the member a pointer names in JSON text', () => {
    expect(marked(locatePointer(text, 'json', '/States/A/Choices[0]/Next'))).toBe('"Next": "Z"');
    expect(marked(locatePointer(text, 'json', '/States/A'))).toBe('"A"');
  });

  it('narrows to the unsupported field a message names', () => {
    const t = '{"StartAt":"A","States":{"A":{"Type":"Pass","Nxt":"B"}}}';
    expect(marked(locatePointer(t, 'json', '/States/A', "Field 'Nxt' is not supported"), t)).toBe('"Nxt":"B"');
  });

  it('marks the deepest member that exists when the pointer goes further', () => {
    expect(marked(locatePointer(text, 'json', '/States/A/Missing/Deeper'))).toBe('"A"');
  });

  it('marks YAML sources through their nodes', () => {
    const y = 'StartAt: A\nStates:\n  A:\n    Type: Pass\n    Nxt: B\n';
    expect(marked(locatePointer(y, 'yaml', '/States/A', "Field 'Nxt' is not supported"), y).trim()).toBe('Nxt: B');
  });

  it('turns the parser message of malformed JSON into a position', () => {
    const t = '{\n  "StartAt": "A",\n  oops\n}';
    const r = locateLineColumn(t, 'Unexpected character at [line: 3, column: 3]');
    expect(t.slice(r!.from, r!.to)).toBe('o');
  });

  it('places the 100 diagnostics of a 10,000-state definition in well under a second (one scan per text)', () => {
    const states: Record<string, object> = {};
    for (let i = 0; i < 10_000; i++) states[`S${i}`] = { Type: 'Pass', Next: `S${i + 1}` };
    const big = JSON.stringify({ StartAt: 'S0', States: states }, null, 2);
    const started = performance.now();
    const locate = pointerLocator(big, 'json');
    const ranges = Array.from({ length: 100 }, (_, i) => locate(`/States/S${i * 100}/Next`));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(marked(ranges[99], big)).toBe('"Next": "S9901"');
    expect(marked(locate('/States/S5', "Field 'Next' is not supported"), big)).toBe('"Next": "S6"');
  });
});
