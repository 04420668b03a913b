import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..');
const DOC_PAGES = readdirSync(join(ROOT, 'docs'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/${name}`);
const PAGES = ['README.md', ...DOC_PAGES];

type Token = { type: string; href?: string };

/** Every link and image target of a page, as Markdown reads them (not what code blocks show). */
async function targetsOf(page: string): Promise<string[]> {
  const { marked } = await import('marked');
  const targets: string[] = [];
  void marked.walkTokens(marked.lexer(readFileSync(join(ROOT, page), 'utf8')), (token: Token) => {
    if ((token.type === 'link' || token.type === 'image') && token.href) targets.push(token.href);
  });
  return targets;
}

const isRelative = (href: string) => !/^[a-z][a-z0-9+.-]*:/i.test(href) && !href.startsWith('#');

describe('documentation links', () => {
  it.each(PAGES)('%s: every relative link names a file or folder of the repository', async (page) => {
    const targets = (await targetsOf(page)).filter(isRelative);
    const missing = targets.filter((href) => !existsSync(join(ROOT, dirname(page), href.replace(/[#?].*$/, ''))));
    expect(missing).toEqual([]);
  });

  it('README.md links every page of docs/, so that each one can be found', async () => {
    const linked = new Set(
      (await targetsOf('README.md')).filter(isRelative).map((href) => relative(ROOT, join(ROOT, href.split('#')[0]))),
    );
    expect(DOC_PAGES.filter((page) => !linked.has(page))).toEqual([]);
  });
});
