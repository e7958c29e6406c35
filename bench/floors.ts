/**
 * The physical floor of each workload: a plain JS function doing the same JSON work as the
 * workload's definition, with no engine (no history, no validation, no paths to interpret).
 * Each is written from the definition's semantics; test/bench/floors.test.ts checks them against
 * the workloads' expected outputs. The harness adds one JSON.stringify of the result, as the
 * engine returns its output as JSON text.
 */
import { createHash } from 'node:crypto';

type Obj = Record<string, unknown>;
export type Floor = (input: unknown) => unknown;

const obj = (v: unknown): Obj => v as Obj;

/** A: Pass Result {ok:true} at $.a; B: Choice on $.a.ok; C: Succeed. */
function small3State(input: unknown): unknown {
  const out = { ...obj(input), a: { ok: true } };
  return out.a.ok === true ? out : out; // both Choice branches go to C
}

/** 100 Pass states, each `Parameters {id, step: i, total, tags}` with ResultPath "$". */
function passChain100(input: unknown): unknown {
  let s = obj(input);
  for (let i = 0; i < 100; i++) s = { id: s.id, step: i, total: s.total, tags: s.tags };
  return s;
}

/** Choice `$.i < 1000` → Pass `{ i: States.MathAdd($.i, 1) }` → Choice … */
function choiceLoop1000(input: unknown): unknown {
  let s = obj(input);
  while ((s.i as number) < 1000) s = { i: (s.i as number) + 1 };
  return s;
}

function partition<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** 100 Pass states cycling through 10 intrinsics, state k writing `$.r(k mod 10)`. */
function intrinsics100(input: unknown): unknown {
  let s = obj(input);
  for (let k = 0; k < 100; k++) {
    const nums = s.nums as number[];
    switch (k % 10) {
      case 0: s = { ...s, r0: { greeting: `Hello ${String(s.name)} #${String(s.n)}` } }; break;
      case 1: s = { ...s, r1: { json: JSON.stringify(s.obj) } }; break;
      case 2: s = { ...s, r2: { back: JSON.parse(s.json as string) as unknown } }; break;
      case 3: s = { ...s, r3: { arr: [s.n, s.name, 3] } }; break;
      case 4: s = { ...s, r4: { parts: partition(nums, 3) } }; break;
      case 5: s = { ...s, r5: { has: nums.includes(5) } }; break;
      case 6: {
        const range: number[] = [];
        for (let v = 1; v <= 20; v += 2) range.push(v);
        s = { ...s, r6: { range } };
        break;
      }
      case 7: s = { ...s, r7: { len: nums.length } }; break;
      case 8: s = { ...s, r8: { hash: createHash('sha256').update(String(s.name)).digest('hex') } }; break;
      case 9: s = { ...s, r9: { sum: (s.n as number) + 7 } }; break;
    }
  }
  return s;
}

/** 100 JSONata Pass states: Assign `count = input.count + 1`, Output `$merge([input, {count: +1, last: name}])`. */
function jsonataChain100(input: unknown): unknown {
  let s = obj(input);
  const variables: Obj = {};
  for (let i = 0; i < 100; i++) {
    variables.count = (s.count as number) + 1;
    s = { ...s, count: (s.count as number) + 1, last: `S${i}` };
  }
  return s;
}

/** Inline Map over $.items: A `{sku, qty}` → B `{sku, line: Format('{} x {}', qty, sku)}` → C `{line}`. */
function map1000(input: unknown): unknown {
  return (obj(input).items as Obj[]).map((item) => {
    const a = { sku: item.sku, qty: item.qty };
    const b = { sku: a.sku, line: `${String(a.qty)} x ${String(a.sku)}` };
    return { line: b.line };
  });
}

/** 10 branches of 10 Pass states `Parameters {b, i, v.$: $.v}`; the Parallel outputs each branch's last. */
function parallel10x10(input: unknown): unknown {
  const out: unknown[] = [];
  for (let b = 0; b < 10; b++) {
    let s = obj(input);
    for (let i = 0; i < 10; i++) s = { b, i, v: s.v };
    out.push(s);
  }
  return out;
}

/** 20 Pass states `InputPath $.doc, ResultPath $.doc, OutputPath $`: the document moves through unchanged. */
function payload200k(input: unknown): unknown {
  let s = obj(input);
  for (let i = 0; i < 20; i++) s = { ...s, doc: s.doc };
  return s;
}

export const FLOORS: Readonly<Record<string, Floor>> = {
  'small-3-state': small3State,
  'pass-chain-100': passChain100,
  'choice-loop-1000': choiceLoop1000,
  'intrinsics-100': intrinsics100,
  'jsonata-chain-100': jsonataChain100,
  'map-1000': map1000,
  'map-1000-c10': map1000,
  'parallel-10x10': parallel10x10,
  'payload-200k': payload200k,
};
