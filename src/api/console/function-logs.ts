import type { FastifyInstance, FastifyReply } from 'fastify';
import type { FunctionRuntime, InvocationLog } from '../../functions/index.js';
import type { FunctionLogFilter, FunctionLogReader, KeptFunctionLog } from '../../integrations/function-logs.js';

/** One invocation as the console shows it. */
export interface InvocationView {
  readonly functionName: string;
  readonly requestId: string;
  /** Epoch milliseconds when the invocation ended. */
  readonly endedAt: number;
  readonly ok: boolean;
  readonly durationMs?: number;
  readonly maxMemoryUsedMB?: number;
  readonly memoryMB?: number;
  readonly executionArn?: string;
  readonly stateName?: string;
  /** Lambda's log: START, what the handler printed, END, REPORT. */
  readonly logs: string;
}

const view = (l: KeptFunctionLog): InvocationView => ({
  functionName: l.functionName,
  requestId: l.requestId,
  endedAt: l.endedAt,
  ok: l.ok,
  ...(l.durationMs !== undefined ? { durationMs: l.durationMs } : {}),
  ...(l.maxMemoryUsedMB !== undefined ? { maxMemoryUsedMB: l.maxMemoryUsedMB } : {}),
  ...(l.memoryMB !== undefined ? { memoryMB: l.memoryMB } : {}),
  ...(l.executionArn !== undefined ? { executionArn: l.executionArn, stateName: l.stateName } : {}),
  logs: l.logs,
});

const kept = (l: InvocationLog): KeptFunctionLog => ({
  ...l,
  ...(l.caller !== undefined ? { executionArn: l.caller.executionArn, stateName: l.caller.stateName } : {}),
});

/** The runtime's own memory (its last 100 per function), when no store keeps the logs. */
function memoryReader(runtime: FunctionRuntime): FunctionLogReader {
  return {
    list: (q: FunctionLogFilter) => {
      const all = (q.functionName !== undefined ? runtime.logsOf(q.functionName) : runtime.list().flatMap((f) => runtime.logsOf(f.name))).map(kept);
      const found = all.filter(
        (l) =>
          (q.requestId === undefined || l.requestId === q.requestId) &&
          (q.executionArn === undefined || l.executionArn === q.executionArn) &&
          (q.stateName === undefined || l.stateName === q.stateName),
      );
      return Promise.resolve(found.sort((a, b) => b.endedAt - a.endedAt).slice(0, q.limit ?? 100));
    },
  };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const bad = (reply: FastifyReply, message: string) => reply.code(400).send({ __type: 'ValidationException', message });

/**
 * `GET /console/api/function-logs?executionArn&stateName` (or `?requestId`): the kept invocations
 * a Task state made, oldest first. `GET /console/api/functions/:name/invocations?limit`: a
 * function's recent invocations, newest first. Read from `logs` (the store: they survive a restart,
 * within its retention), else from the runtime's memory.
 */
export function registerFunctionLogs(app: FastifyInstance, runtime: FunctionRuntime, logs: FunctionLogReader = memoryReader(runtime)): void {
  app.get('/console/api/function-logs', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const requestId = text(q.requestId);
    const executionArn = text(q.executionArn);
    const stateName = text(q.stateName);
    if (requestId === undefined && executionArn === undefined) return bad(reply, 'executionArn or requestId is required');
    const found = await logs.list({
      ...(requestId !== undefined ? { requestId } : {}),
      ...(executionArn !== undefined ? { executionArn } : {}),
      ...(stateName !== undefined ? { stateName } : {}),
      limit: 1_000,
    });
    return { invocations: found.reverse().map(view) };
  });

  app.get('/console/api/functions/:name/invocations', async (request, reply) => {
    const { name } = request.params as { name: string };
    if (runtime.get(name) === undefined) return reply.code(404).send({ __type: 'ResourceNotFoundException', message: `Function not found: ${name}` });
    const q = request.query as Record<string, unknown>;
    const n = typeof q.limit === 'string' ? Number.parseInt(q.limit, 10) : NaN;
    const limit = Number.isFinite(n) && n > 0 ? Math.min(n, 100) : 20;
    return { invocations: (await logs.list({ functionName: name, limit })).map(view) };
  });
}
