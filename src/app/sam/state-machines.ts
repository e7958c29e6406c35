/**
 * `AWS::Serverless::StateMachine` and `AWS::StepFunctions::StateMachine` as definitions: the
 * definition from Definition (intrinsics resolved), DefinitionUri / DefinitionS3Location (a local
 * JSON or YAML file) or DefinitionString, then DefinitionSubstitutions' `${Key}` placeholders
 * replaced, as CloudFormation does before it creates the machine. Policies, Role, Logging, Tracing
 * and Tags are for IAM and CloudWatch, which Stepwright does not have.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { MachineType } from '../../store/index.js';
import { SamTemplateError, pathText, type TemplatePath } from './errors.js';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface StateMachineSource {
  readonly logicalId: string;
  readonly type: string;
  readonly name: string;
  /** Properties with Globals merged and intrinsics resolved. */
  readonly properties: Record<string, unknown>;
  readonly at: TemplatePath;
}

export interface LoadedStateMachine {
  readonly logicalId: string;
  readonly name: string;
  readonly type: MachineType;
  /** The definition text as CloudFormation would create the machine with it. */
  readonly definition: string;
  /** The definition file, when it has one (dev watches it). */
  readonly file?: string;
  readonly notes: string[];
}

export function loadStateMachineResource(
  source: StateMachineSource,
  templateDir: string,
  placeOf: (at: TemplatePath) => string,
): LoadedStateMachine {
  const p = source.properties;
  const at = (...rest: (string | number)[]): TemplatePath => [...source.at, 'Properties', ...rest];
  const fail = (where: TemplatePath, message: string): never => {
    throw new SamTemplateError(`${placeOf(where)}: ${pathText(where)}: ${message}`);
  };
  const serverless = source.type === 'AWS::Serverless::StateMachine';
  const typeKey = serverless ? 'Type' : 'StateMachineType';
  const type = p[typeKey] ?? 'STANDARD';
  if (type !== 'STANDARD' && type !== 'EXPRESS')
    return fail(at(typeKey), `expected STANDARD or EXPRESS, got ${JSON.stringify(type)}`);

  const uriKey = serverless ? 'DefinitionUri' : 'DefinitionS3Location';
  const given = [serverless ? undefined : 'DefinitionString', 'Definition', uriKey].filter(
    (k): k is string => k !== undefined && p[k] !== undefined,
  );
  if (given.length === 0)
    return fail(
      source.at,
      `a state machine needs ${serverless ? 'Definition or DefinitionUri' : 'Definition, DefinitionString or DefinitionS3Location'}`,
    );
  if (given.length > 1) return fail(at(given[1]), `give one of ${given.join(' and ')}`);
  const [key] = given;

  let definition: string;
  let file: string | undefined;
  if (key === 'Definition') {
    if (!isRecord(p.Definition)) return fail(at(key), 'expected the definition as a map');
    definition = JSON.stringify(p.Definition);
  } else if (key === 'DefinitionString') {
    if (typeof p.DefinitionString !== 'string') return fail(at(key), 'expected the definition as a string');
    definition = p.DefinitionString;
  } else {
    const uri = p[key];
    if (typeof uri !== 'string' || /^s3:\/\//.test(uri)) {
      return fail(at(key), `the definition is in S3 (${JSON.stringify(uri)}); point ${key} at a local file to run it`);
    }
    file = path.resolve(templateDir, uri);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      return fail(
        at(key),
        `cannot read ${uri}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? `no such file (looked for ${file})` : (e as Error).message}`,
      );
    }
    definition = text.trimStart().startsWith('{')
      ? text
      : yamlDefinition(text, uri, () => fail(at(key), `${uri} is neither JSON nor YAML`));
  }

  const notes: string[] = [];
  const substitutions = p.DefinitionSubstitutions;
  if (substitutions !== undefined) {
    if (!isRecord(substitutions)) return fail(at('DefinitionSubstitutions'), 'expected a map of names to values');
    const values = new Map<string, string>();
    for (const [k, v] of Object.entries(substitutions)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') values.set(k, String(v));
      else fail(at('DefinitionSubstitutions', k), `expected a string, got ${JSON.stringify(v)}`);
    }
    definition = definition.replace(/\$\{([^}]+)\}/g, (whole, name: string) => values.get(name) ?? whole);
  }
  // A placeholder left over would reach a Task as a literal `${…}` resource: say which, where.
  const left = [...new Set([...definition.matchAll(/\$\{([A-Za-z0-9_.:-]+)\}/g)].map((m) => m[1]))];
  if (left.length > 0) {
    notes.push(
      `state machine ${source.name}: ${left.map((n) => `\${${n}}`).join(', ')} not in ${pathText(at('DefinitionSubstitutions'))}; left as written`,
    );
  }
  return {
    logicalId: source.logicalId,
    name: source.name,
    type,
    definition,
    ...(file !== undefined ? { file } : {}),
    notes,
  };
}

/** A YAML definition file as the JSON text a machine is created with. */
function yamlDefinition(text: string, uri: string, fail: () => never): string {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (e) {
    throw new SamTemplateError(`${uri}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isRecord(value)) return fail();
  return JSON.stringify(value);
}
