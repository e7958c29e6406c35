import { awsErrors, str, type SfnBackend } from './backend.js';
import type { Operation } from './operations.js';
import { page } from './paging.js';
import { defined, epochSeconds } from './wire.js';

const LOGGING_OFF = { level: 'OFF', includeExecutionData: false };
const TRACING_OFF = { enabled: false };

export function stateMachineOperations(b: SfnBackend): Record<string, Operation> {
  const s = b.service;
  return awsErrors({
    async CreateStateMachine(input) {
      const created = await s.createStateMachine({
        name: input.name as string,
        definition: input.definition as string,
        type: input.type === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
        roleArn: input.roleArn as string,
        tags: Array.isArray(input.tags) ? (input.tags as { key: string; value?: string }[]) : [],
        publish: input.publish === true,
        versionDescription: str(input.versionDescription),
      });
      const out: Record<string, unknown> = { stateMachineArn: created.stateMachineArn, creationDate: epochSeconds(created.creationDate) };
      if (created.stateMachineVersionArn !== undefined) out.stateMachineVersionArn = created.stateMachineVersionArn;
      return out;
    },

    async DescribeStateMachine(input) {
      const m = await s.describeStateMachine(input.stateMachineArn as string);
      const out: Record<string, unknown> = {
        stateMachineArn: m.stateMachineArn,
        name: m.name,
        status: 'ACTIVE',
        definition: m.definition,
        roleArn: m.roleArn,
        type: m.type,
        creationDate: epochSeconds(m.creationDate),
        loggingConfiguration: LOGGING_OFF,
        tracingConfiguration: TRACING_OFF,
        revisionId: m.revisionId,
      };
      if (m.description !== undefined) out.description = m.description;
      return out;
    },

    async UpdateStateMachine(input) {
      const updated = await s.updateStateMachine({
        stateMachineArn: input.stateMachineArn as string,
        definition: str(input.definition),
        roleArn: str(input.roleArn),
        publish: input.publish === true,
        versionDescription: input.versionDescription === undefined ? undefined : str(input.versionDescription),
        otherSettings: input.loggingConfiguration !== undefined || input.tracingConfiguration !== undefined,
      });
      const out: Record<string, unknown> = { updateDate: epochSeconds(updated.updateDate), revisionId: updated.revisionId };
      if (input.publish === true) out.stateMachineVersionArn = updated.stateMachineVersionArn;
      return out;
    },

    async DeleteStateMachine(input) {
      await s.deleteStateMachine(input.stateMachineArn as string);
      return {};
    },

    async ListStateMachines(input) {
      const p = page(await s.listStateMachines(), input, 'ListStateMachines');
      const out: Record<string, unknown> = {
        stateMachines: p.items.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: epochSeconds(m.createdAt) })),
      };
      if (p.nextToken !== undefined) out.nextToken = p.nextToken;
      return out;
    },

    async DescribeStateMachineForExecution(input) {
      const m = await s.describeStateMachineForExecution(input.executionArn as string);
      return defined({
        stateMachineArn: m.stateMachineArn,
        name: m.name,
        definition: m.definition,
        roleArn: m.roleArn,
        updateDate: epochSeconds(m.updateDate),
        loggingConfiguration: LOGGING_OFF,
        tracingConfiguration: TRACING_OFF,
        revisionId: m.revisionId,
        mapRunArn: m.mapRunArn,
        label: m.label,
      });
    },
  });
}
