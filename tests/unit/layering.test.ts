import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** Lints planted code as if it were a file at `relPath`; returns the layering messages. */
async function layering(relPath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, relPath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'lantern/layering' || m.ruleId === 'no-restricted-globals').map((m) => m.message);
}

describe('lantern/layering lint rule', () => {
  it('rejects node:, electron, DOM and other layers in shared/', async () => {
    expect(await layering('shared/planted.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toEqual([expect.stringMatching(/must not import Node built-in 'node:fs'/)]);
    expect(await layering('shared/planted.ts', "import fs from 'fs';\nexport const x = fs;\n")).toHaveLength(1);
    expect(await layering('shared/planted.ts', "import { app } from 'electron';\nexport const x = app;\n")).toEqual([expect.stringMatching(/Only electron\/main and electron\/preload/)]);
    expect(await layering('shared/planted.ts', "import { openReplica } from '../electron/services/replica/open';\nexport const x = openReplica;\n")).toEqual([expect.stringMatching(/'shared' must not import from 'electron\/services'/)]);
    expect(await layering('shared/planted.ts', 'export const w = window.innerWidth;\n')).toEqual([expect.stringMatching(/window/)]);
    expect(await layering('shared/planted.ts', "import lodash from 'lodash';\nexport const l = lodash;\n")).toEqual([expect.stringMatching(/must not import package 'lodash'/)]);
  });

  it('rejects node: and electron in the renderer, and reaching into services', async () => {
    expect(await layering('renderer/src/planted.ts', "import { join } from 'node:path';\nexport const j = join;\n")).toHaveLength(1);
    expect(await layering('renderer/src/planted.ts', "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n")).toHaveLength(1);
    expect(await layering('renderer/src/planted.ts', "import { createWorkstation } from '../../electron/services/workstation';\nexport const c = createWorkstation;\n")).toHaveLength(1);
    expect(await layering('renderer/src/planted.ts', "export const p = process.env;\n")).toHaveLength(1);
  });

  it('keeps electron out of services, hub and db, also via require() and import()', async () => {
    expect(await layering('electron/services/planted.ts', "import { safeStorage } from 'electron';\nexport const s = safeStorage;\n")).toHaveLength(1);
    expect(await layering('hub/planted.ts', "export const e = require('electron');\n")).toHaveLength(1);
    expect(await layering('db/planted.ts', "export const e = import('electron');\n")).toHaveLength(1);
    expect(await layering('hub/planted.ts', "export { x } from '../electron/services/x';\n")).toHaveLength(1);
    expect(await layering('electron/preload/planted.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).toHaveLength(1);
  });

  it('accepts the allowed directions', async () => {
    expect(await layering('electron/main/planted.ts', "import { app } from 'electron';\nimport { createWorkstation } from '../services/workstation';\nexport const x = [app, createWorkstation];\n")).toEqual([]);
    expect(await layering('electron/services/planted.ts', "import { z } from 'zod';\nimport { readFileSync } from 'node:fs';\nimport { contract } from '../../shared/contract';\nexport const x = [z, readFileSync, contract];\n")).toEqual([]);
    expect(await layering('renderer/src/planted.ts', "import { contract } from '../../shared/contract';\nimport { useState } from 'react';\nexport const x = [contract, useState];\n")).toEqual([]);
    expect(await layering('shared/planted.ts', "import { z } from 'zod';\nexport const x = z;\n")).toEqual([]);
  });
});
