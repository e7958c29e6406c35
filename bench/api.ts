/**
 * StartExecution → SUCCEEDED through the Step Functions API of a real server on loopback, for a
 * 3-state machine: executions/s and latency with 1 and 32 concurrent clients. Each client is a loop
 * of plain awsJson requests (StartExecution, then DescribeExecution until the execution ends).
 * Server and clients share this process (2 cores): the client side costs the server some time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStepwrightServer } from '../src/app/server.js';

const DEFINITION = JSON.stringify({
  StartAt: 'A',
  States: {
    A: { Type: 'Pass', Result: { ok: true }, ResultPath: '$.a', Next: 'B' },
    B: { Type: 'Choice', Choices: [{ Variable: '$.a.ok', BooleanEquals: true, Next: 'C' }], Default: 'C' },
    C: { Type: 'Succeed' },
  },
});

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-bench-api-'));
const server = await startStepwrightServer({ port: 0, dataDir, logLevel: false });

async function call(operation: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${operation}: ${JSON.stringify(json)}`);
  return json;
}

const { stateMachineArn } = await call('CreateStateMachine', { name: 'bench3', definition: DEFINITION, roleArn: 'arn:aws:iam::123456789012:role/R' });

async function oneExecution(): Promise<number> {
  const started = performance.now();
  const { executionArn } = await call('StartExecution', { stateMachineArn, input: '{"x":1}' });
  for (;;) {
    const d = await call('DescribeExecution', { executionArn });
    if (d.status === 'SUCCEEDED') return performance.now() - started;
    if (d.status !== 'RUNNING') throw new Error(`execution ${String(d.status)}`);
    // A client polls, it does not spin: 1 ms between DescribeExecution calls.
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

async function measure(clients: number, perClient: number): Promise<{ perSec: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < perClient; i++) latencies.push(await oneExecution());
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSec: latencies.length / seconds, p50: latencies[Math.floor(latencies.length * 0.5)], p99: latencies[Math.floor(latencies.length * 0.99)] };
}

await measure(4, 25); // warm-up
const rows = [
  ['1 client', await measure(1, 300)],
  ['32 concurrent clients', await measure(32, 40)],
] as const;
console.log('\n# Step Functions API: StartExecution → SUCCEEDED, 3-state machine, synchronous=FULL\n');
console.log('| clients | executions/s | p50 ms | p99 ms |');
console.log('|---|---:|---:|---:|');
for (const [name, r] of rows) console.log(`| ${name} | ${r.perSec.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`);
await server.close();
fs.rmSync(dataDir, { recursive: true, force: true });
