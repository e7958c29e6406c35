import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createApp, type App } from '../../app/create-app.js';
import { definitionFiles } from '../../app/project.js';
import type { HistoryEvent } from '../../engine/index.js';
import { FunctionRuntime, loadFunctionsDir } from '../../functions/index.js';
import type { Json } from '../../language/json.js';
import { MockConfigError, type MockConfig } from '../../integrations/mock-config.js';
import { ServiceError } from '../../service/index.js';
import { command, parseArguments, stdio, type CliIO } from '../io.js';
import { addMockOptions, mockOptions, type MockFlags } from '../mock-options.js';
import { coverageRatio, definitionCoverage, historyCoverage, type Coverage } from '../test-coverage.js';

const REGION = 'us-east-1';
const ACCOUNT_ID = '123456789012';

/** What one test case must end with (the --expect file); a case without one must succeed. */
export interface TestExpectation {
  readonly input?: Json;
  readonly status?: string;
  readonly output?: Json;
  readonly error?: string;
  readonly cause?: string;
}

/** `--expect FILE` is not what `stepwright test` reads; `pointer` names the place. */
export class ExpectFileError extends Error {
  constructor(pointer: string, message: string) {
    super(`${pointer}: ${message}`);
    this.name = 'ExpectFileError';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const STATUSES = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/**
 * The expectations file, shaped like the mock file it goes with:
 * `{"StateMachines": {"M": {"TestCases": {"T": {"Input": {}, "Status": "SUCCEEDED", "Output": {}, "Error": "", "Cause": ""}}}}}`.
 */
export function parseExpectations(value: unknown): Map<string, Map<string, TestExpectation>> {
  const out = new Map<string, Map<string, TestExpectation>>();
  if (!isRecord(value) || !isRecord(value.StateMachines))
    throw new ExpectFileError('/StateMachines', 'must be an object of state machine names');
  for (const [machine, m] of Object.entries(value.StateMachines)) {
    const mp = `/StateMachines/${machine}`;
    if (!isRecord(m) || !isRecord(m.TestCases))
      throw new ExpectFileError(`${mp}/TestCases`, 'must be an object of test case names');
    const cases = new Map<string, TestExpectation>();
    for (const [name, c] of Object.entries(m.TestCases)) {
      const cp = `${mp}/TestCases/${name}`;
      if (!isRecord(c)) throw new ExpectFileError(cp, 'must be an object (Input, Status, Output, Error, Cause)');
      for (const k of Object.keys(c))
        if (!['Input', 'Status', 'Output', 'Error', 'Cause'].includes(k))
          throw new ExpectFileError(
            `${cp}/${k}`,
            'is not a field of an expectation (Input, Status, Output, Error, Cause)',
          );
      if (c.Status !== undefined && (typeof c.Status !== 'string' || !STATUSES.has(c.Status)))
        throw new ExpectFileError(`${cp}/Status`, `must be one of ${[...STATUSES].join(', ')}`);
      for (const k of ['Error', 'Cause'] as const)
        if (c[k] !== undefined && typeof c[k] !== 'string') throw new ExpectFileError(`${cp}/${k}`, 'must be a string');
      const e: { -readonly [K in keyof TestExpectation]: TestExpectation[K] } = {};
      if (c.Input !== undefined) e.input = c.Input as Json;
      if (c.Status !== undefined) e.status = c.Status as string;
      if (c.Output !== undefined) e.output = c.Output as Json;
      if (c.Error !== undefined) e.error = c.Error as string;
      if (c.Cause !== undefined) e.cause = c.Cause as string;
      cases.set(name, e);
    }
    out.set(machine, cases);
  }
  return out;
}

export interface TestCaseOutcome {
  readonly stateMachine: string;
  readonly testCase: string;
  readonly passed: boolean;
  /** Why it failed: one line each. */
  readonly problems: readonly string[];
  readonly coverage?: Coverage;
}

/** The differences between what a test case expected and how its execution ended. */
function problemsOf(
  expected: TestExpectation,
  d: { status: string; output?: string; error?: string; cause?: string },
): string[] {
  const problems: string[] = [];
  const status = expected.status ?? 'SUCCEEDED';
  if (d.status !== status)
    problems.push(
      `status ${d.status}${d.error !== undefined ? ` (${d.error}: ${d.cause ?? ''})` : ''}, expected ${status}`,
    );
  if (expected.output !== undefined) {
    const output = d.output === undefined ? undefined : (JSON.parse(d.output) as Json);
    if (!isDeepStrictEqual(output, expected.output))
      problems.push(`output ${d.output ?? '(none)'}, expected ${JSON.stringify(expected.output)}`);
  }
  if (expected.error !== undefined && d.error !== expected.error)
    problems.push(`error ${d.error ?? '(none)'}, expected ${expected.error}`);
  if (expected.cause !== undefined && d.cause !== expected.cause)
    problems.push(`cause ${d.cause ?? '(none)'}, expected ${expected.cause}`);
  return problems;
}

async function historyOf(app: App, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await app.service.getExecutionHistory({ executionArn, nextToken, maxResults: 1000 });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return events;
}

/**
 * Runs every test case of the mock configuration on its state machine (from `definitionsDir`,
 * `NAME.asl.json` as a project keeps them), each as `MACHINE_ARN#TestCase` on one app.
 */
export async function runTestCases(
  app: App,
  config: MockConfig,
  definitionsDir: string,
  expectations: ReadonlyMap<string, ReadonlyMap<string, TestExpectation>>,
): Promise<{
  outcomes: TestCaseOutcome[];
  machines: Map<string, { definition: Coverage; covered: { states: Set<string>; transitions: Set<string> } }>;
}> {
  const files = new Map(definitionFiles(definitionsDir).map((d) => [d.name, d]));
  const outcomes: TestCaseOutcome[] = [];
  const machines = new Map<
    string,
    { definition: Coverage; covered: { states: Set<string>; transitions: Set<string> } }
  >();
  for (const [machineName, cases] of config.stateMachines) {
    const file = files.get(machineName);
    const fail = (testCase: string, problem: string): void =>
      void outcomes.push({ stateMachine: machineName, testCase, passed: false, problems: [problem] });
    if (file === undefined) {
      for (const testCase of cases.keys())
        fail(testCase, `no definition ${machineName}.asl.json (or .json, .express.asl.json) in ${definitionsDir}`);
      continue;
    }
    let stateMachineArn: string;
    let definition: unknown;
    try {
      const text = fs.readFileSync(file.file, 'utf8');
      definition = JSON.parse(text);
      ({ stateMachineArn } = await app.service.createStateMachine({
        name: machineName,
        definition: text,
        type: file.type,
      }));
    } catch (e) {
      for (const testCase of cases.keys())
        fail(testCase, `${file.file}: ${e instanceof ServiceError ? `${e.code}: ${e.message}` : (e as Error).message}`);
      continue;
    }
    const whole = {
      definition: definitionCoverage(definition),
      covered: { states: new Set<string>(), transitions: new Set<string>() },
    };
    machines.set(machineName, whole);
    for (const testCase of cases.keys()) {
      const expected = expectations.get(machineName)?.get(testCase) ?? {};
      const arn = `${stateMachineArn}#${testCase}`;
      const input = JSON.stringify(expected.input ?? {});
      try {
        if (file.type === 'EXPRESS') {
          // Express executions keep no history: no coverage for them.
          const d = await app.service.startSyncExecution({ stateMachineArn: arn, input });
          const problems = problemsOf(expected, d);
          outcomes.push({ stateMachine: machineName, testCase, passed: problems.length === 0, problems });
          continue;
        }
        const { executionArn } = await app.service.startExecution({ stateMachineArn: arn, input });
        const d = await app.service.awaitExecution(executionArn);
        const coverage = historyCoverage(await historyOf(app, executionArn));
        for (const s of coverage.states) whole.covered.states.add(s);
        for (const t of coverage.transitions) whole.covered.transitions.add(t);
        const problems = problemsOf(expected, d);
        outcomes.push({ stateMachine: machineName, testCase, passed: problems.length === 0, problems, coverage });
      } catch (e) {
        fail(
          testCase,
          e instanceof ServiceError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e),
        );
      }
    }
  }
  for (const [machine, cases] of expectations) {
    for (const testCase of cases.keys()) {
      if (config.stateMachines.get(machine)?.has(testCase) !== true)
        outcomes.push({
          stateMachine: machine,
          testCase,
          passed: false,
          problems: ['the --expect file names this test case; the mock configuration does not have it'],
        });
    }
  }
  return { outcomes, machines };
}

function coverageLine(definition: Coverage, covered: Coverage): string {
  return `states ${coverageRatio(covered.states, definition.states)}, transitions ${coverageRatio(covered.transitions, definition.transitions)}`;
}

/**
 * `stepwright test [--mock-config FILE] [--expect FILE] [--definitions-dir DIR] [--functions-dir DIR]
 * [--time-scale N]`: runs every test case of a Step Functions Local mock file on its state machine
 * and prints PASS/FAIL per case with its state and transition coverage, then each machine's
 * coverage over all its cases. Wait states and Retry back-off take no time unless --time-scale says.
 * Exit code 0 when every case passed, 1 when one failed, 2 on bad usage or a bad file.
 */
export async function runTest(
  argv: readonly string[],
  options: { io?: CliIO; env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  const io = options.io ?? stdio;
  const env = options.env ?? process.env;
  const program = command('stepwright test', io)
    .option(
      '--expect <file>',
      'what each test case must end with: {"StateMachines": {"M": {"TestCases": {"T": {"Input", "Status", "Output", "Error", "Cause"}}}}}; without it every case must succeed',
    )
    .option(
      '--definitions-dir <dir>',
      "state machine definitions, NAME.asl.json (default: ./state-machines, else the mock file's folder)",
    )
    .option(
      '--functions-dir <dir>',
      'Lambda functions for the Task states a test case does not mock (default: ./functions)',
    );
  addMockOptions(program);
  const usage = parseArguments(program, argv);
  if (usage !== undefined) return usage;
  const opts = program.opts<{ expect?: string; definitionsDir?: string; functionsDir?: string } & MockFlags>();
  const mockFile = opts.mockConfig ?? (env.SFN_MOCK_CONFIG !== '' ? env.SFN_MOCK_CONFIG : undefined);
  if (mockFile === undefined) {
    io.err('stepwright test needs a mock configuration: --mock-config FILE or SFN_MOCK_CONFIG=FILE\n');
    return 2;
  }
  let config: MockConfig;
  let timeScale: number;
  let expectations = new Map<string, Map<string, TestExpectation>>();
  try {
    const mocks = mockOptions(
      {
        mockConfig: mockFile,
        timeScale:
          opts.timeScale ??
          (env.WAIT_TIME_SCALE !== undefined && env.WAIT_TIME_SCALE !== '' ? env.WAIT_TIME_SCALE : '0'),
      },
      env,
    );
    config = mocks.mockConfig!;
    timeScale = mocks.timeScale ?? 0;
    if (opts.expect !== undefined) {
      const expectFile = opts.expect;
      try {
        expectations = parseExpectations(JSON.parse(fs.readFileSync(expectFile, 'utf8')));
      } catch (e) {
        throw new Error(`${expectFile}: ${(e as Error).message}`, { cause: e });
      }
    }
  } catch (e) {
    io.err(`${e instanceof MockConfigError || e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const definitionsDir = path.resolve(
    opts.definitionsDir ?? (fs.existsSync('state-machines') ? 'state-machines' : path.dirname(mockFile)),
  );
  const functionsDir = opts.functionsDir ?? (fs.existsSync('functions') ? 'functions' : undefined);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stepwright-test-'));
  const runtime = new FunctionRuntime({ region: REGION, accountId: ACCOUNT_ID });
  let app: App | undefined;
  try {
    if (functionsDir !== undefined) for (const f of loadFunctionsDir(path.resolve(functionsDir))) runtime.register(f);
    // Nothing is kept: no reason to wait for the disk.
    app = await createApp({
      dataDir,
      synchronous: 'OFF',
      functions: runtime,
      region: REGION,
      accountId: ACCOUNT_ID,
      mockConfig: config,
      timeScale,
    });
    const { outcomes, machines } = await runTestCases(app, config, definitionsDir, expectations);
    for (const o of outcomes) {
      const machine = machines.get(o.stateMachine);
      const coverage =
        o.coverage !== undefined && machine !== undefined ? `  ${coverageLine(machine.definition, o.coverage)}` : '';
      io.out(`${o.passed ? 'PASS' : 'FAIL'} ${o.stateMachine}#${o.testCase}${coverage}\n`);
      for (const p of o.problems) io.out(`     ${p}\n`);
    }
    for (const [name, m] of machines) io.out(`coverage ${name}: ${coverageLine(m.definition, m.covered)}\n`);
    const failed = outcomes.filter((o) => !o.passed).length;
    io.out(`${outcomes.length - failed} passed, ${failed} failed\n`);
    return failed === 0 && outcomes.length > 0 ? 0 : 1;
  } finally {
    await app?.close();
    await runtime.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
