/*
 * Masks the password in every URL of a text, for anything a person or a log
 * sees: `postgres://digest:hunter2@db/news` → `postgres://digest:***@db/news`.
 * It works on free text (an error message that quotes a URL) and on malformed
 * URLs, because the value an error echoes is often the mistyped one, which no
 * URL parser accepts. Masking too much is harmless; too little leaks.
 */

/**
 * `//user:password@`: the password runs to the last `@` before the path, so a
 * password holding `@`, `:` or (mistyped) a space is masked whole.
 */
const AFTER_SLASHES = /(\/\/[^\s/?#@:]*:)[^/?#\r\n]*@/g;

/**
 * `user:password@host` at the start of a word, with or without a scheme
 * (`postgres:u:pw@db`, `postgres:/u:pw@db`, `u:pw@db`): mistyped URLs that
 * lost their `//`. No spaces here, so prose such as `line 3: ann@example.com`
 * is left alone.
 */
const BARE = /((?:^|(?<=[\s"'(<,;]))(?:[a-z][a-z0-9+.-]*:\/?)?[^\s/?#@:"'<>()]+:)[^\s/?#"'<>]*@/gi;

/**
 * `text` with the password part of every URL userinfo replaced by `***`; the
 * scheme, user name, host and path stay, so the message still says which
 * server was meant.
 *
 * @example
 * maskCredentials('cannot fetch https://ann:s3cret@feeds.example/rss.xml: 401 Unauthorized');
 * // 'cannot fetch https://ann:***@feeds.example/rss.xml: 401 Unauthorized'
 */
export function maskCredentials(text: string): string {
  return text.replace(AFTER_SLASHES, '$1***@').replace(BARE, '$1***@');
}
