// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { fileURLToPath } from 'node:url';
import lantern from './eslint-rules/layering.js';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Browser globals that must not appear in shared/ (it also runs in Node and in workers). */
const DOM_GLOBALS = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'location', 'HTMLElement', 'Element', 'Node', 'alert', 'indexedDB'];
/** Node globals that must not appear in shared/ or renderer/. */
const NODE_GLOBALS = ['process', 'Buffer', '__dirname', '__filename', 'require', 'global'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', '.electron-native/**', 'bench/results/**', 'tests/e2e/screenshots/**', '**/*.d.ts.map'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { lantern },
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      'lantern/layering': ['error', { root }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error', { selector: 'TSAsExpression > TSAnyKeyword', message: 'No `as any` escapes.' }],
    },
  },
  { files: ['shared/**'], rules: { 'no-restricted-globals': ['error', ...DOM_GLOBALS, ...NODE_GLOBALS] } },
  { files: ['renderer/**'], languageOptions: { globals: globals.browser }, rules: { 'no-restricted-globals': ['error', ...NODE_GLOBALS] } },
  { files: ['electron/**', 'db/**', 'hub/**', 'tests/**', 'bench/**', 'scripts/**', 'eslint-rules/**', '**/*.config.*'], languageOptions: { globals: globals.node } },
);
