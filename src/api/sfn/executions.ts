import { randomUUID } from 'node:crypto';
import { parseExecutionInput } from '../../engine/index.js';
import { redriveStatusOf } from '../../stepwright.js';
import type { ExecutionRecord, StateMachineRecord, StateMachineRevision } from '../../store/index.js';
import { parseArn, parseMachineArn, type MachineRef } from './arns.js';
import { awsErrors, str, type SfnBackend } from './backend.js';
import { SfnApiError } from './errors.js';
import { isValidName } from './names.js';
import type { Operation } from './operations.js';
import { decodePositionToken, encodePositionToken, pageSize } from './paging.js';
import { machineOf, revisionOf } from './state-machines.js';
import { defined, epochSeconds } from './wire.js';

export const executionMissing = (arn: string): SfnApiError => new SfnApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);

export async function executionOf(b: SfnBackend, arn: string): Promise<ExecutionRecord> {
  parseArn(arn, ['execution', 'express']);
  const e = await b.stepwright.store.getExecution(arn);
  if (e === undefined) throw executionMissing(arn);
  return e;
}

/** The machine and revision an execution starts on: an alias picks one of its versions by weight. */
async function target(b: SfnBackend, arn: string): Promise<{ machine: StateMachineRecord; revision: StateMachineRevision; ref: MachineRef }> {
  const ref = parseMachineArn(arn);
  if (ref.alias === undefined) return { ...(await revisionOf(b, ref, arn)), ref };
  const alias = await b.stepwright.store.getAlias(arn);
  if (alias === undefined) throw new SfnApiError('ResourceNotFound', `Resource not found: '${arn}'`);
  let roll = Math.random() * 100;
  const route = alias.routingConfiguration.find((r) => (roll -= r.weight) < 0) ?? alias.routingConfiguration[0];
  const versionRef = parseMachineArn(route.stateMachineVersionArn);
  return { ...(await revisionOf(b, versionRef, route.stateMachineVersionArn)), ref };
}

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

function describeOutput(e: ExecutionRecord, now: number): Record<string, unknown> {
  // AWS: a failed, timed-out or aborted Standard execution can be redriven (for 14 days); a running or succeeded one cannot.
  const redrive = redriveStatusOf(e, now);
  return defined({
    ...executionSummary(e),
    input: e.input,
    inputDetails: { included: true },
    output: e.output,
    outputDetails: e.output === undefined ? undefined : { included: true },
    error: e.error,
    cause: e.cause,
    redriveCount: e.redriveCount ?? 0,
    redriveDate: e.redriveDate === undefined ? undefined : epochSeconds(e.redriveDate),
    redriveStatus: redrive.status,
    redriveStatusReason: redrive.reason,
  });
}

/** AWS answers a RedriveExecution retried with the same clientToken as the first time, for 15 minutes. */
const CLIENT_TOKEN_MS = 15 * 60 * 1000;
const CLIENT_TOKEN_LIMIT = 10_000;

export function executionOperations(b: SfnBackend): Record<string, Operation> {
  const sw = b.stepwright;
  // executionArn + clientToken → the redrive it made (kept in memory: a restart forgets them).
  const redrives = new Map<string, { redriveDate: Date; at: number }>();
  const checkName = (name: string | undefined): string | undefined => {
    if (name !== undefined && !isValidName(name)) throw new SfnApiError('InvalidName', `Invalid Name: '${name}'`);
    return name;
  };

  return awsErrors({
    async StartExecution(input) {
      const arn = input.stateMachineArn as string;
      const name = checkName(str(input.name));
      const inputText = str(input.input) ?? '{}';
      parseExecutionInput(inputText);
      const { machine, revision, ref } = await target(b, arn);
      if (machine.type === 'EXPRESS' || (ref.version === undefined && ref.alias === undefined)) {
        const r = await sw.startExecution({ stateMachineArn: machine.arn, name, input: inputText });
        return { executionArn: r.executionArn, startDate: epochSeconds(r.startDate) };
      }
      // A version or alias: the execution runs the published revision, not the machine's latest.
      const execName = name ?? randomUUID();
      const executionArn = `arn:aws:states:${b.region}:${b.accountId}:execution:${machine.name}:${execName}`;
      const startDate = b.now();
      const record: ExecutionRecord = { arn: executionArn, stateMachineArn: machine.arn, revision: revision.revision, name: execName, status: 'RUNNING', input: inputText, startDate };
      const r = await sw.scheduler.submit({ kind: 'createExecution', execution: record });
      if (r.kind === 'exists') {
        if (r.execution.status === 'RUNNING' && r.execution.input === inputText) return { executionArn: r.execution.arn, startDate: epochSeconds(r.execution.startDate) };
        throw new SfnApiError('ExecutionAlreadyExists', `Execution Already Exists: '${r.execution.arn}'`);
      }
      // The scheduler reads the new execution back from the store (its cache API is its own business).
      sw.scheduler.wake(executionArn);
      return { executionArn, startDate: epochSeconds(startDate) };
    },

    async StartSyncExecution(input) {
      const arn = input.stateMachineArn as string;
      const name = checkName(str(input.name));
      const inputText = str(input.input) ?? '{}';
      parseExecutionInput(inputText);
      const { machine } = await target(b, arn);
      if (machine.type !== 'EXPRESS') throw new SfnApiError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
      const started = Date.now();
      const r = await sw.startSyncExecution({ stateMachineArn: machine.arn, name, input: inputText });
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
        const stopped = await sw.stopExecution({ executionArn: arn }).catch((e: unknown) => {
          if ((e as { code?: unknown }).code === 'ExecutionDoesNotExist') return undefined;
          throw e;
        });
        if (stopped === undefined) throw new SfnApiError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
        return { stopDate: epochSeconds(stopped.stopDate) };
      }
      await executionOf(b, arn);
      const r = await sw.stopExecution({ executionArn: arn, error: str(input.error), cause: str(input.cause) });
      return { stopDate: epochSeconds(r.stopDate) };
    },

    async DescribeExecution(input) {
      return describeOutput(await executionOf(b, input.executionArn as string), b.now());
    },

    async RedriveExecution(input) {
      const arn = input.executionArn as string;
      // Express executions are not stored (AWS keeps no history of them) and cannot be redriven.
      if (parseArn(arn, ['execution', 'express']).type === 'express') throw executionMissing(arn);
      await executionOf(b, arn);
      const token = str(input.clientToken);
      const key = token === undefined ? undefined : `${arn}\n${token}`;
      const now = b.now();
      const previous = key === undefined ? undefined : redrives.get(key);
      if (previous !== undefined && now - previous.at <= CLIENT_TOKEN_MS) return { redriveDate: epochSeconds(previous.redriveDate) };
      const r = await sw.redriveExecution({ executionArn: arn });
      if (key !== undefined) {
        if (redrives.size >= CLIENT_TOKEN_LIMIT) for (const [k, v] of redrives) if (now - v.at > CLIENT_TOKEN_MS) redrives.delete(k);
        if (redrives.size >= CLIENT_TOKEN_LIMIT) redrives.clear();
        redrives.set(key, { redriveDate: r.redriveDate, at: now });
      }
      return { redriveDate: epochSeconds(r.redriveDate) };
    },

    async ListExecutions(input) {
      const arn = str(input.stateMachineArn);
      if (arn === undefined) {
        if (input.mapRunArn !== undefined) throw new SfnApiError('ResourceNotFound', `Resource not found: '${String(input.mapRunArn)}'`);
        throw new SfnApiError('ValidationException', 'Must provide a StateMachine ARN or MapRun ARN');
      }
      const ref = parseMachineArn(arn);
      const machine = await machineOf(b, ref.machineArn);
      if (machine.type === 'EXPRESS') throw new SfnApiError('StateMachineTypeNotSupported', 'This operation is not supported by this type of state machine');
      const status = str(input.statusFilter) as ExecutionRecord['status'] | undefined;
      if (status === 'PENDING_REDRIVE') throw new SfnApiError('ValidationException', 'PENDING_REDRIVE statusFilter is only supported with a mapRunArn');
      const redriveFilter = str(input.redriveFilter);
      let revision: number | undefined;
      if (ref.version !== undefined) {
        const v = (await sw.store.listStateMachineVersions(machine.arn)).find((r) => r.version === ref.version);
        // A version that does not exist has no executions (-1 is no revision).
        revision = v?.revision ?? -1;
      }
      const scope = `ListExecutions:${arn}:${status ?? ''}:${redriveFilter ?? ''}`;
      const found = await sw.store.listExecutionsPage({
        stateMachineArn: machine.arn,
        status,
        redriven: redriveFilter === undefined ? undefined : redriveFilter === 'REDRIVEN',
        revision,
        after: decodePositionToken(input.nextToken, scope),
        limit: pageSize(input.maxResults),
      });
      const p = { items: found.executions, nextToken: found.next === undefined ? undefined : encodePositionToken(found.next, scope) };
      const out: Record<string, unknown> = {
        executions: p.items.map((e) =>
          defined({
            ...executionSummary(e),
            // Only executions that were redriven carry the count and date.
            redriveCount: e.redriveCount,
            redriveDate: e.redriveDate === undefined ? undefined : epochSeconds(e.redriveDate),
          }),
        ),
      };
      if (p.nextToken !== undefined) out.nextToken = p.nextToken;
      return out;
    },
  });
}
