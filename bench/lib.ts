import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Workstation } from '../electron/services/workstation';

export const resultsDir = fileURLToPath(new URL('./results', import.meta.url));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

export function environment() {
  return { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memGiB: round(totalmem() / 2 ** 30, 1) };
}

/** Writes bench/results/<name>.json: figures, targets, whether each target is met, and notes. */
export function writeResult(name: string, body: { figures: Record<string, number>; targets: Record<string, string>; notes?: unknown }) {
  mkdirSync(resultsDir, { recursive: true });
  const met: Record<string, boolean> = {};
  for (const [k, t] of Object.entries(body.targets)) {
    const m = /^(>=|<=)\s*([\d.]+)$/.exec(t);
    const v = body.figures[k];
    if (m && v !== undefined) met[k] = m[1] === '>=' ? v >= Number(m[2]) : v <= Number(m[2]);
  }
  const out = { name, measuredAt: new Date().toISOString(), environment: environment(), ...body, met };
  writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify(out, null, 2)}\n`);
  return out;
}

/** Kicks a workstation's sync until it is online with nothing queued; no time limit (benchmarks wait it out). */
export async function settleSync(ws: Workstation): Promise<void> {
  for (;;) {
    ws.sync!.kick();
    await ws.sync!.idle();
    const s = ws.sync!.snapshot();
    if (s.status === 'online' && s.queued === 0 && s.background === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}
