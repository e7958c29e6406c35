import { describe, expect, it } from 'vitest';
import type { Json } from '../../../src/language/json.js';
import { compilePath, PathSyntaxError, selectPath } from '../../../src/language/jsonpath/index.js';
import { scopeOf } from './scope.js';
import { statesFailure } from '../fixtures.js';

// The store of Goessner's JSONPath article, which Jayway (and so AWS) documents its syntax with.
const store: Json = {
  store: {
    book: [
      { category: 'reference', author: 'Nigel Rees', title: 'Sayings of the Century', price: 8.95 },
      { category: 'fiction', author: 'Evelyn Waugh', title: 'Sword of Honour', price: 12.99 },
      { category: 'fiction', author: 'Herman Melville', title: 'Moby Dick', isbn: '0-553-21311-3', price: 8.99 },
      {
        category: 'fiction',
        author: 'J. R. R. Tolkien',
        title: 'The Lord of the Rings',
        isbn: '0-395-19395-8',
        price: 22.99,
      },
    ],
    bicycle: { color: 'red', price: 19.95 },
  },
  expensive: 10,
};

const select = (path: string, input: Json = store): Json | undefined => compilePath(path).select(scopeOf(input));
const titles = (path: string): Json[] => (select(path) as { title: string }[]).map((b) => b.title);

const failure = statesFailure;

describe('definite paths', () => {
  it('selects the whole input with "$"', () => {
    expect(select('$')).toBe(store);
  });

  it('follows dot and bracket notation alike', () => {
    expect(select('$.store.bicycle.color')).toBe('red');
    expect(select("$['store']['bicycle']['color']")).toBe('red');
    expect(select('$["store"].bicycle["price"]')).toBe(19.95);
  });

  it('accepts names with hyphens in dot notation', () => {
    expect(select('$.delivery-partner', { 'delivery-partner': 'UQS' })).toBe('UQS');
  });

  it('keeps a backslash inside a quoted name as AWS does (case test_escape_sequence_parsing_ESCAPE_SEQUENCES_JSONPATH)', () => {
    expect(select(`$['Test\\""Name"']`, { 'Test\\""Name"': 'Value"\\' })).toBe('Value"\\');
  });

  it('indexes arrays from the start and, with negative indexes, from the end', () => {
    expect((select('$.store.book[0]') as { title: string }).title).toBe('Sayings of the Century');
    expect((select('$.store.book[-1]') as { title: string }).title).toBe('The Lord of the Rings');
  });

  it('merges a list of names in the last bracket into one object (Jayway)', () => {
    const path = compilePath("$.store.bicycle['color','price']");
    expect(path.definite).toBe(true);
    expect(path.select(scopeOf(store))).toEqual({ color: 'red', price: 19.95 });
  });

  it('returns null values as values, not as misses', () => {
    expect(select('$.a', { a: null })).toBeNull();
  });

  it('treats __proto__ and constructor as ordinary keys', () => {
    const input = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": 2}') as Json;
    expect(select('$.__proto__.polluted', input)).toBe(1);
    expect(select('$.constructor', input)).toBe(2);
    expect(select('$.constructor', {})).toBeUndefined();
    expect(select('$.toString', {})).toBeUndefined();
  });
});

describe('indefinite paths', () => {
  it('returns all matches of a wildcard as an array', () => {
    expect(select('$.store.book[*].author')).toEqual([
      'Nigel Rees',
      'Evelyn Waugh',
      'Herman Melville',
      'J. R. R. Tolkien',
    ]);
    expect(compilePath('$.store.book[*].author').definite).toBe(false);
  });

  it('applies a wildcard on an object to its values', () => {
    expect((select('$.store.*') as Json[]).length).toBe(2);
  });

  it('finds every match at any depth with recursive descent', () => {
    expect(select('$..author')).toEqual(['Nigel Rees', 'Evelyn Waugh', 'Herman Melville', 'J. R. R. Tolkien']);
    expect(select('$.store..price')).toEqual([8.95, 12.99, 8.99, 22.99, 19.95]);
  });

  it('wraps a single match of an indefinite path in an array', () => {
    expect(titles('$..book[2]')).toEqual(['Moby Dick']);
    expect(titles('$..book[-1]')).toEqual(['The Lord of the Rings']);
  });

  it('selects unions of indexes and of names', () => {
    expect(titles('$.store.book[0,1]')).toEqual(['Sayings of the Century', 'Sword of Honour']);
    expect(select("$.store.book[0]['title','price']")).toEqual({ title: 'Sayings of the Century', price: 8.95 });
    expect(select("$.store.book[*]['title','isbn']")).toEqual([
      { title: 'Sayings of the Century' },
      { title: 'Sword of Honour' },
      { title: 'Moby Dick', isbn: '0-553-21311-3' },
      { title: 'The Lord of the Rings', isbn: '0-395-19395-8' },
    ]);
  });

  it('slices arrays with [from:to], [:to] and [from:]', () => {
    expect(titles('$.store.book[:2]')).toEqual(['Sayings of the Century', 'Sword of Honour']);
    expect(titles('$.store.book[1:2]')).toEqual(['Sword of Honour']);
    expect(titles('$.store.book[-2:]')).toEqual(['Moby Dick', 'The Lord of the Rings']);
    expect(titles('$.store.book[2:]')).toEqual(['Moby Dick', 'The Lord of the Rings']);
    expect(select('$[:-1]', [1, 2, 3])).toEqual([1, 2]);
  });

  it('slices [from:to] without clamping a negative start, as Jayway does', () => {
    expect(select('$[-2:2]', ['a', 'b', 'c', 'd'])).toEqual(['c', 'd', 'a', 'b']);
  });

  it('filters by existence of a field', () => {
    expect(titles('$..book[?(@.isbn)]')).toEqual(['Moby Dick', 'The Lord of the Rings']);
    expect(titles('$..book[?(!@.isbn)]')).toEqual(['Sayings of the Century', 'Sword of Honour']);
  });

  it('filters with comparisons against literals and the root document', () => {
    expect(titles('$.store.book[?(@.price < 10)]')).toEqual(['Sayings of the Century', 'Moby Dick']);
    expect(titles("$..book[?(@.price <= $['expensive'])]")).toEqual(['Sayings of the Century', 'Moby Dick']);
    expect(titles("$..book[?(@.category == 'fiction' && @.price > 20)]")).toEqual(['The Lord of the Rings']);
    expect(titles('$..book[?(@.price > 20 || @.price < 9)]')).toEqual([
      'Sayings of the Century',
      'Moby Dick',
      'The Lord of the Rings',
    ]);
  });

  it('filters on numbers compared with == (case test_state_pass_regex_json_path_base)', () => {
    const input: Json = {
      users: [
        { year: 1997, status: 0 },
        { year: 1998, status: 1 },
      ],
    };
    expect(select('$.users[?(@.status == 0)]', input)).toEqual([{ year: 1997, status: 0 }]);
  });

  it('treats a missing field as not equal with !=', () => {
    expect(titles("$..book[?(@.isbn != '0-553-21311-3')]")).toEqual([
      'Sayings of the Century',
      'Sword of Honour',
      'The Lord of the Rings',
    ]);
  });

  it('matches whole strings with =~ regular expressions', () => {
    expect(titles('$..book[?(@.author =~ /.*REES/i)]')).toEqual(['Sayings of the Century']);
    expect(titles('$..book[?(@.author =~ /Nigel/)]')).toEqual([]);
  });

  it('supports in, nin, size and empty', () => {
    expect(titles("$..book[?(@.category in ['reference'])]")).toEqual(['Sayings of the Century']);
    expect(titles("$..book[?(@.category nin ['fiction'])]")).toEqual(['Sayings of the Century']);
    expect(
      select('$[?(@.tags size 2)].id', [
        { id: 1, tags: ['a', 'b'] },
        { id: 2, tags: [] },
      ]),
    ).toEqual([1]);
    expect(
      select('$[?(@.tags empty true)].id', [
        { id: 1, tags: ['a', 'b'] },
        { id: 2, tags: [] },
      ]),
    ).toEqual([2]);
  });

  it('filters arrays of scalars with @ itself', () => {
    expect(select('$[?(@ > 1)]', [1, 2, 3])).toEqual([2, 3]);
  });

  it('returns [] when nothing matches, even below a missing property (cases test_json_path_array_wildcard_or_slice_with_no_input_*)', () => {
    for (const p of [
      '$[*]',
      '$.items[*]',
      '$.items[*].itemValue',
      '$.items[1:].itemValue',
      '$.items[:1].itemValue',
      '$.item.items[1:]',
      '$.item.items[1:5].itemValue',
    ]) {
      expect(selectPath(compilePath(p), scopeOf({}))).toEqual([]);
    }
  });
});

describe('roots', () => {
  it('reads the context object with $$', () => {
    const path = compilePath('$$.Execution.Id');
    expect(path.root).toBe('$$');
    expect(path.select(scopeOf({}, { Execution: { Id: 'arn' } }))).toBe('arn');
    expect(compilePath('$$').select(scopeOf({}, { a: 1 }))).toEqual({ a: 1 });
  });

  it('reads workflow variables with $name', () => {
    const path = compilePath('$constant_obj.in_obj_constant_lst[1]');
    expect(path.root).toBe('variable');
    expect(path.variableName).toBe('constant_obj');
    expect(path.select(scopeOf({}, {}, { constant_obj: { in_obj_constant_lst: [1, 2] } }))).toBe(2);
    expect(compilePath('$x').select(scopeOf({}, {}, { x: null }))).toBeNull();
    expect(compilePath('$missing').select(scopeOf({}))).toBeUndefined();
  });
});

describe('selectPath failures', () => {
  it('names a missing last property as AWS does (case test_invalid_jsonpath_ST.INVALID_JSONPATH_IN_INPUTPATH)', () => {
    const e = failure(() => selectPath(compilePath('$.NoSuchInputPath'), scopeOf({})));
    expect(e.error).toBe('States.Runtime');
    expect(e.cause).toBe("Invalid path '$.NoSuchInputPath' : No results for path: $['NoSuchInputPath']");
  });

  it('names the first missing parent property (case test_catch_states_runtime)', () => {
    const e = failure(() => selectPath(compilePath('$.no.such.result.path'), scopeOf({})));
    expect(e.cause).toBe("Invalid path '$.no.such.result.path' : Missing property in path $['no']");
  });

  it('selects names that look like code as plain names (name paths run as generated code)', () => {
    const odd = `"]; throw 1; //`;
    expect(select(`$['${odd}'].x`, { [odd]: { x: 1 } })).toBe(1);
    expect(select("$['a\\u2028'].b", { 'a\\u2028': { b: 2 } })).toBe(2);
    // Inherited members are not properties of the document.
    expect(select('$.a.constructor', { a: {} })).toBeUndefined();
    expect(select('$.a.b.c.d.e.f.g.h.i', { a: { b: { c: { d: { e: { f: { g: { h: { i: 9 } } } } } } } } })).toBe(9);
  });

  it('reports an index out of bounds as no results', () => {
    const e = failure(() => selectPath(compilePath('$.a[5]'), scopeOf({ a: [1] })));
    expect(e.cause).toBe("Invalid path '$.a[5]' : No results for path: $['a'][5]");
  });

  it("reports stepping into a non-object with Jayway's message", () => {
    const e = failure(() => selectPath(compilePath('$.a.b'), scopeOf({ a: 'text' })));
    expect(e.cause).toMatch(
      /^Invalid path '\$\.a\.b' : Expected to find an object with property \['b'\] in path \$\['a'\] but found 'java\.lang\.String'/,
    );
  });
});

describe('syntax', () => {
  it.each(['', 'a.b', '$.', '$..', '$.a b', '$[', "$['a'", '$[abc]', '$.a[?(@.x <)]', '$[1.5]'])(
    'rejects %j',
    (text) => {
      expect(() => compilePath(text)).toThrow(PathSyntaxError);
    },
  );

  it('marks filters, wildcards, slices, unions and recursive descent as indefinite', () => {
    for (const p of ['$[*]', '$.a[?(@.b)]', '$.a[1:]', '$.a[0,1]', '$..a', '$.*', "$['a','b'].c"]) {
      expect(compilePath(p).definite, p).toBe(false);
    }
    for (const p of ['$', '$.a', '$.a[0].b', "$['a','b']", '$$.Map.Item.Value', '$var.x']) {
      expect(compilePath(p).definite, p).toBe(true);
    }
  });
});
