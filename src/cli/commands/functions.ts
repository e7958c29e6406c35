import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { checkHostAndOrigin, HostRules } from '../../api/auth/index.js';
import { SqliteStore } from '../../store/index.js';
import { createLambdaHandler } from '../../api/lambda/index.js';
import { FunctionRuntime, loadFunctionsDir } from '../../functions/index.js';
import { command, parseArguments, portOption, startFailure, stdio, untilStopped, type ServeCommandOptions } from '../io.js';


export interface FunctionsServerOptions {
  readonly port?: number;
  readonly host?: string;
  readonly dataDir?: string;
  /** A project's functions folder (`<name>/` per function, optional function.json): served read-only. */
  readonly functionsDir?: string;
  readonly region?: string;
  readonly accountId?: string;
  readonly warn?: (message: string) => void;
}

export interface FunctionsServer {
  readonly url: string;
  readonly port: number;
  readonly runtime: FunctionRuntime;
  /** Stops accepting requests, waits for Event invocations, then stops every worker. */
  readonly close: () => Promise<void>;
}

/** A `node:http` server with the Lambda API and `GET /health`, as `stepwright functions serve` runs it. */
export async function startFunctionsServer(options: FunctionsServerOptions = {}): Promise<FunctionsServer> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const runtime = new FunctionRuntime({ region, accountId });
  if (options.functionsDir !== undefined) {
    for (const config of loadFunctionsDir(path.resolve(options.functionsDir))) runtime.register(config);
  }
  const dataDir = options.dataDir ?? './.stepwright';
  // Versions, aliases, policies and tags live in the data dir's store, as under `stepwright server`.
  let catalog: SqliteStore;
  try {
    catalog = new SqliteStore(path.resolve(dataDir));
  } catch (e) {
    await runtime.close();
    throw e;
  }
  const handler = createLambdaHandler({ runtime, dataDir, catalog, region, accountId, warn: options.warn });
  try {
    await handler.ready;
  } catch (e) {
    await runtime.close();
    await catalog.close();
    throw e;
  }
  const hosts = new HostRules();
  const server: Server = createServer((req, res) => {
    // The same browser rules as the whole server: no preflight granted, no foreign Host or Origin.
    const refusal = req.method === 'OPTIONS' ? { message: 'Stepwright grants no CORS preflight.' } : checkHostAndOrigin(req, hosts, false);
    if (refusal !== undefined) {
      const body = JSON.stringify({ Type: 'User', message: refusal.message, __type: 'AccessDeniedException' });
      res.writeHead(403, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'AccessDeniedException', 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(body);
      return;
    }
    if (req.method === 'GET' && (req.url === '/health' || req.url?.startsWith('/health?'))) {
      const body = JSON.stringify({ status: 'ok', functions: runtime.list().length });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
      res.end(body);
      return;
    }
    handler(req, res).then(
      (handled) => {
        if (handled) return;
        const body = JSON.stringify({ message: `No route for ${req.method ?? 'GET'} ${req.url ?? '/'}` });
        res.writeHead(404, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
        res.end(body);
      },
      () => res.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9001, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    runtime,
    close: () => {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await handler.close();
        await runtime.close();
        await catalog.close();
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}

export type FunctionsCommandOptions = ServeCommandOptions;

/**
 * `stepwright functions serve [--port 9001] [--host 127.0.0.1] [--data-dir ./.stepwright] [--functions-dir DIR]`:
 * serves the Lambda API until SIGINT/SIGTERM. Exit code 0 after a clean stop, 1 if it cannot start, 2 on bad usage.
 */
export async function runFunctions(argv: readonly string[], options: FunctionsCommandOptions = {}): Promise<number> {
  const io = options.io ?? stdio;
  const [sub, ...rest] = argv;
  if (sub !== 'serve') {
    const usage = 'usage: stepwright functions serve [--port 9001] [--host 127.0.0.1] [--data-dir ./.stepwright] [--functions-dir DIR]\n';
    const asked = sub === undefined || sub === '--help' || sub === '-h';
    (asked ? io.out : io.err)(usage);
    return asked ? 0 : 2;
  }
  const program = command('stepwright functions serve', io)
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', '9001')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--data-dir <dir>', 'where functions created through the API are kept', './.stepwright')
    .option('--functions-dir <dir>', "a project's functions folder to serve as well");
  const usage = parseArguments(program, rest);
  if (usage !== undefined) return usage;
  const opts = program.opts<{ port: string; host: string; dataDir: string; functionsDir?: string }>();
  const port = portOption(opts.port, io);
  if (port === undefined) return 2;
  let server: FunctionsServer;
  try {
    server = await startFunctionsServer({
      port,
      host: opts.host,
      dataDir: opts.dataDir,
      functionsDir: opts.functionsDir,
      warn: (m) => io.err(`${m}\n`),
    });
  } catch (e) {
    io.err(`stepwright functions serve: ${startFailure(e, port)}\n`);
    return 1;
  }
  io.out(`Lambda API listening on ${server.url} (${server.runtime.list().length} functions)\n`);
  await untilStopped(options.signal);
  await server.close();
  io.out('Lambda API stopped\n');
  return 0;
}
