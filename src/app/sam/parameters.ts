/**
 * Template parameters: each one's Default, or the value `--parameter-overrides` gives it, checked
 * against AllowedValues / AllowedPattern as CloudFormation checks them; list types become lists.
 */
import { SamTemplateError } from './errors.js';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * `--parameter-overrides` as `sam deploy` takes it: `Key=Value` pairs separated by spaces (one
 * argument or several, quotes allowed around a value), or `ParameterKey=K,ParameterValue=V`.
 */
export function parseParameterOverrides(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of args) {
    for (const token of arg.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? []) {
      const unquoted = token.replace(
        /"([^"]*)"|'([^']*)'/g,
        (_, a: string | undefined, b: string | undefined) => a ?? b ?? '',
      );
      const long = /^ParameterKey=([^,]+),ParameterValue=(.*)$/s.exec(unquoted);
      const eq = unquoted.indexOf('=');
      if (long !== null) out[long[1]] = long[2];
      else if (eq > 0) out[unquoted.slice(0, eq)] = unquoted.slice(eq + 1);
      else throw new SamTemplateError(`--parameter-overrides: '${token}' is not Key=Value`);
    }
  }
  return out;
}

/** Each parameter's value, by name; throws naming the parameter when one has none or a wrong one. */
export function resolveParameters(
  section: unknown,
  overrides: Readonly<Record<string, string>>,
  file: string,
  placeOf: (at: (string | number)[]) => string,
): Map<string, unknown> {
  const values = new Map<string, unknown>();
  const declared = isRecord(section) ? section : {};
  for (const name of Object.keys(overrides)) {
    if (!Object.hasOwn(declared, name)) {
      const known = Object.keys(declared);
      throw new SamTemplateError(
        `${file}: --parameter-overrides gives '${name}', which is not in the template's Parameters${known.length > 0 ? ` (${known.join(', ')})` : ''}`,
      );
    }
  }
  for (const [name, spec] of Object.entries(declared)) {
    const place = `${placeOf(['Parameters', name])}: Parameters.${name}`;
    if (!isRecord(spec)) throw new SamTemplateError(`${place}: expected a map with Type and Default`);
    const given = Object.hasOwn(overrides, name) ? overrides[name] : spec.Default;
    if (given === undefined || given === null) {
      throw new SamTemplateError(`${place}: has no Default; give it a value with --parameter-overrides ${name}=VALUE`);
    }
    const text =
      typeof given === 'string' ? given : Array.isArray(given) ? given.join(',') : String(given as number | boolean);
    const type = typeof spec.Type === 'string' ? spec.Type : 'String';
    if (Array.isArray(spec.AllowedValues) && !spec.AllowedValues.map(String).includes(text)) {
      throw new SamTemplateError(
        `${place}: '${text}' is not one of its AllowedValues (${spec.AllowedValues.map(String).join(', ')})`,
      );
    }
    if (typeof spec.AllowedPattern === 'string' && !new RegExp(`^(?:${spec.AllowedPattern})$`).test(text)) {
      throw new SamTemplateError(`${place}: '${text}' does not match its AllowedPattern ${spec.AllowedPattern}`);
    }
    if (type === 'Number' && !Number.isFinite(Number(text)))
      throw new SamTemplateError(`${place}: '${text}' is not a Number`);
    const isList = type === 'CommaDelimitedList' || type.startsWith('List<');
    values.set(name, isList ? text.split(',').map((s) => s.trim()) : text);
  }
  return values;
}
