import { Command, CommanderError } from 'commander';

/** Where a command writes: the process's stdout/stderr, or a capture in tests. */
export interface CliIO {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const stdio: CliIO = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** A commander command that writes through `io` and reports bad usage instead of exiting. */
export function command(name: string, io: CliIO): Command {
  return new Command(name).exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err });
}

/**
 * Parses arguments: undefined when the command should run, else its exit code: 0 after `--help`
 * (commander has printed it), 2 on bad usage (commander has already said why).
 */
export function parseArguments(program: Command, argv: readonly string[]): number | undefined {
  try {
    program.parse(argv as string[], { from: 'user' });
    return undefined;
  } catch (e) {
    return e instanceof CommanderError && (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') ? 0 : 2;
  }
}

/** Why a server did not start; a port in use says which and how to choose another. */
export function startFailure(e: unknown, port: number): string {
  if ((e as { code?: unknown }).code === 'EADDRINUSE') {
    return `port ${port} is already in use (another Stepwright, or another program, listens there); choose another with --port N, or --port 0 for a free one`;
  }
  return e instanceof Error ? e.message : String(e);
}

/** The `--port` value as a port number, or undefined (after saying so) when it is not one. */
export function portOption(value: string, io: CliIO): number | undefined {
  const port = Number(value);
  if (Number.isInteger(port) && port >= 0 && port <= 65535) return port;
  io.err(`invalid --port '${value}'\n`);
  return undefined;
}

/** Options of the commands that serve until stopped. */
export interface ServeCommandOptions {
  readonly io?: CliIO;
  /** Stops the server (tests); otherwise SIGINT or SIGTERM does. */
  readonly signal?: AbortSignal;
}

/** Resolves on SIGINT, SIGTERM or when `signal` aborts. */
export function untilStopped(signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop);
  });
}
