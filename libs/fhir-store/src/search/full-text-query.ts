import { FilterExpr, invalid } from './search-query';

/** Alternatives (comma-separated values) of one `_text`/`_content` parameter, at most. */
const MAX_ALTERNATIVES = 10;
/** Words of one alternative, at most. */
const MAX_WORDS = 16;
const MAX_VALUE_LENGTH = 256;
/**
 * Full-text terms (the tokens FTS5 looks up: `a-b` is two) of one search, at most. FTS5 matches a
 * query in one step that no budget check interrupts (node:sqlite has no progress handler), and its
 * cost grows with the terms: this bounds it, in the search workers and in the writer thread alike.
 */
export const MAX_FULL_TEXT_TERMS = 64;
/** A run of the characters FTS5's unicode61 tokenizer keeps in a token. */
const TERM = /[\p{L}\p{N}\p{Co}]+/gu;
/** Control characters (NUL ends an FTS5 string early): refused. */
const CONTROL = /\p{Cc}/u;

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
      if (CONTROL.test(value)) throw invalid(name, 'has a control character');
      const words = value.split(/\s+/).filter((word) => WORD.test(word));
      if (words.length === 0) throw invalid(name, 'has no word to search for');
      if (words.length > MAX_WORDS) throw invalid(name, `takes at most ${MAX_WORDS} words per value`);
      return `(${words.map(quoted).join(' AND ')})`;
    })
    .join(' OR ');
}

/** Refuses a search whose `_text`/`_content` values (chained ones too) have more than `MAX_FULL_TEXT_TERMS` terms. */
export function checkFullTextTerms(filters: FilterExpr[]): void {
  let terms = 0;
  const visit = (filter: FilterExpr): void => {
    if (filter.kind === 'chain') filter.links.forEach((link) => visit(link.next));
    if (filter.kind === 'has') visit(filter.next);
    if (filter.kind !== 'text') return;
    for (const value of filter.values) terms += value.match(TERM)?.length ?? 0;
    if (terms > MAX_FULL_TEXT_TERMS)
      throw invalid(filter.name, `brings the search over ${MAX_FULL_TEXT_TERMS} full-text words (_text, _content)`);
  };
  filters.forEach(visit);
}
