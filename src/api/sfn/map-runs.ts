import type { MapRunCounts } from '../../service/index.js';
import { awsErrors, str, type SfnBackend } from './backend.js';
import type { Operation } from './operations.js';
import { pageSize } from './paging.js';
import { defined, epochSeconds } from './wire.js';

const counts = (c: MapRunCounts): Record<string, number> => ({ ...c });

/** ListMapRuns, DescribeMapRun and UpdateMapRun on the wire. */
export function mapRunOperations(b: SfnBackend): Record<string, Operation> {
  const s = b.service;
  return awsErrors({
    async ListMapRuns(input) {
      const page = await s.listMapRuns({ executionArn: input.executionArn as string, maxResults: pageSize(input.maxResults), nextToken: str(input.nextToken) });
      return defined({
        mapRuns: page.mapRuns.map((r) =>
          defined({ executionArn: r.executionArn, mapRunArn: r.mapRunArn, stateMachineArn: r.stateMachineArn, startDate: epochSeconds(r.startDate), stopDate: r.stopDate === undefined ? undefined : epochSeconds(r.stopDate) }),
        ),
        nextToken: page.nextToken,
      });
    },

    async UpdateMapRun(input) {
      const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
      await s.updateMapRun({
        mapRunArn: input.mapRunArn as string,
        maxConcurrency: num(input.maxConcurrency),
        toleratedFailureCount: num(input.toleratedFailureCount),
        toleratedFailurePercentage: num(input.toleratedFailurePercentage),
      });
      return {};
    },

    async DescribeMapRun(input) {
      const r = await s.describeMapRun(input.mapRunArn as string);
      return defined({
        mapRunArn: r.mapRunArn,
        executionArn: r.executionArn,
        status: r.status,
        startDate: epochSeconds(r.startDate),
        stopDate: r.stopDate === undefined ? undefined : epochSeconds(r.stopDate),
        maxConcurrency: r.maxConcurrency,
        toleratedFailurePercentage: r.toleratedFailurePercentage,
        toleratedFailureCount: r.toleratedFailureCount,
        itemCounts: counts(r.itemCounts),
        executionCounts: counts(r.executionCounts),
        redriveCount: r.redriveCount,
      });
    },
  });
}
