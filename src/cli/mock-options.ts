import type { Command } from 'commander';
import { loadMockConfigFile, type MockConfig } from '../integrations/mock-config.js';
import { parseTimeScale } from '../scheduler/time-scale.js';

/** The flags `server`, `dev` and `run` share for tests: mocked integrations and scaled time. */
export interface MockFlags {
  readonly mockConfig?: string;
  readonly timeScale?: string;
}

export function addMockOptions(program: Command): void {
  program
    .option(
      '--mock-config <file>',
      "Step Functions Local's MockConfigFile.json: a start of MACHINE_ARN#TestCase answers its mocked states from it (or set SFN_MOCK_CONFIG=FILE)",
    )
    .option(
      '--time-scale <n>',
      'Wait states and Retry back-off take N times their time; 0: none (or set WAIT_TIME_SCALE=N)',
    );
}

/**
 * `--mock-config FILE` (else SFN_MOCK_CONFIG, as Step Functions Local and LocalStack read it) and
 * `--time-scale N` (else WAIT_TIME_SCALE); throws naming the file and JSON place, or the value.
 */
export function mockOptions(
  flags: MockFlags,
  env: NodeJS.ProcessEnv = process.env,
): { mockConfig?: MockConfig; timeScale?: number } {
  const file = flags.mockConfig ?? (env.SFN_MOCK_CONFIG !== '' ? env.SFN_MOCK_CONFIG : undefined);
  const scale =
    flags.timeScale !== undefined
      ? parseTimeScale(flags.timeScale)
      : env.WAIT_TIME_SCALE !== undefined && env.WAIT_TIME_SCALE !== ''
        ? parseTimeScale(env.WAIT_TIME_SCALE, 'WAIT_TIME_SCALE')
        : undefined;
  return {
    ...(file !== undefined ? { mockConfig: loadMockConfigFile(file) } : {}),
    ...(scale !== undefined ? { timeScale: scale } : {}),
  };
}
