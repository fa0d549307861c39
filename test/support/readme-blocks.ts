/**
 * The TypeScript code blocks of a Markdown file (README.md), for the tests that compile and run them.
 */

export interface ReadmeBlock {
  /** 1-based position among the ts blocks of README.md. */
  readonly index: number;
  /** The nearest heading above the block. */
  readonly heading: string;
  /** 1-based README line of the first code line (the line after the opening fence). */
  readonly readmeLine: number;
  readonly code: string;
  readonly skipped: boolean;
}

/**
 * The ts code blocks of a Markdown text (CommonMark fences, ``` or ~~~,
 * possibly indented, as inside list items).
 */
export function extractTsBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: ReadmeBlock[] = [];
  let heading = '(top)';
  let lastNonBlank = '';
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)\s*(.*)$/.exec(line);
    if (!open) {
      const h = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
      if (h) {
        heading = h[1].replace(/`/g, '');
      }
      if (line.trim() !== '') {
        lastNonBlank = line.trim();
      }
      i++;
      continue;
    }
    const [, indent, fence, lang, rest] = open;
    const closing = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !closing.test(lines[j])) {
      // Strip the fence's indentation from the content lines (CommonMark).
      let k = 0;
      while (k < indent.length && lines[j][k] === ' ') {
        k++;
      }
      body.push(lines[j].slice(k));
      j++;
    }
    if (['ts', 'typescript'].includes(lang.toLowerCase())) {
      const info = rest.split(/\s+/).filter((w) => w !== '');
      const skipped = info.includes('nocompile') || /^<!--\s*nocompile\s*-->$/.test(lastNonBlank);
      blocks.push({
        index: blocks.length + 1,
        heading,
        readmeLine: i + 2,
        code: body.join('\n'),
        skipped,
      });
    }
    lastNonBlank = '';
    i = j + 1;
  }
  return blocks;
}
