import type { FastifyInstance } from 'fastify';
import type { ExecutionRecord, Store } from '../../store/index.js';

/** What a client is told when an execution changes: enough to decide whether to refetch. */
export interface ExecutionChange {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: string;
  /** The last history event id seen (0 when unknown). */
  readonly lastEventId: number;
}

type Client = (event: string, data: unknown) => void;

const RECENT = 50;
const RUNNING_WATCHED = 500;

/**
 * `GET /console/api/events`: server-sent events. `execution` announces a started, advanced or
 * finished execution; `machines` that the list of state machines changed. While at least one
 * client listens, one poller compares the store with what it saw last (running executions and
 * their last event id, the most recent executions' status, the machines' update times). A client
 * that reconnects refetches what it shows, so nothing missed while it was away stays wrong.
 */
export function registerLiveEvents(app: FastifyInstance, store: Store, pollMs = 400): void {
  const clients = new Set<Client>();
  const lastEvent = new Map<string, number>();
  const lastStatus = new Map<string, string>();
  let machinesSignature = '';
  let timer: NodeJS.Timeout | undefined;
  let polling = false;
  let primed = false;

  const broadcast = (event: string, data: unknown): void => {
    for (const c of clients) c(event, data);
  };

  const change = (e: ExecutionRecord, lastEventId: number): ExecutionChange => ({
    executionArn: e.arn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    lastEventId,
  });

  const lastEventIdOf = async (arn: string): Promise<number> => {
    const { events } = await store.getHistory(arn, { reverseOrder: true, maxResults: 1 });
    return events[0]?.id ?? 0;
  };

  const poll = async (): Promise<void> => {
    const machines = await store.listStateMachines();
    const signature = machines.map((m) => `${m.arn}@${m.updatedAt}`).join('|');
    if (primed && signature !== machinesSignature) broadcast('machines', { count: machines.length });
    machinesSignature = signature;

    const running = await store.listExecutions({ status: 'RUNNING', limit: RUNNING_WATCHED });
    const recent = await store.listExecutions({ limit: RECENT });
    const seen = new Set<string>();
    for (const e of [...running, ...recent]) {
      if (seen.has(e.arn)) continue;
      seen.add(e.arn);
      const id = e.status === 'RUNNING' || lastStatus.get(e.arn) !== e.status ? await lastEventIdOf(e.arn) : (lastEvent.get(e.arn) ?? 0);
      if (primed && (lastStatus.get(e.arn) !== e.status || lastEvent.get(e.arn) !== id)) broadcast('execution', change(e, id));
      lastStatus.set(e.arn, e.status);
      lastEvent.set(e.arn, id);
    }
    // Executions that were running and left both lists (finished among many newer ones).
    for (const [arn, status] of lastStatus) {
      if (seen.has(arn)) continue;
      if (status === 'RUNNING') {
        const e = await store.getExecution(arn);
        if (e !== undefined && e.status !== 'RUNNING' && primed) broadcast('execution', change(e, await lastEventIdOf(arn)));
      }
      lastStatus.delete(arn);
      lastEvent.delete(arn);
    }
    primed = true;
  };

  const schedule = (): void => {
    if (clients.size === 0 || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (polling) return schedule();
      polling = true;
      poll()
        .catch((e: unknown) => app.log.warn({ err: e }, 'console live events'))
        .finally(() => {
          polling = false;
          schedule();
        });
    }, pollMs);
    timer.unref();
  };

  app.addHook('onClose', async () => {
    if (timer !== undefined) clearTimeout(timer);
    for (const c of clients) c('bye', {});
    clients.clear();
  });

  app.get('/console/api/events', (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let seq = 0;
    const client: Client = (event, data) => {
      if (event === 'bye') return void res.end();
      res.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    // retry: how long the browser waits before reconnecting.
    res.write(`retry: 1000\n\n`);
    client('hello', { time: Date.now() });
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    ping.unref();
    clients.add(client);
    schedule();
    request.raw.on('close', () => {
      clearInterval(ping);
      clients.delete(client);
    });
  });
}
