// The crash test's worker process: runs the workload durably until every execution has finished.
// The test kills it with SIGKILL at random points and starts it again on the same data dir.
import Database from 'better-sqlite3';
import type { TaskResources } from '../../src/engine/index.js';
import type { DispatchedTaskRequest } from '../../src/scheduler/index.js';
import { createApp } from '../../src/app/create-app.js';
import { ServiceError } from '../../src/service/index.js';
import { CRASH_MACHINE, crashInput, crashTaskResult, EXECUTIONS, taskKeyOf } from './crash-workload.js';

const [dataDir, effectsPath] = process.argv.slice(2);

// The functions' side effects go to their own database, committed before the function answers.
const effects = new Database(effectsPath);
effects.pragma('journal_mode = WAL');
effects.pragma('synchronous = FULL');
effects.exec(
  'create table if not exists runs (seq integer primary key, idempotency_key text not null, task_key text not null)',
);
const record = effects.prepare('insert into runs (idempotency_key, task_key) values (?, ?)');
const attempts = effects.prepare('select count(distinct idempotency_key) as n from runs where task_key = ?');

const resources: TaskResources = {
  async invoke(request) {
    const key = taskKeyOf(request);
    record.run((request as DispatchedTaskRequest).idempotencyKey, key);
    const n = (attempts.get(key) as { n: number }).n;
    await new Promise((r) => setTimeout(r, Math.random() * 20));
    return crashTaskResult(request, n);
  },
};

const sw = await createApp({ dataDir, resources });
const { stateMachineArn } = await sw.service.createStateMachine({ name: 'crash', definition: CRASH_MACHINE });
const arns: string[] = [];
for (let i = 0; i < EXECUTIONS; i++) {
  const { name, input } = crashInput(i);
  try {
    arns.push((await sw.service.startExecution({ stateMachineArn, name, input: JSON.stringify(input) })).executionArn);
  } catch (e) {
    if (!(e instanceof ServiceError && e.code === 'ExecutionAlreadyExists' && e.resourceArn !== undefined))
      throw e;
    arns.push(e.resourceArn);
  }
}
process.stdout.write('started\n');
for (const arn of arns) await sw.service.awaitExecution(arn);
await sw.close();
process.stdout.write('done\n');
process.exit(0);
