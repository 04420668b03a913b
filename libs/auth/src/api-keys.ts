import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * The configured API keys, compared as SHA-256 digests with `timingSafeEqual`,
 * so that neither the content nor the length of a key leaks through timing.
 */
export class ApiKeys {
  private readonly digests: Buffer[];

  constructor(keys: string[]) {
    this.digests = keys.map(digest);
  }

  /** The label of the key presented (`api-key#1` for the first configured), or `undefined`. */
  labelOf(presented: string): string | undefined {
    const candidate = digest(presented);
    let match = -1;
    // Every key is compared, so the time taken does not tell which one matched.
    this.digests.forEach((known, index) => {
      if (timingSafeEqual(known, candidate) && match < 0) match = index;
    });
    return match < 0 ? undefined : `api-key#${match + 1}`;
  }
}
