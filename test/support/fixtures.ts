import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The shared external fixtures (outside the project; absent on a plain clone). */
export const SHARED_FIXTURES = join(__dirname, '..', '..', '..', 'shared', 'fixtures');

/**
 * The files of a shared fixture folder, or `undefined` (with a one-line notice)
 * when the folder is missing. Under `CI=true` the fixtures are optional too:
 * a clone elsewhere has none, and the project's own tests stand without them.
 */
export function sharedFixtures(folder: string, extension: string): Array<{ name: string; text: string }> | undefined {
  const path = join(SHARED_FIXTURES, folder);
  if (!existsSync(path)) {
    console.log(`../shared/fixtures/${folder} (beside the project) not found: its tests are skipped (docs/testing.md)`);
    return undefined;
  }
  return readdirSync(path)
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(path, name), 'utf8') }));
}
