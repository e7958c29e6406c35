import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll } from 'vitest';
import { startStepwrightServer, type StepwrightServer, type StepwrightServerOptions } from '../../../src/app/server.js';

export const role = 'arn:aws:iam::123456789012:role/test';
export const ARN = 'arn:aws:states:us-east-1:123456789012';

/** The server and an SDK client on it, for the current test file (live bindings: set in beforeAll). */
export let server: StepwrightServer;
export let client: SFNClient;

/** Starts a server on a temp data dir before the file's tests and stops it after them. */
export function serveForTests(options: StepwrightServerOptions = {}): void {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-sfn-'));
    server = await startStepwrightServer({ port: 0, dataDir, logLevel: false, ...options });
    // StartSyncExecution has the `sync-` host prefix on AWS; a local endpoint turns it off.
    client = new SFNClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      disableHostPrefix: true,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
}
