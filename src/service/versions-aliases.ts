import type { AliasRecord, StateMachineRevision } from '../store/index.js';
import { parseMachineArn } from './arns.js';
import type { ServiceDeps } from './context.js';
import { machineMissing, resourceMissing, ServiceError, validation } from './errors.js';
import type { Machines } from './machines.js';
import { isValidName } from './names.js';

type Routing = AliasRecord['routingConfiguration'];

const conflict = (message: string): ServiceError => new ServiceError('ConflictException', message);

/** The machine ARN, refused (ValidationException) when it names a version or an alias. */
const unqualified = (arn: string): string => {
  const ref = parseMachineArn(arn);
  if (ref.version !== undefined || ref.alias !== undefined) throw validation(`Invalid Arn: '${arn}' is not an unqualified state machine ARN`);
  return ref.machineArn;
};

export function createVersionsAliases(d: ServiceDeps, machines: Machines) {
  const { store } = d;

  /** AWS: one or two versions of this machine, weights adding up to 100. */
  async function checkRouting(machineArn: string, routing: Routing): Promise<void> {
    const total = routing.reduce((n, r) => n + r.weight, 0);
    if (total !== 100) throw validation('Sum of routing configuration weights must equal 100');
    if (new Set(routing.map((r) => r.stateMachineVersionArn)).size !== routing.length) throw validation('Routing configuration must contain distinct state machine versions');
    const versions = await store.listStateMachineVersions(machineArn);
    for (const r of routing) {
      const ref = parseMachineArn(r.stateMachineVersionArn);
      if (ref.machineArn !== machineArn || ref.version === undefined) throw validation(`Routing configuration must contain versions of ${machineArn}`);
      if (!versions.some((v) => v.version === ref.version)) throw resourceMissing(r.stateMachineVersionArn);
    }
  }

  async function aliasOf(arn: string): Promise<AliasRecord> {
    const ref = parseMachineArn(arn);
    const a = ref.alias === undefined ? undefined : await store.getAlias(arn);
    if (a === undefined) throw resourceMissing(arn);
    return a;
  }

  return {
    async publishStateMachineVersion(input: { stateMachineArn: string; revisionId?: string; description?: string }): Promise<{ creationDate: Date; stateMachineVersionArn: string }> {
      const arn = unqualified(input.stateMachineArn);
      const machine = await machines.machineOf(arn);
      if (input.revisionId !== undefined && input.revisionId !== String(machine.revision)) {
        throw conflict(`Failed to publish the State Machine version for revision ${input.revisionId}. The current State Machine revision is ${machine.revision}.`);
      }
      await store.updateStateMachine(arn, { publish: true, versionDescription: input.description }, d.clock.now());
      machines.forget(arn);
      const current = await store.getStateMachineRevision(arn, machine.revision);
      if (current?.version === undefined) throw machineMissing(arn);
      return { creationDate: new Date(current.createdAt), stateMachineVersionArn: `${arn}:${current.version}` };
    },

    /** The machine's versions, newest first, with the unqualified machine ARN. */
    async listStateMachineVersions(stateMachineArn: string): Promise<{ machineArn: string; versions: StateMachineRevision[] }> {
      const arn = unqualified(stateMachineArn);
      await machines.machineOf(arn);
      return { machineArn: arn, versions: await store.listStateMachineVersions(arn) };
    },

    async deleteStateMachineVersion(arn: string): Promise<void> {
      const ref = parseMachineArn(arn);
      if (ref.version === undefined) throw validation(`Invalid Arn: '${arn}' is not a state machine version ARN`);
      // AWS refuses to delete a version an alias routes to.
      for (const a of await store.listAliases(ref.machineArn)) {
        if (a.routingConfiguration.some((r) => r.stateMachineVersionArn === arn)) {
          throw conflict(`Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${a.arn}]`);
        }
      }
      // Deleting a version that does not exist succeeds, as on AWS.
      await store.unpublishStateMachineVersion(ref.machineArn, ref.version);
    },

    async createStateMachineAlias(input: { name: string; routingConfiguration: Routing; description?: string }): Promise<{ stateMachineAliasArn: string; creationDate: Date }> {
      const { name, routingConfiguration: routing, description } = input;
      // Alias names may not be numbers (those are versions).
      if (!isValidName(name) || /^\d+$/.test(name)) throw new ServiceError('InvalidName', `Invalid Name: '${name}'`);
      const machineArn = unqualified(parseMachineArn(routing[0].stateMachineVersionArn).machineArn);
      await machines.machineOf(machineArn);
      await checkRouting(machineArn, routing);
      const arn = `${machineArn}:${name}`;
      const existing = await store.getAlias(arn);
      if (existing !== undefined) {
        if (JSON.stringify(existing.routingConfiguration) === JSON.stringify(routing) && existing.description === description) {
          return { stateMachineAliasArn: arn, creationDate: new Date(existing.createdAt) };
        }
        throw conflict(`Failed to create alias because an alias with the same name and a different routing configuration already exists.`);
      }
      const now = d.clock.now();
      await store.putAlias({ arn, stateMachineArn: machineArn, name, routingConfiguration: routing, createdAt: now, updatedAt: now, ...(description !== undefined ? { description } : {}) });
      return { stateMachineAliasArn: arn, creationDate: new Date(now) };
    },

    describeStateMachineAlias: aliasOf,

    async listStateMachineAliases(stateMachineArn: string): Promise<{ machineArn: string; aliases: AliasRecord[] }> {
      const arn = unqualified(stateMachineArn);
      await machines.machineOf(arn);
      return { machineArn: arn, aliases: await store.listAliases(arn) };
    },

    async updateStateMachineAlias(input: { stateMachineAliasArn: string; routingConfiguration?: Routing; description?: string }): Promise<{ updateDate: Date }> {
      const a = await aliasOf(input.stateMachineAliasArn);
      if (input.description === undefined && input.routingConfiguration === undefined) {
        throw new ServiceError('MissingRequiredParameter', 'Either the description or the RoutingConfiguration must be specified');
      }
      const routing = input.routingConfiguration ?? a.routingConfiguration;
      await checkRouting(a.stateMachineArn, routing);
      const now = d.clock.now();
      const description = input.description ?? a.description;
      await store.putAlias({ ...a, routingConfiguration: routing, updatedAt: now, ...(description !== undefined ? { description } : {}) });
      return { updateDate: new Date(now) };
    },

    async deleteStateMachineAlias(arn: string): Promise<void> {
      const ref = parseMachineArn(arn);
      if (ref.alias === undefined) throw validation(`Invalid Arn: '${arn}' is not an alias ARN`);
      if (!(await store.deleteAlias(arn))) throw resourceMissing(arn);
    },
  };
}
