import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, HubProcess } from '../fault/processes';
import { tempDir } from '../support/tmp';

const sha512 = (b: Buffer) => createHash('sha512').update(b).digest('base64');

/** The intranet update feed served by a real hub process (the one `npm run hub` starts) from the folder IT drops releases into. */
describe('update feed on a real hub process', () => {
  const t = tempDir('lantern-feed-hub-');
  let hub: HubProcess;
  let base = '';
  const exe = randomBytes(200_000);
  const EXE = 'Lantern-Setup-1.2.0.exe';

  beforeAll(async () => {
    const stable = join(t.dir, 'updates', 'stable');
    mkdirSync(stable, { recursive: true });
    writeFileSync(join(stable, EXE), exe);
    writeFileSync(join(stable, 'latest.yml'), ['version: 1.2.0', 'files:', `  - url: ${EXE}`, `    sha512: ${sha512(exe)}`, `    size: ${exe.length}`, `path: ${EXE}`, `sha512: ${sha512(exe)}`, 'stagingPercentage: 20', ''].join('\n'));
    const port = await freePort();
    hub = new HubProcess(t.dir, port);
    await hub.start(false);
    base = `http://127.0.0.1:${port}`;
  }, 90_000);
  afterAll(async () => {
    await hub?.stop();
    t.cleanup();
  });

  it('serves latest.yml and the artifact byte for byte, with a verifiable sha512', async () => {
    const yml = await fetch(`${base}/updates/stable/latest.yml`);
    expect(yml.status).toBe(200);
    const text = await yml.text();
    expect(text).toContain('version: 1.2.0');
    expect(text).toContain('stagingPercentage: 20');
    const art = await fetch(`${base}/updates/stable/${EXE}`);
    expect(art.status).toBe(200);
    const body = Buffer.from(await art.arrayBuffer());
    expect(sha512(body)).toBe(sha512(exe));
  });

  it('refuses unknown channels, files outside the release and path tricks', async () => {
    expect((await fetch(`${base}/updates/nightly/latest.yml`)).status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`${base}/updates/stable/..%2f..%2fhub.db`)).status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`${base}/updates/stable/not-listed.exe`)).status).toBeGreaterThanOrEqual(400);
  });
});
