/** npm run bench [-- name ...] — runs the named benchmarks (all when none is named). */
import { runReplicaBench } from './replica';
import { runSyncBench } from './sync';
import { runChannelsBench } from './channels';
import { runKnowledgeBench } from './knowledge';
import { runRendererBench } from './renderer';

const benches: Record<string, () => unknown> = {
  replica: runReplicaBench,
  sync: runSyncBench,
  channels: runChannelsBench,
  knowledge: runKnowledgeBench,
  renderer: runRendererBench,
};

const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = asked.length ? asked : Object.keys(benches);
for (const name of names) {
  const run = benches[name];
  if (!run) {
    console.error(`Unknown benchmark "${name}". Known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  console.log(`▶ ${name}`);
  console.log(JSON.stringify(await run(), null, 2));
}
