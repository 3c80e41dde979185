import { markdownToHtml } from '../../src/text/markdown.ts';

/**
 * Untrusted Markdown rendered safely: raw HTML escaped, only http(s)/mailto
 * links. This is the only place templates use dangerouslySetInnerHTML for
 * content, and only with markdownToHtml's output.
 */
export function SafeMarkdown({ source }: { source: string }) {
  return <div className="md" dangerouslySetInnerHTML={{ __html: markdownToHtml(source) }} />;
}
