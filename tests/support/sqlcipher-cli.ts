import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Finds the official SQLCipher 4 shell. `.ci/install-sqlcipher.sh` puts it in
 * /opt/lantern-tools/bin; LANTERN_SQLCIPHER_CLI overrides. Debian 12's own
 * `sqlcipher` package is 3.4 (another file format) and is not accepted.
 */
export function findSqlcipherCli(): { path: string; version: string } | { missing: string } {
  const candidates = [process.env.LANTERN_SQLCIPHER_CLI, '/opt/lantern-tools/bin/sqlcipher', 'sqlcipher'].filter((c): c is string => !!c);
  const seen: string[] = [];
  for (const c of candidates) {
    if (c.includes('/') && !existsSync(c)) continue;
    const r = spawnSync(c, [':memory:'], { input: 'PRAGMA cipher_version;\n', encoding: 'utf8' });
    if (r.error) continue;
    const version = r.stdout.trim().split(/\s+/)[0] ?? '';
    seen.push(`${c} → ${version || 'no cipher_version'}`);
    if (/^4\./.test(version)) return { path: c, version };
  }
  return {
    missing:
      'The official SQLCipher 4 CLI was not found' +
      (seen.length ? ` (found: ${seen.join(', ')})` : '') +
      '. Install it with `sudo bash .ci/install-sqlcipher.sh` (builds Debian’s sqlcipher 4.6.1 source package into /opt/lantern-tools) or set LANTERN_SQLCIPHER_CLI.',
  };
}

export function runSqlcipher(cli: string, file: string, script: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cli, ['-batch', '-bail', file], { input: script, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
