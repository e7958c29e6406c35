import type { AliasRecord } from '../../store/index.js';
import { awsErrors, str, type SfnBackend } from './backend.js';
import type { Operation } from './operations.js';
import { page } from './paging.js';
import { defined, epochSeconds } from './wire.js';

type Routing = AliasRecord['routingConfiguration'];

export function versionAliasOperations(b: SfnBackend): Record<string, Operation> {
  const s = b.service;
  return awsErrors({
    async PublishStateMachineVersion(input) {
      const r = await s.publishStateMachineVersion({ stateMachineArn: input.stateMachineArn as string, revisionId: str(input.revisionId), description: str(input.description) });
      return { creationDate: epochSeconds(r.creationDate), stateMachineVersionArn: r.stateMachineVersionArn };
    },

    async ListStateMachineVersions(input) {
      const { machineArn, versions } = await s.listStateMachineVersions(input.stateMachineArn as string);
      const p = page(versions, input, `ListStateMachineVersions:${machineArn}`);
      const out: Record<string, unknown> = {
        stateMachineVersions: p.items.map((v) => ({ stateMachineVersionArn: `${machineArn}:${v.version ?? 0}`, creationDate: epochSeconds(v.createdAt) })),
      };
      if (p.nextToken !== undefined) out.nextToken = p.nextToken;
      return out;
    },

    async DeleteStateMachineVersion(input) {
      await s.deleteStateMachineVersion(input.stateMachineVersionArn as string);
      return {};
    },

    async CreateStateMachineAlias(input) {
      const r = await s.createStateMachineAlias({ name: input.name as string, routingConfiguration: input.routingConfiguration as Routing, description: str(input.description) });
      return { stateMachineAliasArn: r.stateMachineAliasArn, creationDate: epochSeconds(r.creationDate) };
    },

    async DescribeStateMachineAlias(input) {
      const a = await s.describeStateMachineAlias(input.stateMachineAliasArn as string);
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
      const { machineArn, aliases } = await s.listStateMachineAliases(input.stateMachineArn as string);
      const p = page(aliases, input, `ListStateMachineAliases:${machineArn}`);
      const out: Record<string, unknown> = { stateMachineAliases: p.items.map((a) => ({ stateMachineAliasArn: a.arn, creationDate: epochSeconds(a.createdAt) })) };
      if (p.nextToken !== undefined) out.nextToken = p.nextToken;
      return out;
    },

    async UpdateStateMachineAlias(input) {
      const r = await s.updateStateMachineAlias({
        stateMachineAliasArn: input.stateMachineAliasArn as string,
        routingConfiguration: input.routingConfiguration as Routing | undefined,
        description: str(input.description),
      });
      return { updateDate: epochSeconds(r.updateDate) };
    },

    async DeleteStateMachineAlias(input) {
      await s.deleteStateMachineAlias(input.stateMachineAliasArn as string);
      return {};
    },
  });
}
