import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import type { Json } from '../../../src/language/json.js';
import { BAIL, compileFastPath } from '../../../src/language/jsonata/fast-path.js';

const bindings: Record<string, Json> = {
  states: { input: { count: 3, name: 'Ada', tags: ['a', 'b'], nested: { deep: { v: 1.5 } }, neg: -2, s: '7', nothing: null }, context: { Execution: { Name: 'e' } } },
  x: 10,
  y: 4,
  obj: { a: 1, b: { c: 'd' } },
  arr: [1, 2, 3],
  yes: true,
  no: false,
  str: 'hello',
};
const lookup = (name: string): unknown => (Object.prototype.hasOwnProperty.call(bindings, name) ? bindings[name] : undefined);

/** Every expression here is evaluated by the official package too; the fast path must agree or bail. */
const EXPRESSIONS = [
  '$states.input.count + 1',
  '$states.input.count - $y',
  '$x * $y',
  '$x / $y',
  '$x % $y',
  '$x / 0',
  '-$x',
  '-$str',
  '$states.input.name & "!"',
  '$str & $x',
  '$x > $y',
  '$x <= $y',
  '$str = "hello"',
  '$str != $x',
  '$yes and $no',
  '$yes or $no',
  '$states.input',
  '$states.input.nested.deep.v',
  '$states.input.tags',
  '$states.input.missing',
  '$states.input.missing.deeper',
  '$states.input.nothing',
  '$states.context.Execution.Name',
  '$obj.b',
  '$arr',
  '$undefinedVar',
  '{"count": $states.input.count + 1, "last": "S0"}',
  '{"a": $missing}',
  '{"list": [1, "two", null, true, {"k": $x}]}',
  '[1, [2, 3], $obj]',
  '[$arr]',
  '$merge([$states.input, {"count": $states.input.count + 1, "last": "S0"}])',
  '$merge([$obj, {"a": 2}, {"z": $str}])',
  '$merge([$obj, $x])',
  '$merge([])',
  '"text"',
  '42',
  'true',
  'null',
];

async function official(expr: string): Promise<unknown> {
  try {
    const r = (await jsonata(expr).evaluate(undefined, bindings)) as unknown;
    return { ok: JSON.parse(JSON.stringify(r ?? null)) as unknown, undefined: r === undefined };
  } catch (e) {
    return { error: (e as { code?: string }).code };
  }
}

describe('JSONata fast path', () => {
  it.each(EXPRESSIONS)('agrees with the official evaluator or bails: %s', async (expr) => {
    const fast = compileFastPath(jsonata(expr).ast());
    const expected = await official(expr);
    if (fast === undefined) return; // outside the subset: always the official evaluator
    const got = fast(lookup);
    if (got === BAIL) return;
    expect({ ok: JSON.parse(JSON.stringify(got)) as unknown, undefined: false }).toEqual(expected);
  });

  it('covers the shapes the hot paths use', () => {
    for (const expr of ['$states.input.count + 1', '$merge([$states.input, {"count": $states.input.count + 1}])', '{"a": $x}', '$states.input']) {
      const fast = compileFastPath(jsonata(expr).ast());
      expect(fast).toBeDefined();
      expect(fast!(lookup)).not.toBe(BAIL);
    }
  });

  it('leaves expressions with filters, functions other than $merge, or the context $ to the official evaluator', () => {
    for (const expr of ['$arr[0]', '$count($arr)', '$', '$states.input.tags[0]', '$arr.($ + 1)', '$x ? 1 : 2']) {
      expect(compileFastPath(jsonata(expr).ast())).toBeUndefined();
    }
  });

  it('bails when a workflow variable named merge shadows the function', () => {
    const fast = compileFastPath(jsonata('$merge([$obj])').ast())!;
    expect(fast((n) => (n === 'merge' ? 'shadow' : lookup(n)))).toBe(BAIL);
  });

  it('keeps a "__proto__" key as plain data', () => {
    const fast = compileFastPath(jsonata('$merge([$p])').ast())!;
    const p = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Json;
    const out = fast((n) => (n === 'p' ? p : undefined)) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['__proto__', 'ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
