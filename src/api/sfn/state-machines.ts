import { formatInvalidDefinitionMessage, validateDefinition } from '../../language/validate/index.js';
import type { StateMachineRecord, StateMachineRevision } from '../../store/index.js';
import { parseArn, parseMachineArn, stateMachineArnOf, type MachineRef } from './arns.js';
import { awsErrors, str, type SfnBackend } from './backend.js';
import { SfnApiError } from './errors.js';
import { isValidName } from './names.js';
import type { Operation } from './operations.js';
import { page } from './paging.js';
import { epochSeconds } from './wire.js';

const LOGGING_OFF = { level: 'OFF', includeExecutionData: false };
const TRACING_OFF = { enabled: false };

export const machineMissing = (arn: string): SfnApiError => new SfnApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);

/** The definition text AWS would accept, or InvalidDefinition with AWS's message. */
export function checkDefinition(definition: string, type: 'STANDARD' | 'EXPRESS'): void {
  const errors = validateDefinition(definition, { type }).filter((d) => d.severity === 'ERROR');
  if (errors.length > 0) throw new SfnApiError('InvalidDefinition', formatInvalidDefinitionMessage(errors, definition));
}

export async function machineOf(b: SfnBackend, arn: string): Promise<StateMachineRecord> {
  const m = await b.stepwright.store.getStateMachine(arn);
  if (m === undefined) throw machineMissing(arn);
  return m;
}

/** The revision a (possibly version-qualified) machine ARN names. */
export async function revisionOf(b: SfnBackend, ref: MachineRef, arn: string): Promise<{ machine: StateMachineRecord; revision: StateMachineRevision }> {
  const machine = await machineOf(b, ref.machineArn);
  if (ref.version !== undefined) {
    const v = (await b.stepwright.store.listStateMachineVersions(ref.machineArn)).find((r) => r.version === ref.version);
    if (v === undefined) throw machineMissing(arn);
    return { machine, revision: v };
  }
  const revision = await b.stepwright.store.getStateMachineRevision(machine.arn, machine.revision);
  if (revision === undefined) throw machineMissing(arn);
  return { machine, revision };
}

/** The version ARN of the newest published version. */
async function latestVersionArn(b: SfnBackend, machineArn: string): Promise<string | undefined> {
  const [latest] = await b.stepwright.store.listStateMachineVersions(machineArn);
  return latest?.version === undefined ? undefined : `${machineArn}:${latest.version}`;
}

export function stateMachineOperations(b: SfnBackend): Record<string, Operation> {
  const store = b.stepwright.store;
  return awsErrors({
    async CreateStateMachine(input) {
      const name = input.name as string;
      const definition = input.definition as string;
      const type = input.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
      if (!isValidName(name)) throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
      checkDefinition(definition, type);
      const arn = stateMachineArnOf(b, name);
      const roleArn = input.roleArn as string;
      const existing = await store.getStateMachine(arn);
      if (existing !== undefined) {
        // AWS: the same request again is answered as the first; a different machine is a conflict.
        if (existing.definition === definition && existing.type === type && existing.roleArn === roleArn) {
          return { stateMachineArn: arn, creationDate: epochSeconds(existing.createdAt) };
        }
        throw new SfnApiError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
      }
      // A machine of this name was deleted: its old revisions go (else revision 1 would clash).
      if ((await store.getStateMachineRevision(arn, 1)) !== undefined) await store.deleteStateMachineRevisions(arn);
      const created = await b.stepwright.createStateMachine({ name, definition, roleArn, type });
      const tags = Array.isArray(input.tags) ? (input.tags as { key: string; value?: string }[]) : [];
      if (tags.length > 0) await store.tagResource(arn, tags.map((t) => ({ key: t.key, value: t.value ?? '' })));
      const out: Record<string, unknown> = { stateMachineArn: arn, creationDate: epochSeconds(created.creationDate) };
      if (input.publish === true) {
        await store.updateStateMachine(arn, { publish: true, versionDescription: str(input.versionDescription) }, b.now());
        out.stateMachineVersionArn = await latestVersionArn(b, arn);
      }
      return out;
    },

    async DescribeStateMachine(input) {
      const arn = input.stateMachineArn as string;
      const ref = parseMachineArn(arn);
      if (ref.alias !== undefined) throw new SfnApiError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: stateMachine alias'`);
      const { machine, revision } = await revisionOf(b, ref, arn);
      const out: Record<string, unknown> = {
        stateMachineArn: arn,
        name: machine.name,
        status: 'ACTIVE',
        definition: revision.definition,
        roleArn: revision.roleArn,
        type: machine.type,
        creationDate: epochSeconds(ref.version === undefined ? machine.createdAt : revision.createdAt),
        loggingConfiguration: LOGGING_OFF,
        tracingConfiguration: TRACING_OFF,
        revisionId: String(revision.revision),
      };
      if (revision.description !== undefined) out.description = revision.description;
      return out;
    },

    async UpdateStateMachine(input) {
      const arn = input.stateMachineArn as string;
      const ref = parseMachineArn(arn);
      if (ref.version !== undefined || ref.alias !== undefined) throw new SfnApiError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: qualified stateMachine'`);
      const definition = str(input.definition);
      const roleArn = str(input.roleArn);
      if (definition === undefined && roleArn === undefined && input.loggingConfiguration === undefined && input.tracingConfiguration === undefined) {
        throw new SfnApiError('MissingRequiredParameter', 'Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration must be specified');
      }
      if (input.versionDescription !== undefined && input.publish !== true) {
        throw new SfnApiError('ValidationException', 'Version description can only be set when publish is true');
      }
      const machine = await machineOf(b, arn);
      if (definition !== undefined) checkDefinition(definition, machine.type);
      const now = b.now();
      const updated = await store.updateStateMachine(arn, { definition, roleArn, publish: input.publish === true, versionDescription: str(input.versionDescription) }, now);
      const out: Record<string, unknown> = { updateDate: epochSeconds(updated.updatedAt), revisionId: String(updated.revision) };
      if (input.publish === true) out.stateMachineVersionArn = await latestVersionArn(b, arn);
      return out;
    },

    async DeleteStateMachine(input) {
      const arn = input.stateMachineArn as string;
      const ref = parseMachineArn(arn);
      if (ref.version !== undefined || ref.alias !== undefined) throw new SfnApiError('ValidationException', 'Use DeleteStateMachineVersion or DeleteStateMachineAlias to delete a version or an alias');
      // AWS answers success for a machine that is already gone; running executions may finish.
      if (await store.deleteStateMachine(arn)) {
        for (const a of await store.listAliases(arn)) await store.deleteAlias(a.arn);
        await store.untagResource(arn, (await store.listTags(arn)).map((t) => t.key));
      }
      return {};
    },

    async ListStateMachines(input) {
      const machines = await store.listStateMachines();
      const p = page(machines, input, 'ListStateMachines');
      const out: Record<string, unknown> = {
        stateMachines: p.items.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: epochSeconds(m.createdAt) })),
      };
      if (p.nextToken !== undefined) out.nextToken = p.nextToken;
      return out;
    },

    async DescribeStateMachineForExecution(input) {
      const arn = input.executionArn as string;
      parseArn(arn, ['execution', 'express']);
      const e = await store.getExecution(arn);
      if (e === undefined) throw new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
      const revision = await store.getStateMachineRevision(e.stateMachineArn, e.revision);
      if (revision === undefined) throw machineMissing(e.stateMachineArn);
      return {
        stateMachineArn: e.stateMachineArn,
        name: e.stateMachineArn.split(':')[6],
        definition: revision.definition,
        roleArn: revision.roleArn,
        updateDate: epochSeconds(revision.createdAt),
        loggingConfiguration: LOGGING_OFF,
        tracingConfiguration: TRACING_OFF,
        revisionId: String(revision.revision),
      };
    },
  });
}
