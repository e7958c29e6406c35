/**
 * A SAM / CloudFormation template's text as plain JSON values: YAML with CloudFormation's short
 * tags (`!Ref X` → `{ "Ref": "X" }`, `!GetAtt A.Arn` → `{ "Fn::GetAtt": ["A", "Arn"] }`,
 * `!Sub …` → `{ "Fn::Sub": … }`), or JSON. Keeps the YAML document so that a mistake found later
 * can name its line.
 */
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  YAMLMap,
  type Document,
  type ScalarTag,
  type CollectionTag,
} from 'yaml';
import { SamTemplateError, type TemplatePath } from './errors.js';

/** Tags whose function name is `Fn::` + the tag; `!Ref` and `!Condition` are the two without. */
const FN_TAGS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'GetAtt',
  'If',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'Not',
  'Or',
  'Length',
  'ToJsonString',
];

function wrapped(key: string, value: unknown): YAMLMap {
  const map = new YAMLMap();
  map.set(key, value);
  return map;
}

/** Each tag three times: on a scalar, a sequence and a mapping (`!Sub` takes a string or a list). */
function cloudFormationTags(): (ScalarTag | CollectionTag)[] {
  const tags: (ScalarTag | CollectionTag)[] = [];
  const named: [string, string][] = [
    ['!Ref', 'Ref'],
    ['!Condition', 'Condition'],
    ...FN_TAGS.map((t): [string, string] => [`!${t}`, `Fn::${t}`]),
  ];
  for (const [tag, key] of named) {
    tags.push({
      tag,
      identify: () => false,
      // `!GetAtt Name.Attribute`: the short form splits at the first dot, as CloudFormation does.
      resolve: (text: string) => (key === 'Fn::GetAtt' ? { [key]: splitGetAtt(text) } : { [key]: text }),
    });
    tags.push({ tag, collection: 'seq', identify: () => false, resolve: (seq) => wrapped(key, seq) } as CollectionTag);
    tags.push({ tag, collection: 'map', identify: () => false, resolve: (map) => wrapped(key, map) } as CollectionTag);
  }
  return tags;
}

function splitGetAtt(text: string): string[] {
  const dot = text.indexOf('.');
  return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
}

export interface TemplateText {
  readonly value: unknown;
  /** `file:line:column` of the value at a path, or just the file when it cannot tell. */
  placeOf(at: TemplatePath): string;
}

/** Parses a template; a syntax error is a SamTemplateError naming its line. */
export function parseTemplateText(text: string, file: string): TemplateText {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    // JSON: parsed as JSON, so its own error messages; CloudFormation JSON has no tags.
    try {
      return { value: JSON.parse(text) as unknown, placeOf: () => file };
    } catch (e) {
      throw new SamTemplateError(`${file}: not valid JSON: ${(e as Error).message}`);
    }
  }
  const lines = new LineCounter();
  const doc: Document = parseDocument(text, {
    customTags: cloudFormationTags(),
    lineCounter: lines,
    prettyErrors: false,
    // CloudFormation deploys a key given twice with the last one winning, and SAM CLI reads it so.
    uniqueKeys: false,
  });
  const [first] = doc.errors;
  if (first !== undefined) {
    const { line, col } = lines.linePos(first.pos[0]);
    throw new SamTemplateError(`${file}:${line}:${col}: ${first.message.split('\n')[0]}`);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    throw new SamTemplateError(`${file}: ${(e as Error).message}`);
  }
  return {
    value,
    placeOf(at) {
      for (let n = at.length; n > 0; n--) {
        const node: unknown = doc.getIn(at.slice(0, n), true);
        if ((isMap(node) || isSeq(node) || isScalar(node)) && node.range !== undefined && node.range !== null) {
          const { line, col } = lines.linePos(node.range[0]);
          return `${file}:${line}:${col}`;
        }
      }
      return file;
    },
  };
}
