import type { HistoryEvent } from '../../engine/index.js';
import { parseArn } from '../../service/index.js';
import { awsErrors, type SfnBackend } from './backend.js';
import type { Operation } from './operations.js';
import { pageSize } from './paging.js';
import { epochSeconds } from './wire.js';

/** An event as the wire carries it; without execution data its input and output are left out. */
export function wireEvent(e: HistoryEvent, includeData: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k === 'timestamp') out[k] = epochSeconds(v as Date);
    else if (!includeData && k.endsWith('EventDetails') && typeof v === 'object' && v !== null) {
      const d: Record<string, unknown> = {};
      for (const [dk, dv] of Object.entries(v as Record<string, unknown>)) {
        if (!['input', 'output', 'inputDetails', 'outputDetails', 'parameters', 'result'].includes(dk)) d[dk] = dv;
      }
      out[k] = d;
    } else out[k] = v;
  }
  return out;
}

export function historyOperations(b: SfnBackend): Record<string, Operation> {
  return awsErrors({
    async GetExecutionHistory(input) {
      const arn = input.executionArn as string;
      parseArn(arn, ['execution', 'express']);
      const nextToken = typeof input.nextToken === 'string' ? input.nextToken : undefined;
      const page = await b.service.getExecutionHistory({ executionArn: arn, reverseOrder: input.reverseOrder === true, maxResults: pageSize(input.maxResults), nextToken });
      const includeData = input.includeExecutionData !== false;
      const out: Record<string, unknown> = { events: page.events.map((ev) => wireEvent(ev, includeData)) };
      if (page.nextToken !== undefined) out.nextToken = page.nextToken;
      return out;
    },
  });
}
