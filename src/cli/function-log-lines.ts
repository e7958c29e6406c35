/**
 * Function logs on the terminal, as `sam local` shows them: every line of an invocation's log
 * (START, what the handler printed, END, REPORT) prefixed with the function's name and the
 * request id, so that interleaved invocations stay apart and a line leads to its invocation.
 */
import type { FunctionRuntime, InvocationLog } from '../functions/index.js';

/** The lines of one invocation's log, each prefixed `[name requestId] `. */
export function formatFunctionLogLines(log: Pick<InvocationLog, 'functionName' | 'requestId' | 'logs'>): string {
  const prefix = `[${log.functionName} ${log.requestId}] `;
  // A Node handler's multi-line message is one CloudWatch event with \r for its line breaks.
  const lines = log.logs.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((line) => `${prefix}${line.replace(/\t+$/, '')}\n`).join('');
}

/** Writes every invocation's log of `runtime` through `write` as it ends; returns the way to stop. */
export function printFunctionLogs(runtime: FunctionRuntime, write: (text: string) => void): () => void {
  return runtime.onInvocation((log) => write(formatFunctionLogLines(log)));
}
