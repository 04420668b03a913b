import { BadRequestException } from '@nestjs/common';
import { patternCanMatch, suggestPattern } from '@ehr-gateway/events';

const MAX_PATTERNS = 10;
const MAX_PATTERN_LENGTH = 200;
/** `.`-delimited segments, each a name, `*` or `**`, as `@OnEvent` patterns. */
const PATTERN = /^(?:\*\*|\*|[A-Za-z0-9_-]+)(?:\.(?:\*\*|\*|[A-Za-z0-9_-]+))*$/;

/**
 * The `pattern` query parameter (repeated or comma-separated; `**` when absent)
 * as a list of event patterns; a malformed pattern or one that can match no
 * event is a 400 naming the parameter and its position, never its value.
 */
export function parseEventPatterns(raw: unknown): string[] {
  if (raw === undefined || raw === '') return ['**'];
  const values = Array.isArray(raw) ? raw : [raw];
  if (!values.every((value): value is string => typeof value === 'string')) {
    throw new BadRequestException('pattern: must be a string');
  }
  const patterns = values.flatMap((value) => value.split(',')).map((pattern) => pattern.trim());
  if (patterns.length > MAX_PATTERNS) throw new BadRequestException(`pattern: at most ${MAX_PATTERNS} patterns`);
  patterns.forEach((pattern, index) => {
    if (pattern.length > MAX_PATTERN_LENGTH || !PATTERN.test(pattern)) {
      throw new BadRequestException(
        `pattern[${index}]: must be '.'-separated names, '*' or '**' (at most ${MAX_PATTERN_LENGTH} characters)`,
      );
    }
    if (!patternCanMatch(pattern) && pattern !== '**') {
      const suggestion = suggestPattern(pattern);
      throw new BadRequestException(
        `pattern[${index}]: can match no EHR event` + (suggestion ? `; did you mean '${suggestion}'?` : ''),
      );
    }
  });
  return patterns;
}
