/**
 * The user name and password a URL carries, percent-decoded as its server
 * receives them (`pass%40word` → `pass@word`). A stray `%` that is no escape
 * (`100%`) is kept as written: the URL parser lets it through, and decoding
 * it would throw.
 *
 * @example
 * urlCredentials(new URL('https://ann:s%40cret@feeds.example/rss.xml')); // { username: 'ann', password: 's@cret' }
 */
export function urlCredentials(url: URL): { username: string; password: string } {
  return { username: percentDecoded(url.username), password: percentDecoded(url.password) };
}

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
