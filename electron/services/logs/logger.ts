import pino, { type DestinationStream, type Logger } from 'pino';
import type { Log } from '../workstation';
import { scrubText, scrubValue } from './scrub';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface WorkstationLoggerOptions {
  /** Where JSON lines go: the main process passes a RotatingFile (`<userData>/logs/main.log`). */
  destination: DestinationStream;
  level?: LogLevel;
  /** Also echo to the console (development). */
  echo?: (level: LogLevel, line: string) => void;
}

export interface WorkstationLogger {
  readonly logger: Logger;
  /** The `(level, msg, extra)` function createWorkstation and the sync client take. */
  readonly log: Log;
  setLevel(level: LogLevel): void;
}

/**
 * pino for the workstation's main process. Every message and every string inside the
 * logged object is scrubbed by the engine's PII masker before it is serialized, so
 * nothing that identifies a patient reaches the file (see scrub.ts).
 */
export function createWorkstationLogger(opts: WorkstationLoggerOptions): WorkstationLogger {
  const echo = opts.echo;
  const destination: DestinationStream = echo
    ? {
        write(line: string) {
          const level = /"level":"(error|warn|info|debug|fatal|trace)"/.exec(line)?.[1] ?? 'info';
          echo(level === 'fatal' ? 'error' : level === 'trace' ? 'debug' : (level as LogLevel), line);
          return opts.destination.write(line);
        },
      }
    : opts.destination;
  const logger = pino(
    {
      level: opts.level ?? 'info',
      base: { service: 'lantern-workstation', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => scrubValue(obj) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const masked = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>;
          method.apply(this, masked);
        },
      },
      serializers: {
        err: (e: unknown) => scrubValue(e instanceof Error ? e : { message: String(e) }),
        error: (e: unknown) => scrubValue(e instanceof Error ? e : e),
      },
    },
    destination,
  );
  const log: Log = (level, msg, extra) => {
    if (extra === undefined) logger[level](msg);
    else if (extra !== null && typeof extra === 'object' && !Array.isArray(extra)) logger[level](extra as Record<string, unknown>, msg);
    else logger[level]({ extra }, msg);
  };
  return {
    logger,
    log,
    setLevel(level) {
      logger.level = level;
    },
  };
}
