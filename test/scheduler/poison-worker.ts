// The poison pill test's worker process: one execution whose advance ends the process (States.UUID()
// reaches an ids.uuid that kills it, as a V8 fatal error would), one healthy execution. Started
// again on the same data dir until both have ended.
import { createApp } from '../../src/app/create-app.js';
import { ServiceError } from '../../src/service/index.js';

const [dataDir] = process.argv.slice(2);

const POISON = {
  StartAt: 'Id',
  States: { Id: { Type: 'Pass', Parameters: { 'id.$': 'States.UUID()' }, End: true } },
};
const HEALTHY = { StartAt: 'Done', States: { Done: { Type: 'Pass', Result: 'ok', End: true } } };

const sw = await createApp({
  dataDir,
  ids: {
    uuid: () => process.kill(process.pid, 'SIGKILL') as never,
    random: Math.random,
  },
  onError: (e, where) => process.stderr.write(`error ${where}: ${String(e)}\n`),
});

async function start(name: string, definition: object): Promise<string> {
  let stateMachineArn: string;
  try {
    stateMachineArn = (await sw.service.createStateMachine({ name, definition: JSON.stringify(definition) })).stateMachineArn;
  } catch (e) {
    if (!(e instanceof ServiceError && e.code === 'StateMachineAlreadyExists' && e.resourceArn !== undefined)) throw e;
    stateMachineArn = e.resourceArn;
  }
  try {
    return (await sw.service.startExecution({ stateMachineArn, name: 'one', input: '{}' })).executionArn;
  } catch (e) {
    if (e instanceof ServiceError && e.code === 'ExecutionAlreadyExists' && e.resourceArn !== undefined) return e.resourceArn;
    throw e;
  }
}

const arns = [await start('healthy', HEALTHY), await start('poison', POISON)];
for (const arn of arns) await sw.service.awaitExecution(arn);
await sw.close();
process.stdout.write('done\n');
process.exit(0);
