import { posix, win32 } from 'node:path';
import { effectiveSettings, policyView, type Effective } from '../services/policy/effective';
import { loadPolicy, queryRegistry, type LoadedPolicy } from '../services/policy/load';
import type { PolicyView } from '../../shared/contract/console';

/**
 * Machine policy for the main process: where the file lives per platform and how it
 * becomes the settings createWorkstation gets. Pure apart from the file/registry read
 * (injectable), so precedence is unit-tested without Electron.
 *
 *   Windows  %ProgramData%\Lantern\policy.json  (+ HKLM\SOFTWARE\Policies\Lantern, from the MSI or GPO)
 *   Linux    /etc/lantern/policy.json
 *   macOS    /Library/Application Support/Lantern/policy.json
 *
 * LANTERN_POLICY_FILE overrides the path in development and tests only: a packaged
 * app ignores it, so a user cannot point the app at a policy of their own.
 */
export function machinePolicyPath(platform: string, env: Readonly<Record<string, string | undefined>>, isPackaged: boolean): string {
  const override = env.LANTERN_POLICY_FILE?.trim();
  if (!isPackaged && override) return override;
  if (platform === 'win32') return win32.join(env.ProgramData?.trim() || 'C:\\ProgramData', 'Lantern', 'policy.json');
  if (platform === 'darwin') return posix.join('/Library', 'Application Support', 'Lantern', 'policy.json');
  return posix.join('/etc', 'lantern', 'policy.json');
}

export interface MachinePolicy extends Effective {
  loaded: LoadedPolicy;
  view: PolicyView;
}

export interface MachinePolicyInput {
  platform: string;
  isPackaged: boolean;
  env: Readonly<Record<string, string | undefined>>;
  /** Windows registry reader (default: reg.exe); tests pass output text. */
  readRegistry?: () => string | null;
}

/** Throws PolicyError (→ formatPolicyError dialog) when the policy exists but is wrong. */
export function loadMachinePolicy(input: MachinePolicyInput): MachinePolicy {
  const file = machinePolicyPath(input.platform, input.env, input.isPackaged);
  // The registry is machine policy too, so (like the file) an unpackaged run with an
  // explicit LANTERN_POLICY_FILE reads only that file: tests stay hermetic on Windows.
  const useRegistry = input.platform === 'win32' && (input.isPackaged || !input.env.LANTERN_POLICY_FILE?.trim());
  const loaded = loadPolicy({ file, ...(useRegistry ? { registry: (input.readRegistry ?? queryRegistry)() } : {}) });
  const effective = effectiveSettings(loaded, input.env);
  return { ...effective, loaded, view: policyView(loaded, effective.settings, file) };
}
