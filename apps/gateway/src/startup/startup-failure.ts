import { StartupFailure } from '@ehr-gateway/config';

const LISTEN_FAILURES: Record<string, { key: 'PORT' | 'HOST'; problem: string; fix: string }> = {
  EADDRINUSE: {
    key: 'PORT',
    problem: 'port {port} is already in use (is another gateway running?)',
    fix: 'Stop the other process or choose a free port, e.g. PORT={next} npm start',
  },
  EACCES: {
    key: 'PORT',
    problem: 'not allowed to listen on port {port}',
    fix: 'Choose a port above 1023, e.g. PORT=3000 npm start',
  },
  EADDRNOTAVAIL: {
    key: 'HOST',
    problem: '{host} is not an address of this machine',
    fix: 'Use 0.0.0.0 (every interface) or 127.0.0.1 (this machine only)',
  },
};

/** The failure of `listen()` as one actionable line, or `undefined` when it is not a known configuration problem. */
export function listenFailure(error: unknown, port: number, host: string): StartupFailure | undefined {
  const known = LISTEN_FAILURES[(error as NodeJS.ErrnoException)?.code ?? ''];
  if (!known) return undefined;
  const fill = (text: string) =>
    text
      .replace('{port}', String(port))
      .replace('{next}', String(port + 1))
      .replace('{host}', host);
  return new StartupFailure(known.key, fill(known.problem), fill(known.fix));
}
