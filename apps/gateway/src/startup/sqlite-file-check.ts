import { accessSync, closeSync, constants, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StartupFailure } from '@ehr-gateway/config';

const SQLITE_HEADER = 'SQLite format 3\0';

/**
 * Checks, before anything opens it, that a configured SQLite file can be used:
 * an existing file must be a readable and writable SQLite database (or empty), a
 * missing one must be creatable. Throws a `StartupFailure` naming `key`.
 */
export function checkSqliteFile(key: string, path: string): void {
  if (path === ':memory:') return;
  const fix = `Point ${key} at a writable file, or use :memory:`;
  if (!existsSync(path)) {
    const directory = nearestExistingDirectory(dirname(resolve(path)));
    if (!isAccessible(directory, constants.W_OK)) {
      throw new StartupFailure(key, `cannot create ${path}: ${directory} is not writable`, fix);
    }
    return;
  }
  if (!statSync(path).isFile()) throw new StartupFailure(key, `${path} is not a file`, fix);
  if (!isAccessible(path, constants.R_OK | constants.W_OK)) {
    throw new StartupFailure(key, `${path} is not readable and writable by this user`, fix);
  }
  if (statSync(path).size > 0 && readHeader(path) !== SQLITE_HEADER) {
    throw new StartupFailure(
      key,
      `${path} is not a SQLite database`,
      `${fix} (npm run store:reset recreates the development store)`,
    );
  }
}

function nearestExistingDirectory(directory: string): string {
  let current = directory;
  while (!existsSync(current)) current = dirname(current);
  return current;
}

function isAccessible(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

function readHeader(path: string): string {
  const buffer = Buffer.alloc(SQLITE_HEADER.length);
  const descriptor = openSync(path, 'r');
  try {
    readSync(descriptor, buffer, 0, buffer.length, 0);
  } finally {
    closeSync(descriptor);
  }
  return buffer.toString('latin1');
}
