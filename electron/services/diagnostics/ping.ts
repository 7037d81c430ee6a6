import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';

/**
 * `hub ping`: round trips to the hub's /healthz (what the sync client talks to) and,
 * for https, the certificate the hub presents — read with node:tls, trusted or not,
 * so IT can see an expired or self-signed certificate instead of a bare failure.
 * Node's trust store is what matters: the sync client (fetch, ws) uses it too.
 */
export interface PingAttempt {
  ms: number | null;
  status: number | null;
  error: string | null;
}

export interface TlsInfo {
  authorized: boolean;
  authorizationError: string | null;
  protocol: string | null;
  cipher: string | null;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  daysLeft: number;
  fingerprint256: string;
  altNames: string[];
  serialNumber: string;
}

export interface PingResult {
  url: string;
  attempts: PingAttempt[];
  hub: { hubId: string; seq: number } | null;
  tls: TlsInfo | null;
  tlsError: string | null;
}

export interface PingOptions {
  attempts?: number;
  timeoutMs?: number;
  /** Trusted CAs instead of Node's (tests; IT normally uses NODE_EXTRA_CA_CERTS). */
  ca?: string | Buffer;
  now?: () => number;
}

function describeError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message}` : String(err.message ?? e);
}

function once(url: URL, opts: PingOptions): Promise<PingAttempt & { body: string }> {
  return new Promise((resolve) => {
    const start = performance.now();
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      { method: 'GET', agent: false, timeout: opts.timeoutMs ?? 5000, headers: { accept: 'application/json' }, ...(opts.ca ? { ca: opts.ca } : {}) },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (body.length < 64 * 1024) body += c;
        });
        res.on('end', () => resolve({ ms: Math.round((performance.now() - start) * 10) / 10, status: res.statusCode ?? null, error: null, body }));
        res.on('error', (e) => resolve({ ms: null, status: res.statusCode ?? null, error: describeError(e), body: '' }));
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${opts.timeoutMs ?? 5000} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => resolve({ ms: null, status: null, error: describeError(e), body: '' }));
    req.end();
  });
}

function name(x: PeerCertificate['subject'] | undefined): string {
  if (!x) return '';
  const parts = [x.CN && `CN=${x.CN}`, x.O && `O=${x.O}`, x.OU && `OU=${x.OU}`, x.C && `C=${x.C}`].filter(Boolean);
  return parts.join(', ');
}

export function readCertificate(url: URL, opts: PingOptions): Promise<TlsInfo> {
  const now = opts.now ?? Date.now;
  return new Promise((resolve, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const socket = tlsConnect({
      host,
      port: Number(url.port || 443),
      ...(isIP(host) ? {} : { servername: host }),
      // We want to *see* the certificate even when it is not trusted; the verdict is reported.
      rejectUnauthorized: false,
      timeout: opts.timeoutMs ?? 5000,
      ...(opts.ca ? { ca: opts.ca } : {}),
    });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const validTo = new Date(cert.valid_to);
      const info: TlsInfo = {
        authorized: socket.authorized,
        authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
        protocol: socket.getProtocol(),
        cipher: socket.getCipher()?.name ?? null,
        subject: name(cert.subject),
        issuer: name(cert.issuer),
        validFrom: new Date(cert.valid_from).toISOString(),
        validTo: validTo.toISOString(),
        daysLeft: Math.floor((validTo.getTime() - now()) / 86_400_000),
        fingerprint256: cert.fingerprint256,
        altNames: (cert.subjectaltname ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        serialNumber: cert.serialNumber,
      };
      socket.end();
      resolve(info);
    });
    socket.once('timeout', () => socket.destroy(Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' })));
    socket.once('error', reject);
  });
}

export async function pingHub(hubUrl: string, opts: PingOptions = {}): Promise<PingResult> {
  const base = new URL(hubUrl);
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}/healthz`, base);
  const attempts: PingAttempt[] = [];
  let hub: PingResult['hub'] = null;
  for (let i = 0; i < (opts.attempts ?? 3); i++) {
    const { body, ...a } = await once(url, opts);
    attempts.push(a);
    if (a.status === 200 && !hub) {
      try {
        const v = (JSON.parse(body) as { value?: { hubId?: unknown; seq?: unknown } }).value;
        if (typeof v?.hubId === 'string' && typeof v.seq === 'number') hub = { hubId: v.hubId, seq: v.seq };
      } catch {
        // not the hub's envelope
      }
    }
  }
  let tls: TlsInfo | null = null;
  let tlsError: string | null = null;
  if (base.protocol === 'https:') {
    try {
      tls = await readCertificate(base, opts);
    } catch (e) {
      tlsError = describeError(e);
    }
  }
  return { url: url.href, attempts, hub, tls, tlsError };
}
