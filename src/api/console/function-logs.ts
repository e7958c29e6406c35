import type { FastifyInstance, FastifyReply } from 'fastify';
import type { FunctionRuntime, InvocationLog } from '../../functions/index.js';

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

const view = (l: InvocationLog): InvocationView => ({
  functionName: l.functionName,
  requestId: l.requestId,
  endedAt: l.endedAt,
  ok: l.ok,
  ...(l.durationMs !== undefined ? { durationMs: l.durationMs } : {}),
  ...(l.maxMemoryUsedMB !== undefined ? { maxMemoryUsedMB: l.maxMemoryUsedMB } : {}),
  ...(l.memoryMB !== undefined ? { memoryMB: l.memoryMB } : {}),
  ...(l.caller !== undefined ? { executionArn: l.caller.executionArn, stateName: l.caller.stateName } : {}),
  logs: l.logs,
});

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const bad = (reply: FastifyReply, message: string) => reply.code(400).send({ __type: 'ValidationException', message });

/**
 * `GET /console/api/function-logs?executionArn&stateName` (or `?requestId`): the kept invocations
 * a Task state made, oldest first. `GET /console/api/functions/:name/invocations?limit`: a
 * function's recent invocations, newest first. The runtime keeps the last 100 per function, in
 * memory: older ones and those before a restart are gone.
 */
export function registerFunctionLogs(app: FastifyInstance, runtime: FunctionRuntime): void {
  const all = (): InvocationLog[] => runtime.list().flatMap((f) => runtime.logsOf(f.name));

  app.get('/console/api/function-logs', async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const requestId = text(q.requestId);
    const executionArn = text(q.executionArn);
    const stateName = text(q.stateName);
    if (requestId === undefined && executionArn === undefined) return bad(reply, 'executionArn or requestId is required');
    const found = all().filter(
      (l) =>
        (requestId === undefined || l.requestId === requestId) &&
        (executionArn === undefined || l.caller?.executionArn === executionArn) &&
        (stateName === undefined || l.caller?.stateName === stateName),
    );
    found.sort((a, b) => a.endedAt - b.endedAt);
    return { invocations: found.map(view) };
  });

  app.get('/console/api/functions/:name/invocations', async (request, reply) => {
    const { name } = request.params as { name: string };
    if (runtime.get(name) === undefined) return reply.code(404).send({ __type: 'ResourceNotFoundException', message: `Function not found: ${name}` });
    const q = request.query as Record<string, unknown>;
    const n = typeof q.limit === 'string' ? Number.parseInt(q.limit, 10) : NaN;
    const limit = Number.isFinite(n) && n > 0 ? Math.min(n, 100) : 20;
    return { invocations: runtime.logsOf(name).reverse().slice(0, limit).map(view) };
  });
}
