/** The Step Functions API of this same origin (awsJson1_0: `POST /` with `X-Amz-Target`). */
import { tokenHeaders } from './console-token.js';

export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

export async function sfn<T>(operation: string, input: object): Promise<T> {
  const res = await fetch('/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${operation}`, ...tokenHeaders() },
    body: JSON.stringify(input),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiError('InternalServerError', text.slice(0, 200));
  }
  if (!res.ok) {
    const b = body as { __type?: string; message?: string; Message?: string };
    const type = (b.__type ?? 'Error').split('#').pop() ?? 'Error';
    throw new ApiError(type, b.message ?? b.Message ?? `${res.status}`);
  }
  return body as T;
}

export async function consoleApi<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const res = await fetch(`/console/api/${path}${q.size > 0 ? `?${q}` : ''}`, { headers: tokenHeaders() });
  const body = (await res.json()) as T & { message?: string };
  if (!res.ok) throw new ApiError(res.status === 401 ? 'Unauthorized' : 'ConsoleError', body.message ?? String(res.status));
  return body;
}

/** Whether the server lets this console in: false when it runs with --auth and the token is missing or wrong. */
export async function consoleAdmitted(): Promise<{ admitted: boolean; message?: string }> {
  const res = await fetch('/console/api/executions?limit=1', { headers: tokenHeaders() });
  if (res.status !== 401) return { admitted: true };
  const body = (await res.json().catch(() => ({}))) as { message?: string };
  return { admitted: false, message: body.message };
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';
export const EXECUTION_STATUSES: readonly ExecutionStatus[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];

export interface StateMachineListItem {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly creationDate: number;
}

export interface StateMachineDescription extends StateMachineListItem {
  readonly definition: string;
  readonly roleArn: string;
  readonly status?: string;
}

export interface ExecutionListItem {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startDate: number;
  readonly stopDate?: number;
}

export interface ExecutionDescription extends ExecutionListItem {
  readonly input?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

export interface HistoryEvent {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

export interface Diagnostic {
  readonly severity: 'ERROR' | 'WARNING';
  readonly code: string;
  readonly message: string;
  readonly location?: string;
}

export interface WaitingTask {
  readonly kind?: 'callback';
  readonly stateName: string;
  readonly taskToken: string;
  readonly enteredEventId: number;
  readonly input: unknown;
  readonly path: readonly number[];
}

/** An activity task of the execution; `taskToken` only once a worker took it (GetActivityTask). */
export interface ActivityTask {
  readonly kind: 'activity';
  readonly stateName: string;
  readonly activityArn: string;
  readonly input: string;
  readonly scheduledAt: number;
  readonly taskToken?: string;
}

/** One function invocation the server kept (console/api/function-logs, functions/NAME/invocations). */
export interface Invocation {
  readonly functionName: string;
  readonly requestId: string;
  /** Epoch ms. */
  readonly endedAt: number;
  readonly ok: boolean;
  readonly durationMs?: number;
  readonly maxMemoryUsedMB?: number;
  readonly memoryMB?: number;
  readonly executionArn?: string;
  readonly stateName?: string;
  readonly logs: string;
}

/** Every page of GetExecutionHistory (AWS pages at 1000 events). */
export async function fullHistory(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page: { events: HistoryEvent[]; nextToken?: string } = await sfn('GetExecutionHistory', { executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return events;
}

/** The events after `afterEventId` (the console's own route: GetExecutionHistory cannot start mid-way). */
export async function historyAfter(executionArn: string, afterEventId: number): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  for (let after = afterEventId; ; ) {
    const page = await consoleApi<{ events: HistoryEvent[]; more?: boolean }>('history', { executionArn, afterEventId: after });
    events.push(...page.events);
    if (page.more !== true || page.events.length === 0) return events;
    after = page.events[page.events.length - 1].id;
  }
}

export const machineNameOf = (arn: string): string => arn.split(':')[6] ?? arn;
export const DEFAULT_ROLE_ARN = 'arn:aws:iam::123456789012:role/StepwrightExecutionRole';
