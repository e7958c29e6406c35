import { describe, expect, it } from 'vitest';
import { systemClock, virtualClock } from '../../src/engine/index.js';

describe('virtualClock', () => {
  it('starts at 2026-01-01T00:00:00Z unless told otherwise', () => {
    expect(virtualClock().now()).toBe(Date.UTC(2026, 0, 1));
    expect(virtualClock(1234).now()).toBe(1234);
  });

  it('jumps to the requested time instead of waiting', async () => {
    const clock = virtualClock(0);
    const began = Date.now();
    await clock.sleepUntil(365 * 24 * 3600 * 1000);
    expect(clock.now()).toBe(365 * 24 * 3600 * 1000);
    // A year of virtual time costs no real waiting (bound generous for a loaded machine).
    expect(Date.now() - began).toBeLessThan(2000);
  });

  it('never goes back in time', async () => {
    const clock = virtualClock(1000);
    await clock.sleepUntil(500);
    expect(clock.now()).toBe(1000);
  });

  it('does not move when the sleep is aborted first', async () => {
    const clock = virtualClock(0);
    const controller = new AbortController();
    const sleep = clock.sleepUntil(60_000, controller.signal);
    controller.abort();
    await sleep;
    expect(clock.now()).toBe(0);
  });
});

describe('systemClock', () => {
  it('reads the real time', () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it('sleeps until the requested time', async () => {
    const target = Date.now() + 30;
    await systemClock.sleepUntil(target);
    expect(Date.now()).toBeGreaterThanOrEqual(target);
  });

  it('wakes early when the signal aborts', async () => {
    const controller = new AbortController();
    const began = Date.now();
    setTimeout(() => controller.abort(), 10);
    await systemClock.sleepUntil(Date.now() + 60_000, controller.signal);
    expect(Date.now() - began).toBeLessThan(1000);
  });

  it('resolves at once for a time already past or an already aborted signal', async () => {
    const began = Date.now();
    await systemClock.sleepUntil(0);
    await systemClock.sleepUntil(Date.now() + 60_000, AbortSignal.abort());
    expect(Date.now() - began).toBeLessThan(100);
  });
});
