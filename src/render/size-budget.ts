/**
 * Gmail clips HTML bodies over ~102 KB behind a "[Message clipped]" link,
 * hiding the footer and its unsubscribe link. We keep a margin below that.
 */
export const HTML_BUDGET_BYTES = 90 * 1024;

export function htmlBytes(html: string): number {
  return Buffer.byteLength(html, 'utf8');
}

export function formatKb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
