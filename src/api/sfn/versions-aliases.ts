import type { AliasRecord } from '../../store/index.js';
import { parseMachineArn } from './arns.js';
import { awsErrors, str, type SfnBackend } from './backend.js';
import { SfnApiError } from './errors.js';
import { isValidName } from './names.js';
import type { Operation } from './operations.js';
import { page } from './paging.js';
import { machineMissing, machineOf } from './state-machines.js';
import { defined, epochSeconds } from './wire.js';

type Routing = AliasRecord['routingConfiguration'];

const unqualified = (arn: string): string => {
  const ref = parseMachineArn(arn);
  if (ref.version !== undefined || ref.alias !== undefined) throw new SfnApiError('ValidationException', `Invalid Arn: '${arn}' is not an unqualified state machine ARN`);
  return ref.machineArn;
};

export function versionAliasOperations(b: SfnBackend): Record<string, Operation> {
  const store = b.stepwright.store;

  /** AWS: one or two versions of this machine, weights adding up to 100. */
  async function checkRouting(machineArn: string, routing: Routing): Promise<void> {
    const total = routing.reduce((n, r) => n + r.weight, 0);
    if (total !== 100) throw new SfnApiError('ValidationException', 'Sum of routing configuration weights must equal 100');
    if (new Set(routing.map((r) => r.stateMachineVersionArn)).size !== routing.length) throw new SfnApiError('ValidationException', 'Routing configuration must contain distinct state machine versions');
    const versions = await store.listStateMachineVersions(machineArn);
    for (const r of routing) {
      const ref = parseMachineArn(r.stateMachineVersionArn);
      if (ref.machineArn !== machineArn || ref.version === undefined) throw new SfnApiError('ValidationException', `Routing configuration must contain versions of ${machineArn}`);
      if (!versions.some((v) => v.version === ref.version)) throw new SfnApiError('ResourceNotFound', `Resource not found: '${r.stateMachineVersionArn}'`);
    }
  }

  async function aliasOf(arn: string): Promise<AliasRecord> {
    const ref = parseMachineArn(arn);
    const a = ref.alias === undefined ? undefined : await store.getAlias(arn);
    if (a === undefined) throw new SfnApiError('ResourceNotFound', `Resource not found: '${arn}'`);
    return a;
  }

  return awsErrors({
    async PublishStateMachineVersion(input) {
      const arn = unqualified(input.stateMachineArn as string);
      const machine = await machineOf(b, arn);
      const revisionId = str(input.revisionId);
      if (revisionId !== undefined && revisionId !== String(machine.revision)) {
        throw new SfnApiError('ConflictException', `Failed to publish the State Machine version for revision ${revisionId}. The current State Machine revision is ${machine.revision}.`);
      }
      await store.updateStateMachine(arn, { publish: true, versionDescription: str(input.description) }, b.now());
      const current = await store.getStateMachineRevision(arn, machine.revision);
      if (current?.version === undefined) throw machineMissing(arn);
      return { creationDate: epochSeconds(current.createdAt), stateMachineVersionArn: `${arn}:${current.version}` };
    },

    async ListStateMachineVersions(input) {
      const arn = unqualified(input.stateMachineArn as string);
      await machineOf(b, arn);
      const p = page(await store.listStateMachineVersions(arn), input, `ListStateMachineVersions:${arn}`);
      const out: Record<string, unknown> = {
        stateMachineVersions: p.items.map((v) => ({ stateMachineVersionArn: `${arn}:${v.version ?? 0}`, creationDate: epochSeconds(v.createdAt) })),
      };
      if (p.nextToken !== undefined) out.nextToken = p.nextToken;
      return out;
    },

    async DeleteStateMachineVersion(input) {
      const arn = input.stateMachineVersionArn as string;
      const ref = parseMachineArn(arn);
      if (ref.version === undefined) throw new SfnApiError('ValidationException', `Invalid Arn: '${arn}' is not a state machine version ARN`);
      // AWS refuses to delete a version an alias routes to.
      for (const a of await store.listAliases(ref.machineArn)) {
        if (a.routingConfiguration.some((r) => r.stateMachineVersionArn === arn)) {
          throw new SfnApiError('ConflictException', `Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [${a.arn}]`);
        }
      }
      // Deleting a version that does not exist succeeds, as on AWS.
      await store.unpublishStateMachineVersion(ref.machineArn, ref.version);
      return {};
    },

    async CreateStateMachineAlias(input) {
      const name = input.name as string;
      // Alias names may not be numbers (those are versions).
      if (!isValidName(name) || /^\d+$/.test(name)) throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
      const routing = input.routingConfiguration as Routing;
      const machineArn = unqualified(parseMachineArn(routing[0].stateMachineVersionArn).machineArn);
      await machineOf(b, machineArn);
      await checkRouting(machineArn, routing);
      const arn = `${machineArn}:${name}`;
      const existing = await store.getAlias(arn);
      if (existing !== undefined) {
        if (JSON.stringify(existing.routingConfiguration) === JSON.stringify(routing) && existing.description === str(input.description)) {
          return { stateMachineAliasArn: arn, creationDate: epochSeconds(existing.createdAt) };
        }
        throw new SfnApiError('ConflictException', `Failed to create alias because an alias with the same name and a different routing configuration already exists.`);
      }
      const now = b.now();
      const description = str(input.description);
      await store.putAlias({ arn, stateMachineArn: machineArn, name, routingConfiguration: routing, createdAt: now, updatedAt: now, ...(description !== undefined ? { description } : {}) });
      return { stateMachineAliasArn: arn, creationDate: epochSeconds(now) };
    },

    async DescribeStateMachineAlias(input) {
      const a = await aliasOf(input.stateMachineAliasArn as string);
      return defined({
        stateMachineAliasArn: a.arn,
        name: a.name,
        description: a.description,
        routingConfiguration: a.routingConfiguration,
        creationDate: epochSeconds(a.createdAt),
        updateDate: epochSeconds(a.updatedAt),
      });
    },

    async ListStateMachineAliases(input) {
      const arn = unqualified(input.stateMachineArn as string);
      await machineOf(b, arn);
      const p = page(await store.listAliases(arn), input, `ListStateMachineAliases:${arn}`);
      const out: Record<string, unknown> = { stateMachineAliases: p.items.map((a) => ({ stateMachineAliasArn: a.arn, creationDate: epochSeconds(a.createdAt) })) };
      if (p.nextToken !== undefined) out.nextToken = p.nextToken;
      return out;
    },

    async UpdateStateMachineAlias(input) {
      const a = await aliasOf(input.stateMachineAliasArn as string);
      if (input.description === undefined && input.routingConfiguration === undefined) {
        throw new SfnApiError('MissingRequiredParameter', 'Either the description or the RoutingConfiguration must be specified');
      }
      const routing = (input.routingConfiguration as Routing | undefined) ?? a.routingConfiguration;
      await checkRouting(a.stateMachineArn, routing);
      const now = b.now();
      const description = str(input.description) ?? a.description;
      await store.putAlias({ ...a, routingConfiguration: routing, updatedAt: now, ...(description !== undefined ? { description } : {}) });
      return { updateDate: epochSeconds(now) };
    },

    async DeleteStateMachineAlias(input) {
      const arn = input.stateMachineAliasArn as string;
      const ref = parseMachineArn(arn);
      if (ref.alias === undefined) throw new SfnApiError('ValidationException', `Invalid Arn: '${arn}' is not an alias ARN`);
      if (!(await store.deleteAlias(arn))) throw new SfnApiError('ResourceNotFound', `Resource not found: '${arn}'`);
      return {};
    },
  });
}
