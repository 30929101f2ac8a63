import pino, { type Logger } from 'pino';

/** JSON lines; pretty only when a person is watching the terminal. */
export function createLogger(
  level: string,
  destination: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
): Logger {
  if (destination.isTTY) {
    return pino({
      level,
      transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } },
    });
  }
  return pino({ level }, destination);
}
