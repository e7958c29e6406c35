import { CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { createLambdaHandler } from '../../../src/api/lambda/index.js';
import { createServer } from '../../../src/api/server.js';
import { FunctionRuntime } from '../../../src/functions/index.js';
import { SqliteStore } from '../../../src/store/index.js';
import { nodeZip, ROLE, tempDir } from './lambda-server.js';

describe('the Lambda handler mounted in the main server', () => {
  it('answers the Lambda API beside the Step Functions API, with payloads over the server body limit', async () => {
    const runtime = new FunctionRuntime({ accountId: '123456789012' });
    const dataDir = tempDir('stepwright-mounted-');
    const catalog = new SqliteStore(dataDir);
    const handler = createLambdaHandler({ runtime, dataDir, catalog });
    const app = createServer({ rawHandlers: [handler] });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const lambda = new LambdaClient({ endpoint: url, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    try {
      await lambda.send(new CreateFunctionCommand({ FunctionName: 'mounted', Runtime: 'nodejs20.x', Handler: 'index.handler', Role: ROLE, Code: { ZipFile: nodeZip('export const handler = async (e) => e.s.length;') } }));
      // 2 MB: over the Step Functions 1 MB body limit, under Lambda's 6 MB.
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'mounted', Payload: Buffer.from(JSON.stringify({ s: 'x'.repeat(2_000_000) })) }));
      expect(Buffer.from(out.Payload ?? new Uint8Array()).toString()).toBe('2000000');
      expect(await (await fetch(`${url}/health`)).json()).toMatchObject({ status: 'ok' });
    } finally {
      lambda.destroy();
      await app.close();
      await handler.close();
      await runtime.close();
      await catalog.close();
    }
  });
});
