// @ts-check
/**
 * lantern/layering — which folder may import what (after VS Code's `code-layering`
 * and Signal-Desktop's file-suffix rule; we use folders instead of suffixes).
 *
 *   shared            ← pure TS: no node:, no DOM, no electron, only allow-listed packages
 *   db                ← shared
 *   electron/services ← shared, db            (never electron)
 *   hub               ← shared, db            (never electron)
 *   electron/main     ← shared, db, electron/services, hub, electron
 *   electron/preload  ← shared, electron      (sandboxed: nothing else)
 *   renderer          ← shared + browser packages (no node:, no electron)
 *
 * Folders not listed (tests, bench, scripts) and build config files (*.config.ts) are unrestricted.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** @type {Record<string, { layers: string[]; node: boolean; electron: boolean; packages: 'any' | string[] }>} */
export const LAYERS = {
  shared: { layers: ['shared'], node: false, electron: false, packages: ['zod', 'opencc-js'] },
  db: { layers: ['shared', 'db'], node: true, electron: false, packages: 'any' },
  'electron/services': { layers: ['shared', 'db', 'electron/services'], node: true, electron: false, packages: 'any' },
  hub: { layers: ['shared', 'db', 'hub'], node: true, electron: false, packages: 'any' },
  'electron/main': { layers: ['shared', 'db', 'electron/services', 'hub', 'electron/main'], node: true, electron: true, packages: 'any' },
  'electron/preload': { layers: ['shared', 'electron/preload'], node: false, electron: true, packages: [] },
  renderer: { layers: ['shared', 'renderer'], node: false, electron: false, packages: 'any' },
};

const LAYER_NAMES = Object.keys(LAYERS).sort((a, b) => b.length - a.length);

/** @param {string} rel posix path relative to the repo root */
export function layerOf(rel) {
  for (const name of LAYER_NAMES) {
    if (rel === name || rel.startsWith(`${name}/`)) return name;
  }
  return null;
}

/** @param {string} spec */
function packageName(spec) {
  if (spec.startsWith('@')) return spec.split('/').slice(0, 2).join('/');
  return spec.split('/')[0] ?? spec;
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce Lantern layering: which folder may import what' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      node: "'{{layer}}' must not import Node built-in '{{spec}}' (it runs {{where}}).",
      electron: "Only electron/main and electron/preload may import 'electron' ('{{layer}}' imports it).",
      layer: "'{{layer}}' must not import from '{{target}}' ({{spec}}). Allowed: {{allowed}}.",
      pkg: "'{{layer}}' must not import package '{{spec}}'. Allowed packages: {{allowed}}.",
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const file = context.filename;
    const rel = path.relative(root, file).split(path.sep).join('/');
    // Build configuration (vite.config.ts, …) runs in Node at build time, not in the layer.
    if (/\.config\.[cm]?[jt]s$/.test(rel)) return {};
    const layer = layerOf(rel);
    if (!layer) return {};
    const base = LAYERS[layer];
    if (!base) return {};
    // Colocated tests run under vitest in Node: they may also use vitest, node:
    // and tests/support — but never a layer or 'electron' their subject may not.
    const isTest = /\.test\.tsx?$/.test(rel);
    const policy = isTest
      ? { ...base, node: true, layers: [...base.layers, 'tests'], packages: base.packages === 'any' ? 'any' : [...base.packages, 'vitest'] }
      : base;

    /** @param {import('estree').Node} node @param {string} spec */
    function check(node, spec) {
      if (spec === 'electron' || spec.startsWith('electron/')) {
        if (!policy.electron) context.report({ node, messageId: 'electron', data: { layer } });
        return;
      }
      if (NODE_BUILTINS.has(spec) || spec.startsWith('node:')) {
        if (!policy.node) context.report({ node, messageId: 'node', data: { layer, spec, where: layer === 'shared' ? 'in Node, the browser and workers alike' : 'without Node' } });
        return;
      }
      if (spec.startsWith('.') || spec.startsWith('/')) {
        const target = path.relative(root, path.resolve(path.dirname(file), spec)).split(path.sep).join('/');
        const targetLayer = target.startsWith('tests/') ? 'tests' : layerOf(target);
        if (targetLayer === null) {
          if (target.startsWith('..') || !target.startsWith(layer)) {
            context.report({ node, messageId: 'layer', data: { layer, target: target.split('/')[0] ?? target, spec, allowed: policy.layers.join(', ') } });
          }
          return;
        }
        if (!policy.layers.includes(targetLayer)) context.report({ node, messageId: 'layer', data: { layer, target: targetLayer, spec, allowed: policy.layers.join(', ') } });
        return;
      }
      if (policy.packages !== 'any' && !policy.packages.includes(packageName(spec))) {
        context.report({ node, messageId: 'pkg', data: { layer, spec, allowed: policy.packages.join(', ') || '(none)' } });
      }
    }

    return {
      ImportDeclaration(node) {
        if (typeof node.source.value === 'string') check(node, node.source.value);
      },
      ExportNamedDeclaration(node) {
        if (node.source && typeof node.source.value === 'string') check(node, node.source.value);
      },
      ExportAllDeclaration(node) {
        if (typeof node.source.value === 'string') check(node, node.source.value);
      },
      ImportExpression(node) {
        if (node.source.type === 'Literal' && typeof node.source.value === 'string') check(node, node.source.value);
      },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal' && typeof node.arguments[0].value === 'string') {
          check(node, node.arguments[0].value);
        }
      },
    };
  },
};

export default { rules: { layering: rule } };
