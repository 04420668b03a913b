import { invalid } from './search-query';

/** Alternatives (comma-separated values) of one `_text`/`_content` parameter, at most. */
const MAX_ALTERNATIVES = 10;
/** Words of one alternative, at most. */
const MAX_WORDS = 16;
const MAX_VALUE_LENGTH = 256;

/** A word worth searching: it has a letter or a digit (the tokenizer drops everything else). */
const WORD = /[\p{L}\p{N}]/u;

/** A word as an FTS5 string: double quotes around it, its own doubled, so that it is never read as query syntax. */
const quoted = (word: string) => `"${word.replaceAll('"', '""')}"`;

/**
 * The FTS5 query of a `_text`/`_content` parameter: each value's words all
 * present (space = AND), any of the values (comma = OR, R4 3.1.1.3). Words are
 * quoted, so FTS5 operators (`OR`, `NEAR`, `*`, `col:`) in a value are plain words.
 */
export function fullTextQuery(name: string, values: string[]): string {
  if (values.length > MAX_ALTERNATIVES) throw invalid(name, `takes at most ${MAX_ALTERNATIVES} values`);
  return values
    .map((value) => {
      if (value.length > MAX_VALUE_LENGTH)
        throw invalid(name, `takes values of at most ${MAX_VALUE_LENGTH} characters`);
      const words = value.split(/\s+/).filter((word) => WORD.test(word));
      if (words.length === 0) throw invalid(name, 'has no word to search for');
      if (words.length > MAX_WORDS) throw invalid(name, `takes at most ${MAX_WORDS} words per value`);
      return `(${words.map(quoted).join(' AND ')})`;
    })
    .join(' OR ');
}
