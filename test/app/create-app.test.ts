import { describe, expect, it } from 'vitest';
import { stepwright, tempDir } from '../scheduler/fixtures.js';

const FOREVER = {
  StartAt: 'Loop',
  States: { Loop: { Type: 'Choice', Choices: [{ Variable: '$.go', BooleanEquals: true, Next: 'Loop' }], Default: 'End' }, End: { Type: 'Succeed' } },
};

describe('Express executions in createApp', () => {
  it('StartSyncExecution answers TIMED_OUT with States.Timeout when the maximum duration passes', async () => {
    const sw = await stepwright({ dataDir: tempDir(), expressMaxDurationMs: 200 });
    const { stateMachineArn } = await sw.service.createStateMachine({ name: 'spin', definition: FOREVER, type: 'EXPRESS' });
    const r = await sw.service.startSyncExecution({ stateMachineArn, input: '{"go":true}' });
    expect(r).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect(r.output).toBeUndefined();
    expect(r.stopDate!.getTime()).toBeGreaterThanOrEqual(r.startDate.getTime() + 200);
  });

  it('stopExecution ends an Express execution started with startExecution, and the server keeps serving', async () => {
    // The default 5-minute bound: only the stop can end this loop within the test's time.
    const sw = await stepwright({ dataDir: tempDir() });
    const { stateMachineArn } = await sw.service.createStateMachine({ name: 'spin', definition: FOREVER, type: 'EXPRESS' });
    const { executionArn } = await sw.service.startExecution({ stateMachineArn, input: '{"go":true}' });
    expect(executionArn).toContain(':express:spin:');
    await new Promise((r) => setTimeout(r, 50));
    const { stopDate } = await sw.service.stopExecution({ executionArn });
    expect(stopDate).toBeInstanceOf(Date);
    const after = await sw.service.startSyncExecution({ stateMachineArn, input: '{"go":false}' });
    expect(after.status).toBe('SUCCEEDED');
    // Once ended it is gone, as AWS keeps no Express executions to describe.
    await expect(sw.service.stopExecution({ executionArn })).rejects.toMatchObject({ code: 'ExecutionDoesNotExist' });
  });

  it('shows the Express execution ARN it answers with as $$.Execution.Id, without RedriveCount', async () => {
    const sw = await stepwright({ dataDir: tempDir() });
    const definition = { StartAt: 'P', States: { P: { Type: 'Pass', Parameters: { 'execution.$': '$$.Execution' }, End: true } } };
    const { stateMachineArn } = await sw.service.createStateMachine({ name: 'ctx', definition, type: 'EXPRESS' });
    const r = await sw.service.startSyncExecution({ stateMachineArn, name: 'run-1', input: '{}' });
    expect(r.executionArn).toMatch(/^arn:aws:states:[^:]+:\d+:express:ctx:run-1:[0-9a-f-]{36}$/);
    const execution = (JSON.parse(r.output!) as { execution: Record<string, unknown> }).execution;
    expect(execution.Id).toBe(r.executionArn);
    expect(execution).not.toHaveProperty('RedriveCount');
  });

  it('close() ends the Express executions still running', async () => {
    const sw = await stepwright({ dataDir: tempDir() });
    const { stateMachineArn } = await sw.service.createStateMachine({ name: 'spin', definition: FOREVER, type: 'EXPRESS' });
    await sw.service.startExecution({ stateMachineArn, input: '{"go":true}' });
    const sync = sw.service.startSyncExecution({ stateMachineArn, input: '{"go":true}' });
    await new Promise((r) => setTimeout(r, 50));
    await sw.close();
    expect((await sync).status).toBe('ABORTED');
  });
});
