import pino, { type DestinationStream, type Logger } from 'pino';
import { censor, maskText, redactPaths, stripTokenFromUrl } from './mask';

export type HubLogger = Logger;

export interface LoggerOptions {
  level?: pino.LevelWithSilent;
  /** Where lines go (default stdout). The CLI sends logs to stderr so stdout carries only its JSON events. */
  destination?: DestinationStream | NodeJS.WritableStream;
}

/**
 * pino with patient identifiers masked twice over: known fields via redact (with
 * a masking censor, so a log still shows that e.g. a name was present), and free
 * text (messages, error texts) via maskText. Request URLs lose `?token=`.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { service: 'lantern-hub' },
      redact: { paths: redactPaths(), censor },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? maskText(a) : a)) as Parameters<typeof method>;
          method.apply(this, masked);
        },
      },
      serializers: {
        err: (e: unknown) => {
          const s = pino.stdSerializers.err(e as Error);
          return { ...s, message: maskText(s.message ?? ''), stack: s.stack ? maskText(s.stack) : s.stack };
        },
        req: (req: { method?: string; url?: string; ip?: string; socket?: { remoteAddress?: string } }) => ({
          method: req.method,
          url: stripTokenFromUrl(req.url ?? ''),
          remoteAddress: req.ip ?? req.socket?.remoteAddress,
        }),
      },
    },
    (opts.destination ?? process.stdout) as DestinationStream,
  );
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
