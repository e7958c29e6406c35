/**
 * CloudFormation's intrinsic functions over a parsed template: Ref, Fn::GetAtt, Fn::Sub, Fn::Join,
 * Fn::Select, Fn::Split, Fn::If with the Conditions (Fn::Equals, Fn::And, Fn::Or, Fn::Not,
 * Condition), Fn::FindInMap, Fn::Base64, Fn::GetAZs, and Fn::ToJsonString / Fn::Length of the
 * language extensions. What needs a deployed account (Fn::ImportValue, Fn::Cidr, macros) is an
 * error naming the place.
 */
import { SamTemplateError, pathText, type TemplatePath } from './errors.js';

/** `AWS::NoValue`: the property it is the value of is removed. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export interface IntrinsicScope {
  /** Template parameters and pseudo parameters, by name. */
  readonly parameters: ReadonlyMap<string, unknown>;
  /** A resource's `Ref` value, or undefined when there is no such resource. */
  refOf(logicalId: string): unknown;
  /** A resource's attribute, or undefined when there is no such resource. */
  attributeOf(logicalId: string, attribute: string): unknown;
  readonly conditions: Readonly<Record<string, unknown>>;
  readonly mappings: Readonly<Record<string, unknown>>;
  readonly region: string;
  /** `file:line:col` of a path (for messages). */
  placeOf(at: TemplatePath): string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The one key of an object that is an intrinsic function call, if it is one. */
function intrinsicKey(v: Record<string, unknown>): string | undefined {
  const keys = Object.keys(v);
  if (keys.length !== 1) return undefined;
  const [k] = keys;
  return k === 'Ref' || k === 'Condition' || k.startsWith('Fn::') ? k : undefined;
}

export class Intrinsics {
  private readonly conditionValues = new Map<string, boolean>();
  private readonly evaluating = new Set<string>();

  constructor(private readonly scope: IntrinsicScope) {}

  private fail(at: TemplatePath, message: string): never {
    throw new SamTemplateError(`${this.scope.placeOf(at)}: ${pathText(at)}: ${message}`);
  }

  /** The value with every intrinsic function evaluated; `AWS::NoValue` entries are dropped. */
  resolve(value: unknown, at: TemplatePath): unknown {
    if (Array.isArray(value)) {
      return value.map((v, i) => this.resolve(v, [...at, i])).filter((v) => v !== NO_VALUE);
    }
    if (!isRecord(value)) return value;
    const fn = intrinsicKey(value);
    // `Condition` is an intrinsic only inside conditions; elsewhere (a resource's key) it is data.
    if (fn !== undefined && fn !== 'Condition') return this.call(fn, value[fn], [...at, fn]);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = this.resolve(v, [...at, k]);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  /** A condition of the Conditions section, evaluated once. */
  condition(name: string, at: TemplatePath): boolean {
    const known = this.conditionValues.get(name);
    if (known !== undefined) return known;
    if (!Object.hasOwn(this.scope.conditions, name)) this.fail(at, `no condition '${name}' in Conditions`);
    if (this.evaluating.has(name)) this.fail(at, `condition '${name}' depends on itself`);
    this.evaluating.add(name);
    const value = this.truth(this.scope.conditions[name], ['Conditions', name]);
    this.evaluating.delete(name);
    this.conditionValues.set(name, value);
    return value;
  }

  private truth(expr: unknown, at: TemplatePath): boolean {
    if (isRecord(expr) && intrinsicKey(expr) === 'Condition') {
      const name = expr.Condition;
      if (typeof name !== 'string') this.fail([...at, 'Condition'], 'expected a condition name');
      return this.condition(name, [...at, 'Condition']);
    }
    const v = this.resolve(expr, at);
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    return this.fail(
      at,
      `expected a condition (Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition), got ${JSON.stringify(v)}`,
    );
  }

  private args(raw: unknown, at: TemplatePath, count: number | [number, number]): unknown[] {
    const [min, max] = typeof count === 'number' ? [count, count] : count;
    if (!Array.isArray(raw) || raw.length < min || raw.length > max) {
      this.fail(at, `expected a list of ${min === max ? min : `${min} to ${max}`} arguments`);
    }
    return raw;
  }

  private text(v: unknown, at: TemplatePath): string {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.fail(at, `expected a string, got ${JSON.stringify(v)}`);
  }

  private list(v: unknown, at: TemplatePath): unknown[] {
    if (Array.isArray(v)) return v;
    return this.fail(at, `expected a list, got ${JSON.stringify(v)}`);
  }

  private ref(name: unknown, at: TemplatePath): unknown {
    if (typeof name !== 'string') this.fail(at, 'Ref takes a name');
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (this.scope.parameters.has(name)) return this.scope.parameters.get(name);
    const v = this.scope.refOf(name);
    if (v === undefined) this.fail(at, `Ref to '${name}': no parameter or resource of that name`);
    return v;
  }

  private getAtt(raw: unknown, at: TemplatePath): unknown {
    const [id, attribute] = this.args(typeof raw === 'string' ? raw.split(/\.(.*)/s, 2) : raw, at, 2).map((v, i) =>
      this.text(this.resolve(v, [...at, i]), [...at, i]),
    );
    const v = this.scope.attributeOf(id, attribute);
    if (v === undefined) this.fail(at, `Fn::GetAtt of '${id}.${attribute}': no resource '${id}'`);
    return v;
  }

  private sub(raw: unknown, at: TemplatePath): string {
    const [template, variables] = typeof raw === 'string' ? [raw, {}] : this.args(raw, at, [1, 2]);
    if (typeof template !== 'string') this.fail(at, 'Fn::Sub takes a string');
    const vars = this.resolve(variables ?? {}, [...at, 1]);
    if (!isRecord(vars)) this.fail([...at, 1], 'Fn::Sub variables must be a map');
    return template.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
      // `${!Literal}` is the text `${Literal}`.
      if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
      const name = inner.trim();
      if (Object.hasOwn(vars, name)) return this.text(vars[name], [...at, 1, name]);
      if (this.scope.parameters.has(name) || this.scope.refOf(name) !== undefined)
        return this.text(this.ref(name, at), at);
      const dot = name.indexOf('.');
      if (dot > 0 && this.scope.refOf(name.slice(0, dot)) !== undefined)
        return this.text(this.getAtt([name.slice(0, dot), name.slice(dot + 1)], at), at);
      return this.fail(at, `Fn::Sub: '${whole}' names no parameter, resource or variable`);
    });
  }

  private call(fn: string, raw: unknown, at: TemplatePath): unknown {
    switch (fn) {
      case 'Ref':
        return this.ref(raw, at);
      case 'Fn::GetAtt':
        return this.getAtt(raw, at);
      case 'Fn::Sub':
        return this.sub(raw, at);
      case 'Fn::Join': {
        const [delimiter, items] = this.args(raw, at, 2);
        const list = this.list(this.resolve(items, [...at, 1]), [...at, 1]);
        return list.map((v, i) => this.text(v, [...at, 1, i])).join(this.text(delimiter, [...at, 0]));
      }
      case 'Fn::Select': {
        const [index, items] = this.args(raw, at, 2);
        const i = Number(this.resolve(index, [...at, 0]));
        const list = this.list(this.resolve(items, [...at, 1]), [...at, 1]);
        if (!Number.isInteger(i) || i < 0 || i >= list.length)
          this.fail(at, `Fn::Select index ${String(index)} is outside the list of ${list.length}`);
        return list[i];
      }
      case 'Fn::Split': {
        const [delimiter, source] = this.args(raw, at, 2);
        return this.text(this.resolve(source, [...at, 1]), [...at, 1]).split(this.text(delimiter, [...at, 0]));
      }
      case 'Fn::If': {
        const [name, yes, no] = this.args(raw, at, 3);
        if (typeof name !== 'string') this.fail([...at, 0], 'Fn::If takes a condition name first');
        return this.condition(name, [...at, 0]) ? this.resolve(yes, [...at, 1]) : this.resolve(no, [...at, 2]);
      }
      case 'Fn::Equals': {
        const [a, b] = this.args(raw, at, 2).map((v, i) => this.resolve(v, [...at, i]));
        return (
          JSON.stringify(typeof a === 'number' ? String(a) : a) ===
          JSON.stringify(typeof b === 'number' ? String(b) : b)
        );
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const items = this.list(raw, at);
        const values = items.map((v, i) => this.truth(v, [...at, i]));
        return fn === 'Fn::And' ? values.every(Boolean) : values.some(Boolean);
      }
      case 'Fn::Not': {
        const [only] = this.args(raw, at, 1);
        return !this.truth(only, [...at, 0]);
      }
      case 'Condition':
        return this.condition(this.text(raw, at), at);
      case 'Fn::FindInMap': {
        const [map, top, second, options] = this.args(raw, at, [3, 4]).map((v, i) => this.resolve(v, [...at, i]));
        const m = this.scope.mappings[this.text(map, [...at, 0])];
        const row = isRecord(m) ? m[this.text(top, [...at, 1])] : undefined;
        const found = isRecord(row) ? row[this.text(second, [...at, 2])] : undefined;
        if (found !== undefined) return found;
        if (isRecord(options) && Object.hasOwn(options, 'DefaultValue')) return options.DefaultValue;
        return this.fail(at, `Fn::FindInMap: no ${[map, top, second].map(String).join('.')} in Mappings`);
      }
      case 'Fn::Base64':
        return Buffer.from(this.text(this.resolve(raw, at), at)).toString('base64');
      case 'Fn::GetAZs':
        return ['a', 'b', 'c'].map((z) => `${this.scope.region}${z}`);
      case 'Fn::ToJsonString':
        return JSON.stringify(this.resolve(raw, at));
      case 'Fn::Length':
        return this.list(this.resolve(raw, at), at).length;
      case 'Fn::ImportValue':
        return this.fail(
          at,
          'Fn::ImportValue reads another deployed stack, which Stepwright does not have; use a parameter instead',
        );
      default:
        return this.fail(at, `${fn} is not supported locally`);
    }
  }
}
