import os from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../app/create-app.js';
import { addAwsEndpointOption, awsConfigOption } from '../aws-options.js';
import { FunctionRuntime, loadFunctionsDir } from '../../functions/index.js';
import { printFunctionLogs } from '../function-log-lines.js';
import { command, parseArguments, stdio, untilStopped, type ServeCommandOptions } from '../io.js';
/**
 * `stepwright worker --database postgres://… [--project DIR | --functions-dir DIR]`: advances the
 * executions of a shared PostgreSQL database and runs their functions in its own pool, without
 * HTTP. Any number of workers (and servers) share the database; claims keep them from advancing one
 * execution twice, and a worker that dies loses its claims when their leases run out.
 */
export async function runWorker(argv: readonly string[], options: ServeCommandOptions = {}): Promise<number> {
  const io = options.io ?? stdio;
  const program = command('stepwright worker', io)
    .requiredOption('--database <url>', 'the postgres:// URL of the shared database')
    .option('--project <dir>', 'a project folder whose functions/ this worker runs')
    .option('--functions-dir <dir>', 'functions to run (one folder per function)')
    .option('--worker-id <id>', 'the owner of this worker\'s claims (default host:pid)')
    .option('--lease-ms <ms>', 'how long a claim of this worker outlives it if it dies (default 30000)')
    .option('--region <region>', 'region of the ARNs', 'us-east-1')
    .option('--account-id <id>', 'account of the ARNs', '123456789012');
  addAwsEndpointOption(program);
  const usage = parseArguments(program, argv);
  if (usage !== undefined) return usage;
  const opts = program.opts<{ database: string; project?: string; functionsDir?: string; workerId?: string; leaseMs?: string; region: string; accountId: string; awsEndpoint: string[] }>();
  const functionsDir = opts.functionsDir ?? (opts.project === undefined ? undefined : path.join(opts.project, 'functions'));
  const workerId = opts.workerId ?? `${os.hostname()}:${process.pid}`;
  const leaseMs = opts.leaseMs === undefined ? undefined : Number(opts.leaseMs);
  if (leaseMs !== undefined && !(Number.isInteger(leaseMs) && leaseMs > 0)) {
    io.err(`invalid --lease-ms '${opts.leaseMs}'\n`);
    return 2;
  }
  const runtime = new FunctionRuntime({ region: opts.region, accountId: opts.accountId, onNotice: (m) => io.err(`${m}\n`) });
  // Its functions' logs on stderr, each line `[function request-id] …`, as server, dev and run print them.
  const stopPrinting = printFunctionLogs(runtime, io.err);
  let close: () => Promise<void> = async () => {
    await runtime.close();
    stopPrinting();
  };
  try {
    // One broken function folder is reported; the others run.
    if (functionsDir !== undefined) for (const config of loadFunctionsDir(path.resolve(functionsDir), (folder, e) => io.err(`function ${folder} is not registered: ${e.message}\n`))) runtime.register(config);
    const aws = awsConfigOption(opts.awsEndpoint, opts.project);
    const { PostgresStore } = await import('../../store/postgres/postgres-store.js');
    const store = await PostgresStore.open(opts.database, { node: workerId });
    // Activity tasks this worker schedules wait in the database: activity workers poll any server.
    const app: App = await createApp({
      store,
      functions: runtime,
      aws,
      region: opts.region,
      accountId: opts.accountId,
      workerId,
      leaseMs,
      onError: (e, where) => io.err(`stepwright worker (${where}): ${e instanceof Error ? e.message : String(e)}\n`),
      onNotice: (m) => io.err(`stepwright worker: ${m}\n`),
    });
    close = async () => {
      await app.close();
      await runtime.close();
      stopPrinting();
    };
  } catch (e) {
    await close().catch(() => undefined);
    io.err(`stepwright worker: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  io.out(`Stepwright worker ${workerId} is working (functions: ${runtime.list().map((f) => f.name).join(', ') || 'none'})\n`);
  await untilStopped(options.signal);
  await close();
  io.out('Stepwright worker stopped\n');
  return 0;
}
