import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { discoverSamples } from './discover.js';
import { classifyResource, inspectDefinition } from './inspect.js';
import { readmeInput, runSampleProject, type DefinitionReport } from './run-sample.js';
import { summarize, summaryLine } from './report.js';

// Sample-shaped projects of our own: one that runs, one needing a service we do not serve, a SAM
// template with a substitution and a function, an invalid one, one with a placeholder nothing fills.
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/samples');

describe('the samples runner', () => {
  it('finds each project and fills a template machine’s DefinitionSubstitutions', async () => {
    const projects = await discoverSamples(FIXTURES);
    expect(projects.map((p) => p.id)).toEqual(['broken-start', 'glue-job', 'greeting-sam', 'order-router', 'unfilled-placeholder']);
    const sam = projects.find((p) => p.id === 'greeting-sam')!;
    expect(sam.definitions.map((d) => d.id)).toEqual(['greeting-sam/template.yaml Resources.GreetingStateMachine']);
    const text = sam.definitions[0].text;
    expect(text).not.toContain('${GreetFunctionArn}');
    expect(JSON.parse(text).States.Greet.Parameters.FunctionName).toMatch(/^arn:aws:lambda:us-east-1:123456789012:function:/);
    expect(inspectDefinition(text, 'STANDARD').functions).toEqual([sam.templates[0].functions[0].config.name]);
  });

  it('takes the example input a README calls an input, not the other JSON it shows', () => {
    const readme = [
      '# Orders',
      'The function is given this payload:',
      '```json',
      '{ "inner": true }',
      '```',
      'A policy the role needs (it says input, but is no execution input):',
      '```json',
      '{ "Statement": [] }',
      '```',
      'Start an execution with this input:',
      '```',
      '{ "order": { "id": 7 } }',
      '```',
    ].join('\n');
    expect(readmeInput(readme)).toBe('{ "order": { "id": 7 } }');
    expect(readmeInput('no blocks here')).toBeUndefined();
  });

  it('tells served integrations from the rest with the integrations’ own rules', () => {
    expect(classifyResource('arn:aws:lambda:us-east-1:123456789012:function:f')).toMatchObject({ integration: 'lambda function', served: true });
    expect(classifyResource('arn:aws:states:::sqs:sendMessage.waitForTaskToken')).toMatchObject({ integration: 'sqs:sendMessage.waitForTaskToken', served: true });
    expect(classifyResource('arn:aws:states:::aws-sdk:s3:listObjectsV2')).toMatchObject({ served: true });
    expect(classifyResource('arn:aws:states:::glue:startJobRun.sync')).toMatchObject({ served: false, reason: 'optimized glue:startJobRun not served' });
    expect(classifyResource('arn:aws:states:::aws-sdk:ec2:describeInstances')).toMatchObject({ served: false, reason: 'aws-sdk:ec2 (no client installed)' });
    expect(classifyResource('arn:aws:states:::bedrock:invokeModel.waitForTaskToken')).toMatchObject({ served: false });
    expect(classifyResource('arn:aws:states:::s3:getObject', 'itemReader')).toMatchObject({ served: true, role: 'itemReader' });
  });

  it('runs what can run, and says why the rest does not', { timeout: 60_000 }, async () => {
    const reports: DefinitionReport[] = [];
    for (const project of await discoverSamples(FIXTURES)) reports.push(...(await runSampleProject(project, { timeLimitMs: 20_000 })));
    const byProject = Object.fromEntries(reports.map((r) => [r.project, r]));
    expect(byProject['broken-start'].inspection.valid).toBe(false);
    expect(byProject['broken-start'].run).toEqual({ kind: 'notRun', reason: 'invalid definition' });
    expect(byProject['glue-job'].run).toEqual({ kind: 'notRun', reason: 'uses what Stepwright does not serve: glue:startJobRun.sync' });
    expect(byProject['unfilled-placeholder'].run).toEqual({ kind: 'notRun', reason: 'substitution without a value: ${TopicArn}' });
    // The sample's input file is used, and its hour-long Wait takes no time.
    expect(byProject['order-router'].run).toMatchObject({ kind: 'ran', status: 'SUCCEEDED', output: '{"orderId":"o-1","accepted":true}', inputFrom: 'input.json' });
    expect(byProject['greeting-sam'].run).toMatchObject({ kind: 'ran', status: 'SUCCEEDED', output: '{"greeting":"Hello, world!"}' });
    const summary = summarize(reports, 5, 0);
    expect(summary).toMatchObject({ definitions: 5, valid: 4, servedOnly: 4, runnable: 2, succeeded: 2, failed: 0 });
    expect(summary.notRun).toEqual({ 'invalid definition': 1, 'substitution without a value': 1, 'uses what Stepwright does not serve': 1 });
    expect(summaryLine(summary)).toBe('4 valid, 2 runnable, 2 ran end to end, 0 failed');
  });

  it('prints the report as JSON with --json', { timeout: 60_000 }, async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'test/samples/main.ts', FIXTURES, '--json'], { cwd: path.resolve(import.meta.dirname, '../..') });
    const report = JSON.parse(stdout) as { summary: { valid: number; succeeded: number; integrations: Record<string, { served: boolean }> }; definitions: { id: string }[] };
    expect(report.summary).toMatchObject({ valid: 4, succeeded: 2 });
    expect(report.summary.integrations['glue:startJobRun.sync']).toEqual({ definitions: 1, served: false });
    expect(report.definitions).toHaveLength(5);
  });
});
