import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createLambdaHandler, type LambdaCatalog, type LambdaHandler, type LambdaHandlerOptions } from '../../../src/api/lambda/index.js';
import { FunctionRuntime } from '../../../src/functions/index.js';
import { SqliteStore } from '../../../src/store/index.js';
import { buildZip, type ZipEntrySpec } from './zip-writer.js';

export interface LambdaApiUnderTest {
  readonly url: string;
  readonly dataDir: string;
  readonly runtime: FunctionRuntime;
  readonly catalog: LambdaCatalog;
  readonly handler: LambdaHandler;
  readonly warnings: string[];
  readonly client: () => LambdaClient;
  readonly close: () => Promise<void>;
}

export const ROLE = 'arn:aws:iam::123456789012:role/lambda-role';

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** The handler mounted on a plain node:http server on an ephemeral port, with a real runtime. */
export async function startLambdaApi(dataDir = tempDir('stepwright-lambda-')): Promise<LambdaApiUnderTest> {
  return startLambdaApiWith({ dataDir });
}

/** The same, with handler options (a budget, an authenticator). */
export async function startLambdaApiWith(options: Partial<LambdaHandlerOptions> & { dataDir?: string }): Promise<LambdaApiUnderTest> {
  const dataDir = options.dataDir ?? tempDir('stepwright-lambda-');
  const runtime = new FunctionRuntime({ region: 'us-east-1', accountId: '123456789012', idleMs: 30_000 });
  const warnings: string[] = [];
  // Versions, aliases, policies and tags: the data dir's SQLite store, as `stepwright server` keeps them.
  const catalog = options.catalog ?? new SqliteStore(dataDir);
  const handler = createLambdaHandler({ ...options, runtime, dataDir, catalog, warn: (m) => warnings.push(m) });
  await handler.ready;
  const server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    dataDir,
    runtime,
    catalog,
    handler,
    warnings,
    client: () =>
      new LambdaClient({ endpoint: url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    close: async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await handler.close();
      await runtime.close();
      if (options.catalog === undefined) await (catalog as SqliteStore).close();
      await stopped;
    },
  };
}

export const nodeZip = (source: string, file = 'index.mjs'): Buffer => buildZip([{ name: file, content: source }]);
export const pythonZip = (source: string, file = 'lambda_function.py'): Buffer => buildZip([{ name: file, content: source }]);
export { buildZip, type ZipEntrySpec };
