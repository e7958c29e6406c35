import { executionMissing, parseArn, type DescribeExecutionOutput } from '../../service/index.js';
import type { ExecutionRecord } from '../../store/index.js';
import { awsErrors, str, type SfnBackend } from './backend.js';
import { SfnApiError } from './errors.js';
import type { Operation } from './operations.js';
import { decodePositionToken, encodePositionToken, pageSize } from './paging.js';
import { defined, epochSeconds } from './wire.js';

/** What DescribeExecution and ListExecutions both say of an execution first. */
function executionSummary(e: ExecutionRecord): Record<string, unknown> {
  return {
    executionArn: e.arn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: epochSeconds(e.startDate),
    stopDate: e.stopDate === undefined ? undefined : epochSeconds(e.stopDate),
  };
}

function describeOutput(e: DescribeExecutionOutput): Record<string, unknown> {
  return defined({
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: epochSeconds(e.startDate),
    stopDate: e.stopDate === undefined ? undefined : epochSeconds(e.stopDate),
    input: e.input,
    inputDetails: { included: true },
    output: e.output,
    outputDetails: e.output === undefined ? undefined : { included: true },
    error: e.error,
    cause: e.cause,
    // AWS: a failed, timed-out or aborted Standard execution can be redriven (for 14 days); a running or succeeded one cannot.
    redriveCount: e.redriveCount,
    redriveDate: e.redriveDate === undefined ? undefined : epochSeconds(e.redriveDate),
    redriveStatus: e.redriveStatus,
    redriveStatusReason: e.redriveStatusReason,
    mapRunArn: e.mapRunArn,
  });
}

export function executionOperations(b: SfnBackend): Record<string, Operation> {
  const s = b.service;
  return awsErrors({
    async StartExecution(input) {
      const r = await s.startExecution({ stateMachineArn: input.stateMachineArn as string, name: str(input.name), input: str(input.input) });
      return { executionArn: r.executionArn, startDate: epochSeconds(r.startDate) };
    },

    async StartSyncExecution(input) {
      const started = Date.now();
      const r = await s.startSyncExecution({ stateMachineArn: input.stateMachineArn as string, name: str(input.name), input: str(input.input) });
      return defined({
        executionArn: r.executionArn,
        stateMachineArn: r.stateMachineArn,
        name: r.name,
        startDate: epochSeconds(r.startDate),
        stopDate: r.stopDate === undefined ? undefined : epochSeconds(r.stopDate),
        status: r.status,
        error: r.error,
        cause: r.cause,
        input: r.input,
        inputDetails: { included: true },
        output: r.output,
        outputDetails: r.output === undefined ? undefined : { included: true },
        // Express workflows bill in 100 ms steps of 64 MB.
        billingDetails: { billedMemoryUsedInMB: 64, billedDurationInMilliseconds: Math.max(100, Math.ceil((Date.now() - started) / 100) * 100) },
      });
    },

    async StopExecution(input) {
      const arn = input.executionArn as string;
      const p = parseArn(arn, ['execution', 'express']);
      if (p.type === 'express') {
        // AWS refuses StopExecution for Express executions; here a running one (in this process)
        // can be stopped, so a runaway Express loop has an end short of its 5-minute bound.
        const stopped = await s.stopExecution({ executionArn: arn }).catch((e: unknown) => {
          if ((e as { code?: unknown }).code === 'ExecutionDoesNotExist') return undefined;
          throw e;
        });
        if (stopped === undefined) throw new SfnApiError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
        return { stopDate: epochSeconds(stopped.stopDate) };
      }
      const r = await s.stopExecution({ executionArn: arn, error: str(input.error), cause: str(input.cause) });
      return { stopDate: epochSeconds(r.stopDate) };
    },

    async DescribeExecution(input) {
      const arn = input.executionArn as string;
      parseArn(arn, ['execution', 'express']);
      return describeOutput(await s.describeExecution(arn));
    },

    async RedriveExecution(input) {
      const arn = input.executionArn as string;
      // Express executions are not stored (AWS keeps no history of them) and cannot be redriven.
      if (parseArn(arn, ['execution', 'express']).type === 'express') throw executionMissing(arn);
      const r = await s.redriveExecution({ executionArn: arn, clientToken: str(input.clientToken) });
      return { redriveDate: epochSeconds(r.redriveDate) };
    },

    async ListExecutions(input) {
      const arn = str(input.stateMachineArn);
      const filter = await s.executionFilter({
        stateMachineArn: arn,
        mapRunArn: input.mapRunArn === undefined ? undefined : String(input.mapRunArn),
        statusFilter: str(input.statusFilter),
        redriveFilter: str(input.redriveFilter),
      });
      const scope = `ListExecutions:${arn ?? str(input.mapRunArn) ?? ''}:${str(input.statusFilter) ?? ''}:${str(input.redriveFilter) ?? ''}`;
      const found = await s.listExecutions({ ...filter, after: decodePositionToken(input.nextToken, scope), limit: pageSize(input.maxResults) });
      const out: Record<string, unknown> = {
        executions: found.executions.map((e) =>
          defined({
            ...executionSummary(e),
            // Only executions that were redriven carry the count and date.
            redriveCount: e.redriveCount,
            redriveDate: e.redriveDate === undefined ? undefined : epochSeconds(e.redriveDate),
          }),
        ),
      };
      if (found.next !== undefined) out.nextToken = encodePositionToken(found.next, scope);
      return out;
    },
  });
}
