import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const pages = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Every TypeScript block of the documentation, with the example file its caption names. */
const blocks = pages.flatMap((page) =>
  [...readFileSync(join(ROOT, page), 'utf8').matchAll(/^(.*)\n\n```ts\n([\s\S]*?)```/gm)].map((match) => ({
    page,
    example: /\(examples\/([\w-]+\.ts)\)/.exec(match[1])?.[1],
    code: match[2],
  })),
);

describe('documentation code samples', () => {
  it('has samples to check', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  // docs/examples is type-checked (tsconfig.json) and linted (eslint.config.mjs) with the project.
  it.each(blocks)('$page shows docs/examples/$example exactly', ({ example, code }) => {
    expect(example).toBeDefined();
    expect(code).toBe(readFileSync(join(ROOT, 'docs', 'examples', example!), 'utf8'));
  });

  it('counts every TypeScript block, so none escapes the check', () => {
    const fences = pages.reduce(
      (sum, page) => sum + (readFileSync(join(ROOT, page), 'utf8').match(/^```ts$/gm)?.length ?? 0),
      0,
    );
    expect(blocks).toHaveLength(fences);
  });
});
