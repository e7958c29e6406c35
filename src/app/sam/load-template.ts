/**
 * An AWS SAM / CloudFormation template as a Stepwright project: its functions, state machines and
 * activities, with parameters, pseudo parameters, Conditions, Mappings and Globals applied as
 * CloudFormation and SAM apply them. Every other resource (APIs, event rules, tables, roles …) and
 * every function or state machine event is named in `skipped`, one line each.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { FunctionConfig } from '../../functions/index.js';
import { SamTemplateError, pathText, shownPath, type TemplatePath } from './errors.js';
import { loadFunctionResource } from './functions.js';
import { globalsKeyOf, mergeGlobals } from './globals.js';
import { Intrinsics } from './intrinsics.js';
import { resolveParameters } from './parameters.js';
import { attributeValue, defaultNameOf, namePropertyOf, refValue, type Identity } from './resource-attributes.js';
import { loadStateMachineResource, type LoadedStateMachine } from './state-machines.js';
import { parseTemplateText } from './template-text.js';

export interface SamTemplateOptions {
  readonly region?: string;
  readonly accountId?: string;
  /** `--parameter-overrides`: values for the template's Parameters. */
  readonly parameterOverrides?: Readonly<Record<string, string>>;
  /** `AWS::StackName` (default: the template folder's name). */
  readonly stackName?: string;
  /** Where inline function code is written (default: a folder per template under the OS temp dir). */
  readonly inlineCodeDir?: string;
}

export interface SamFunction {
  readonly logicalId: string;
  readonly config: FunctionConfig;
  /** Its code folder and layer folders: a save in one of them reloads it. */
  readonly folders: readonly string[];
}

export interface SamActivity {
  readonly logicalId: string;
  readonly name: string;
}

/** A resource the template declares (its Condition true), with its local physical name. */
export interface SamResource {
  readonly logicalId: string;
  readonly type: string;
  /** What `Ref` names it by here: the name property when set, else the logical id (attributes.ts). */
  readonly name: string;
}

export interface SamProject {
  readonly templateFile: string;
  /** Every resource included, functions and state machines too: a tool that makes the others elsewhere (an emulator) names them alike. */
  readonly resources: readonly SamResource[];
  readonly functions: readonly SamFunction[];
  readonly stateMachines: readonly LoadedStateMachine[];
  readonly activities: readonly SamActivity[];
  /** One line per resource or event not run locally, naming it and why. */
  readonly skipped: readonly string[];
  /** What was loaded differently from AWS (a runtime run on another, a layer not in the template …). */
  readonly notes: readonly string[];
  /** The template, code folders, layer folders and definition files (dev watches them). */
  readonly files: readonly string[];
}

const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);
const STATE_MACHINE_TYPES = new Set(['AWS::Serverless::StateMachine', 'AWS::StepFunctions::StateMachine']);
const LAYER_TYPES = new Set(['AWS::Serverless::LayerVersion', 'AWS::Lambda::LayerVersion']);

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const FUNCTION_PROPERTIES = [
  'FunctionName',
  'Runtime',
  'Handler',
  'CodeUri',
  'Code',
  'InlineCode',
  'PackageType',
  'Environment',
  'Timeout',
  'MemorySize',
  'ReservedConcurrentExecutions',
  'Layers',
  'Description',
];
const STATE_MACHINE_PROPERTIES = [
  'Name',
  'StateMachineName',
  'Type',
  'StateMachineType',
  'Definition',
  'DefinitionUri',
  'DefinitionS3Location',
  'DefinitionString',
  'DefinitionSubstitutions',
];
/**
 * The properties read, per type; only they are evaluated, so a Policies or Role that names what
 * only a deployment has (the role SAM generates, an imported value) does not stop the template.
 */
const READ_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'AWS::Serverless::Function': FUNCTION_PROPERTIES,
  'AWS::Lambda::Function': FUNCTION_PROPERTIES,
  'AWS::Serverless::StateMachine': STATE_MACHINE_PROPERTIES,
  'AWS::StepFunctions::StateMachine': STATE_MACHINE_PROPERTIES,
  'AWS::Serverless::LayerVersion': ['LayerName', 'ContentUri'],
  'AWS::Lambda::LayerVersion': ['LayerName', 'Content'],
};

/** Resources SAM generates from others: `FnRole` for a function, `ServerlessRestApi` for Api events. */
function implicitResource(logicalId: string, resources: ReadonlyMap<string, Resource>): Resource | undefined {
  const base = resources.get(logicalId.replace(/Role$/, ''));
  if (logicalId.endsWith('Role') && base !== undefined && base.type.startsWith('AWS::Serverless::')) {
    return { logicalId, type: 'AWS::IAM::Role', raw: { Type: 'AWS::IAM::Role' }, at: base.at };
  }
  if (logicalId === 'ServerlessRestApi' || logicalId === 'ServerlessHttpApi')
    return {
      logicalId,
      type: 'AWS::ApiGateway::RestApi',
      raw: { Type: 'AWS::ApiGateway::RestApi' },
      at: ['Resources'],
    };
  return undefined;
}

interface Resource {
  readonly logicalId: string;
  readonly type: string;
  readonly raw: Record<string, unknown>;
  readonly at: TemplatePath;
}

/** Reads and loads a template file; throws SamTemplateError naming the place of what is wrong. */
export function loadSamTemplate(templateFile: string, options: SamTemplateOptions = {}): SamProject {
  const file = path.resolve(templateFile);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new SamTemplateError(`${templateFile}: cannot read the template: ${(e as Error).message}`);
  }
  const shown = shownPath(file);
  const parsed = parseTemplateText(text, shown);
  const root = parsed.value;
  const placeOf = parsed.placeOf;
  if (!isRecord(root)) throw new SamTemplateError(`${shown}: expected a template (a map with Resources)`);
  if (!isRecord(root.Resources))
    throw new SamTemplateError(`${placeOf(['Resources'])}: Resources: a template needs a Resources map`);

  const id: Identity = { region: options.region ?? 'us-east-1', accountId: options.accountId ?? '123456789012' };
  const templateDir = path.dirname(file);
  const stackName = options.stackName ?? (path.basename(templateDir).replace(/[^A-Za-z0-9-]/g, '-') || 'stepwright');
  const parameters = resolveParameters(root.Parameters, options.parameterOverrides ?? {}, shown, placeOf);
  parameters.set('AWS::Region', id.region);
  parameters.set('AWS::AccountId', id.accountId);
  parameters.set('AWS::StackName', stackName);
  parameters.set(
    'AWS::StackId',
    `arn:aws:cloudformation:${id.region}:${id.accountId}:stack/${stackName}/00000000-0000-0000-0000-000000000000`,
  );
  parameters.set('AWS::Partition', 'aws');
  parameters.set('AWS::URLSuffix', 'amazonaws.com');
  parameters.set('AWS::NotificationARNs', []);

  const resources = new Map<string, Resource>();
  for (const [logicalId, raw] of Object.entries(root.Resources)) {
    const at = ['Resources', logicalId];
    if (!isRecord(raw) || typeof raw.Type !== 'string')
      throw new SamTemplateError(`${placeOf(at)}: ${pathText(at)}: a resource needs a Type`);
    resources.set(logicalId, { logicalId, type: raw.Type, raw, at });
  }

  // Physical names resolve lazily: a name may itself be `!Sub "${AWS::StackName}-orders"`.
  const names = new Map<string, string>();
  const naming = new Set<string>();
  const nameOf = (r: Resource): string => {
    const known = names.get(r.logicalId);
    if (known !== undefined) return known;
    const key = namePropertyOf(r.type);
    const props = isRecord(r.raw.Properties) ? r.raw.Properties : {};
    let name = defaultNameOf(r.type, r.logicalId);
    if (key !== undefined && props[key] !== undefined) {
      const at = [...r.at, 'Properties', key];
      if (naming.has(r.logicalId))
        throw new SamTemplateError(`${placeOf(at)}: ${pathText(at)}: the name depends on itself`);
      naming.add(r.logicalId);
      const v = intrinsics.resolve(props[key], at);
      naming.delete(r.logicalId);
      if (typeof v !== 'string')
        throw new SamTemplateError(`${placeOf(at)}: ${pathText(at)}: expected a name, got ${JSON.stringify(v)}`);
      name = v;
    }
    names.set(r.logicalId, name);
    return name;
  };
  const intrinsics: Intrinsics = new Intrinsics({
    parameters,
    refOf: (logicalId) => {
      const r = resources.get(logicalId) ?? implicitResource(logicalId, resources);
      return r === undefined ? undefined : refValue(r.type, nameOf(r), id);
    },
    attributeOf: (logicalId, attribute) => {
      const r = resources.get(logicalId) ?? implicitResource(logicalId, resources);
      return r === undefined ? undefined : attributeValue(r.type, nameOf(r), attribute, id);
    },
    conditions: isRecord(root.Conditions) ? root.Conditions : {},
    mappings: isRecord(root.Mappings) ? root.Mappings : {},
    region: id.region,
    placeOf,
  });
  const globals = isRecord(root.Globals) ? root.Globals : {};
  const propertiesOf = (r: Resource): Record<string, unknown> => {
    const key = globalsKeyOf(r.type);
    const merged = mergeGlobals(key === undefined ? undefined : globals[key], r.raw.Properties ?? {});
    const read = READ_PROPERTIES[r.type];
    const kept =
      isRecord(merged) && read !== undefined
        ? Object.fromEntries(Object.entries(merged).filter(([k]) => read.includes(k)))
        : merged;
    const resolved = intrinsics.resolve(kept, [...r.at, 'Properties']);
    if (!isRecord(resolved))
      throw new SamTemplateError(
        `${placeOf([...r.at, 'Properties'])}: ${pathText([...r.at, 'Properties'])}: expected a map`,
      );
    return resolved;
  };

  const skipped: string[] = [];
  const notes: string[] = [];
  const files = new Set<string>([file]);
  const included: Resource[] = [];
  for (const r of resources.values()) {
    const condition = r.raw.Condition;
    if (typeof condition === 'string' && !intrinsics.condition(condition, [...r.at, 'Condition'])) {
      skipped.push(`skipped ${r.logicalId} (${r.type}): its Condition ${condition} is false`);
      continue;
    }
    included.push(r);
  }

  const layerFolders = new Map<string, string>();
  for (const r of included.filter((x) => LAYER_TYPES.has(x.type))) {
    const props = propertiesOf(r);
    const key = r.type === 'AWS::Serverless::LayerVersion' ? 'ContentUri' : 'Content';
    const uri = props[key];
    const dir = typeof uri === 'string' && !uri.startsWith('s3://') ? path.resolve(templateDir, uri) : undefined;
    if (dir === undefined || !fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      skipped.push(
        `skipped ${r.logicalId} (${r.type}): its ${key} is not a local folder; functions using it run without it`,
      );
      continue;
    }
    layerFolders.set(refValue(r.type, nameOf(r), id), dir);
  }

  const inlineCodeDir =
    options.inlineCodeDir ??
    path.join(os.tmpdir(), `stepwright-sam-${createHash('sha256').update(file).digest('hex').slice(0, 12)}`);
  const functions: SamFunction[] = [];
  const stateMachines: LoadedStateMachine[] = [];
  const activities: SamActivity[] = [];
  for (const r of included) {
    if (FUNCTION_TYPES.has(r.type)) {
      const outcome = loadFunctionResource(
        { logicalId: r.logicalId, type: r.type, name: nameOf(r), properties: propertiesOf(r), at: r.at },
        { templateDir, inlineCodeDir, layerFolders, placeOf },
      );
      if (outcome.kind === 'skipped') {
        skipped.push(`skipped ${r.logicalId} (${r.type}): ${outcome.reason}`);
        if (outcome.missing !== undefined) files.add(outcome.missing); // dev loads it once it is built
        continue;
      }
      functions.push({ logicalId: r.logicalId, config: outcome.config, folders: outcome.watched });
      notes.push(...outcome.notes);
      for (const f of outcome.watched) files.add(f);
      skipped.push(...eventLines(r));
    } else if (STATE_MACHINE_TYPES.has(r.type)) {
      const machine = loadStateMachineResource(
        { logicalId: r.logicalId, type: r.type, name: nameOf(r), properties: propertiesOf(r), at: r.at },
        templateDir,
        placeOf,
      );
      stateMachines.push(machine);
      notes.push(...machine.notes);
      if (machine.file !== undefined) files.add(machine.file);
      skipped.push(...eventLines(r));
    } else if (r.type === 'AWS::StepFunctions::Activity') {
      activities.push({ logicalId: r.logicalId, name: nameOf(r) });
    } else if (!LAYER_TYPES.has(r.type)) {
      skipped.push(`skipped ${r.logicalId} (${r.type}): not run locally`);
    }
  }
  const byName = new Map<string, string>();
  for (const [kind, list] of [
    ['function', functions.map((f) => [f.config.name, f.logicalId])],
    ['state machine', stateMachines.map((m) => [m.name, m.logicalId])],
  ] as const) {
    byName.clear();
    for (const [name, logicalId] of list) {
      const other = byName.get(name);
      if (other !== undefined)
        throw new SamTemplateError(
          `${placeOf(['Resources', logicalId])}: Resources.${logicalId}: ${other} is a ${kind} named ${name} too`,
        );
      byName.set(name, logicalId);
    }
  }
  // A name that does not resolve (an imported value) leaves its resource out: nothing here runs it.
  const named = included.flatMap((r): SamResource[] => {
    try {
      return [{ logicalId: r.logicalId, type: r.type, name: nameOf(r) }];
    } catch {
      return [];
    }
  });
  return { templateFile: file, resources: named, functions, stateMachines, activities, skipped, notes, files: [...files] };
}

/** SAM's Events of a function or state machine: APIs, schedules, rules … none run locally. */
function eventLines(r: Resource): string[] {
  const props = isRecord(r.raw.Properties) ? r.raw.Properties : {};
  if (!isRecord(props.Events)) return [];
  return Object.entries(props.Events).map(([name, e]) => {
    const type = isRecord(e) && typeof e.Type === 'string' ? e.Type : 'event';
    return `skipped ${r.logicalId} event ${name} (${type}): not run locally; start it through the API or the console`;
  });
}
