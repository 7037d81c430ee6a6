/**
 * npm run fault -- --clients 10 --tps 20 --seconds 20 --seeds 200 [--from 1]
 * Runs seeded fault scenarios one after another and prints one JSON line per seed;
 * exits 1 if any seed failed (its violations are printed — replay with --from <seed> --seeds 1).
 */
import { parseArgs } from 'node:util';
import { runFault } from './harness';

const { values } = parseArgs({
  options: { clients: { type: 'string', default: '10' }, tps: { type: 'string', default: '20' }, seconds: { type: 'string', default: '20' }, seeds: { type: 'string', default: '200' }, from: { type: 'string', default: '1' } },
});
const n = Number(values.seeds);
const from = Number(values.from);
let failed = 0;
for (let seed = from; seed < from + n; seed++) {
  const r = await runFault({ seed, clients: Number(values.clients), tps: Number(values.tps), seconds: Number(values.seconds) });
  if (!r.ok) failed++;
  process.stdout.write(`${JSON.stringify({ seed, ok: r.ok, ...r.stats, violations: r.violations })}\n`);
}
process.stdout.write(`${JSON.stringify({ done: true, seeds: n, passed: n - failed, failed })}\n`);
process.exit(failed ? 1 : 0);
