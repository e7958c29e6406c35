import { runDev } from './commands/dev.js';
import { runFunctions } from './commands/functions.js';
import { runRun } from './commands/run.js';
import { runServer } from './commands/server.js';
import { runValidate } from './commands/validate.js';
import { runWorker } from './commands/worker.js';

/** Entry point of the `stepwright` command. Returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command] = argv;
  if (command === 'run') return runRun(argv.slice(1));
  if (command === 'validate') return runValidate(argv.slice(1));
  if (command === 'functions') return runFunctions(argv.slice(1));
  if (command === 'server') return runServer(argv.slice(1));
  if (command === 'dev') return runDev(argv.slice(1));
  if (command === 'worker') return runWorker(argv.slice(1));
  process.stderr.write(
    [
      'usage: stepwright <command> …',
      '  run DEFINITION [--input JSON|@file] [--history] [--data-dir DIR]   run one execution',
      '  validate FILE… [--format json]                                     validate definitions as AWS does',
      '  server [--port 8083] [--project DIR] [--data-dir DIR]              Step Functions + Lambda APIs and the console',
      '  dev [DIR] [--port 8083]                                            server for a project folder, reloading on change',
      '  worker --database postgres://… [--project DIR]                     advance executions of a shared PostgreSQL database',
      '  functions serve [--port 9001] [--functions-dir DIR]                the Lambda API alone',
      '',
    ].join('\n'),
  );
  return command === undefined ? 0 : 2;
}
