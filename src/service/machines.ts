import { prepareMachine, type CompiledMachine } from '../engine/index.js';
import { formatInvalidDefinitionMessage, loadDefinition } from '../language/validate/index.js';
import type { MachineType, StateMachineRecord, StateMachineRevision } from '../store/index.js';
import { parseArn, parseMachineArn, stateMachineArnOf, type MachineRef } from './arns.js';
import { defaultRoleArn, type ServiceDeps } from './context.js';
import { executionMissing, machineMissing, ServiceError, validation } from './errors.js';
import { checkName } from './names.js';

/** One revision of a machine, validated and compiled once: Express runs and start snapshots reuse it. */
export interface PreparedRevision {
  /** The parsed definition (the engine's in-memory runner recognises it as already compiled). */
  readonly definition: object;
  readonly machine: CompiledMachine;
  readonly roleArn: string;
}

export interface NewMachineInput {
  readonly name: string;
  /** JSON text, or the parsed definition. */
  readonly definition: string | object;
  readonly roleArn?: string;
  readonly type?: MachineType;
  readonly tags?: readonly { readonly key: string; readonly value?: string }[];
  readonly publish?: boolean;
  readonly versionDescription?: string;
}

export interface MachineUpdateInput {
  readonly stateMachineArn: string;
  readonly definition?: string | object;
  readonly roleArn?: string;
  readonly publish?: boolean;
  readonly versionDescription?: string;
  /** A logging or tracing configuration was given (accepted, not recorded). */
  readonly otherSettings?: boolean;
}

export interface MachineDescription {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: MachineType;
  readonly definition: string;
  readonly roleArn: string;
  readonly creationDate: Date;
  readonly revisionId: string;
  readonly description?: string;
}

export interface MachineForExecution {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly definition: string;
  readonly roleArn: string;
  readonly updateDate: Date;
  readonly revisionId: string;
  /** For a Map Run's child execution: the run, and the Map's label (the definition is its parent's). */
  readonly mapRunArn?: string;
  readonly label?: string;
}

/** Machines are read on every start: keep them a moment (another server may update a shared store). */
const MACHINE_CACHE_MS = 1000;
const PREPARED_LIMIT = 1000;

const definitionText = (definition: string | object): string => (typeof definition === 'string' ? definition : JSON.stringify(definition));

/** The definition AWS would accept, parsed, or InvalidDefinition with AWS's message. */
export function validDefinition(text: string, type: MachineType): object {
  const r = loadDefinition(text, { type });
  if ('diagnostics' in r) throw new ServiceError('InvalidDefinition', formatInvalidDefinitionMessage(r.diagnostics, text));
  return r.definition as object;
}

export type Machines = ReturnType<typeof createMachines>;

export function createMachines(d: ServiceDeps) {
  const { store } = d;
  const records = new Map<string, { record: StateMachineRecord; until: number }>();
  const prepared = new Map<string, PreparedRevision>();
  const reading = new Map<string, Promise<StateMachineRecord | undefined>>();

  const keep = (arn: string, revision: number, p: PreparedRevision): PreparedRevision => {
    if (prepared.size >= PREPARED_LIMIT) prepared.delete(prepared.keys().next().value as string);
    prepared.set(`${arn}#${revision}`, p);
    return p;
  };
  const forget = (arn: string): void => {
    records.delete(arn);
    reading.delete(arn);
    for (const key of prepared.keys()) if (key.startsWith(`${arn}#`)) prepared.delete(key);
  };

  /** The machine record (kept a moment: a start reads it each time). */
  async function machineOf(arn: string): Promise<StateMachineRecord> {
    const hit = records.get(arn);
    const now = Date.now();
    if (hit !== undefined && hit.until > now) return hit.record;
    // One read for a burst: every start that misses while it is under way shares it.
    let read = reading.get(arn);
    if (read === undefined) {
      read = store.getStateMachine(arn).finally(() => reading.delete(arn));
      reading.set(arn, read);
    }
    const m = await read;
    if (m === undefined) throw machineMissing(arn);
    records.set(arn, { record: m, until: now + MACHINE_CACHE_MS });
    return m;
  }

  /**
   * An unqualified machine ARN's record and compiled latest revision when both are cached: what a
   * start needs, without a promise (a hit also means the ARN was a valid machine ARN).
   */
  function cachedLatest(arn: string): { readonly machine: StateMachineRecord; readonly prepared: PreparedRevision } | undefined {
    const hit = records.get(arn);
    if (hit === undefined || hit.until <= Date.now()) return undefined;
    const p = prepared.get(`${arn}#${hit.record.revision}`);
    return p === undefined ? undefined : { machine: hit.record, prepared: p };
  }

  /** The validated, compiled revision (from the store the first time). */
  async function preparedOf(arn: string, revision: number | StateMachineRevision): Promise<PreparedRevision> {
    const n = typeof revision === 'number' ? revision : revision.revision;
    const hit = prepared.get(`${arn}#${n}`);
    if (hit !== undefined) return hit;
    const r = typeof revision === 'number' ? await store.getStateMachineRevision(arn, revision) : revision;
    if (r === undefined) throw machineMissing(arn);
    const definition = JSON.parse(r.definition) as object;
    return keep(arn, n, { definition, machine: prepareMachine(definition), roleArn: r.roleArn });
  }

  /** The revision a (possibly version-qualified) machine ARN names. */
  async function revisionOf(ref: MachineRef, arn: string): Promise<{ machine: StateMachineRecord; revision: StateMachineRevision }> {
    const machine = await machineOf(ref.machineArn);
    if (ref.version !== undefined) {
      const v = (await store.listStateMachineVersions(ref.machineArn)).find((r) => r.version === ref.version);
      if (v === undefined) throw machineMissing(arn);
      return { machine, revision: v };
    }
    const revision = await store.getStateMachineRevision(machine.arn, machine.revision);
    if (revision === undefined) throw machineMissing(arn);
    return { machine, revision };
  }

  /** The version ARN of the newest published version. */
  async function latestVersionArn(machineArn: string): Promise<string | undefined> {
    const [latest] = await store.listStateMachineVersions(machineArn);
    return latest?.version === undefined ? undefined : `${machineArn}:${latest.version}`;
  }

  return {
    machineOf,
    cachedLatest,
    preparedOf,
    revisionOf,
    latestVersionArn,
    /** A write elsewhere in the service changed the machine. */
    forget,

    async createStateMachine(input: NewMachineInput): Promise<{ stateMachineArn: string; creationDate: Date; stateMachineVersionArn?: string }> {
      const name = checkName(input.name);
      const type = input.type ?? 'STANDARD';
      const definition = definitionText(input.definition);
      const parsed = validDefinition(definition, type);
      const arn = stateMachineArnOf(d, name);
      const roleArn = input.roleArn ?? defaultRoleArn(d.accountId);
      const existing = await store.getStateMachine(arn);
      if (existing !== undefined) {
        // AWS: the same request again is answered as the first; a different machine is a conflict.
        if (existing.definition === definition && existing.type === type && existing.roleArn === roleArn) {
          return { stateMachineArn: arn, creationDate: new Date(existing.createdAt) };
        }
        throw new ServiceError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`, arn);
      }
      // A machine of this name was deleted: its old revisions go (else revision 1 would clash).
      if ((await store.getStateMachineRevision(arn, 1)) !== undefined) await store.deleteStateMachineRevisions(arn);
      forget(arn);
      const now = d.clock.now();
      const created = await store.createStateMachine({ arn, name, type, definition, roleArn, createdAt: now });
      keep(arn, created.revision, { definition: parsed, machine: prepareMachine(parsed), roleArn });
      const tags = input.tags ?? [];
      if (tags.length > 0) await store.tagResource(arn, tags.map((t) => ({ key: t.key, value: t.value ?? '' })));
      if (input.publish !== true) return { stateMachineArn: arn, creationDate: new Date(now) };
      await store.updateStateMachine(arn, { publish: true, versionDescription: input.versionDescription }, d.clock.now());
      forget(arn);
      const stateMachineVersionArn = await latestVersionArn(arn);
      return { stateMachineArn: arn, creationDate: new Date(now), ...(stateMachineVersionArn !== undefined ? { stateMachineVersionArn } : {}) };
    },

    async updateStateMachine(input: MachineUpdateInput): Promise<{ updateDate: Date; revisionId: string; stateMachineVersionArn?: string }> {
      const arn = input.stateMachineArn;
      const ref = parseMachineArn(arn);
      if (ref.version !== undefined || ref.alias !== undefined) throw new ServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: qualified stateMachine'`);
      if (input.definition === undefined && input.roleArn === undefined && input.otherSettings !== true) {
        throw new ServiceError('MissingRequiredParameter', 'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified');
      }
      if (input.versionDescription !== undefined && input.publish !== true) throw validation('Version description can only be set when publish is true');
      const machine = await machineOf(arn);
      const definition = input.definition === undefined ? undefined : definitionText(input.definition);
      const parsed = definition === undefined ? undefined : validDefinition(definition, machine.type);
      const updated = await store.updateStateMachine(arn, { definition, roleArn: input.roleArn, publish: input.publish === true, versionDescription: input.versionDescription }, d.clock.now());
      forget(arn);
      if (parsed !== undefined) keep(arn, updated.revision, { definition: parsed, machine: prepareMachine(parsed), roleArn: updated.roleArn });
      const out = { updateDate: new Date(updated.updatedAt), revisionId: String(updated.revision) };
      if (input.publish !== true) return out;
      const stateMachineVersionArn = await latestVersionArn(arn);
      return stateMachineVersionArn === undefined ? out : { ...out, stateMachineVersionArn };
    },

    async describeStateMachine(arn: string): Promise<MachineDescription> {
      const ref = parseMachineArn(arn);
      if (ref.alias !== undefined) throw new ServiceError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: stateMachine alias'`);
      const { machine, revision } = await revisionOf(ref, arn);
      return {
        stateMachineArn: arn,
        name: machine.name,
        type: machine.type,
        definition: revision.definition,
        roleArn: revision.roleArn,
        creationDate: new Date(ref.version === undefined ? machine.createdAt : revision.createdAt),
        revisionId: String(revision.revision),
        ...(revision.description !== undefined ? { description: revision.description } : {}),
      };
    },

    async deleteStateMachine(arn: string): Promise<void> {
      const ref = parseMachineArn(arn);
      if (ref.version !== undefined || ref.alias !== undefined) throw validation('Use DeleteStateMachineVersion or DeleteStateMachineAlias to delete a version or an alias');
      // AWS answers success for a machine that is already gone; running executions may finish.
      if (await store.deleteStateMachine(arn)) {
        for (const a of await store.listAliases(arn)) await store.deleteAlias(a.arn);
        await store.untagResource(arn, (await store.listTags(arn)).map((t) => t.key));
      }
      forget(arn);
    },

    listStateMachines(): Promise<StateMachineRecord[]> {
      return store.listStateMachines();
    },

    async describeStateMachineForExecution(executionArn: string): Promise<MachineForExecution> {
      parseArn(executionArn, ['execution', 'express']);
      const e = await store.getExecution(executionArn);
      if (e === undefined) throw executionMissing(executionArn);
      // A child execution's machine is `MACHINE/LABEL`: its definition is the parent machine's revision.
      const slash = e.mapRunArn === undefined ? -1 : e.stateMachineArn.indexOf('/', e.stateMachineArn.indexOf(':stateMachine:'));
      const machineArn = slash < 0 ? e.stateMachineArn : e.stateMachineArn.slice(0, slash);
      const revision = await store.getStateMachineRevision(machineArn, e.revision);
      if (revision === undefined) throw machineMissing(e.stateMachineArn);
      return {
        stateMachineArn: e.stateMachineArn,
        name: e.stateMachineArn.split(':')[6],
        definition: revision.definition,
        roleArn: revision.roleArn,
        updateDate: new Date(revision.createdAt),
        revisionId: String(revision.revision),
        ...(e.mapRunArn !== undefined && slash >= 0 ? { mapRunArn: e.mapRunArn, label: e.stateMachineArn.slice(slash + 1) } : {}),
      };
    },
  };
}
