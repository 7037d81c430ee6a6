import { describe, expect, it } from 'vitest';
import { runFault } from './harness';

/**
 * The short seeded fault run that is part of `npm test`: a real hub process, real
 * client processes with their own encrypted replicas, a breakable proxy, kill -9,
 * SIGSTOP and hub restarts under a random workload. `npm run fault` is the long run.
 */
describe('fault harness (short seeded run)', () => {
  it.each([1, 2])('seed %i converges with nothing acknowledged lost or doubled', async (seed) => {
    const report = await runFault({ seed, clients: 3, tps: 10, seconds: 8, log: () => undefined });
    expect(report.violations).toEqual([]);
    expect(report.stats.acked).toBeGreaterThan(10);
    expect(Object.values(report.stats.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(3);
  }, 240_000);
});
