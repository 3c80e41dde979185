/**
 * Wraps prose at `width` columns (RFC 3676 suggests 78) on word boundaries.
 * A word longer than the line (a URL) stays whole on its own line: broken URLs
 * cannot be clicked.
 */
export function wrapText(text: string, width = 78, indent = ''): string {
  return text
    .split('\n')
    .map((line) => wrapLine(line, width, indent))
    .join('\n');
}

function wrapLine(line: string, width: number, indent: string): string {
  if (line.length + indent.length <= width) return indent + line;
  const lines: string[] = [];
  let current = '';
  for (const word of line.split(/ +/)) {
    if (!word) continue;
    if (current && indent.length + current.length + 1 + word.length > width) {
      lines.push(indent + current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) lines.push(indent + current);
  return lines.join('\n');
}
