/**
 * How the server's log reads where it is written: pino-pretty's one line per entry on a terminal
 * (time, level, message, fields), pino's JSON lines when piped to a file or a log collector.
 * `--log-format pretty|json` chooses against the guess.
 */
import type { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'pretty' | 'json';

/** `--log-format`'s value, or undefined (after saying so) when it is not one. */
export function parseLogFormat(value: string | undefined, isTerminal: boolean): LogFormat | undefined {
  if (value === undefined || value === 'auto') return isTerminal ? 'pretty' : 'json';
  return value === 'pretty' || value === 'json' ? value : undefined;
}

/** The server's logger: `level` (pino's names), written to `stream` in `format`. */
export function createServerLogger(level: string, format: LogFormat, stream: Writable = process.stdout): Logger {
  if (format === 'json') return pino({ level }, stream);
  // Synchronous: a line is on the terminal before the next thing the command prints.
  return pino({ level }, pretty({ destination: stream, sync: true, colorize: (stream as { isTTY?: boolean }).isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
}
