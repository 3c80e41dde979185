/**
 * Every character issue 14 names: each can end a header line in some
 * reader, or did in our old latin1 header writer. Tests feed them into
 * every field that reaches a header.
 */
export const HOSTILE: Record<string, string> = {
  CR: '\r',
  LF: '\n',
  CRLF: '\r\n',
  NUL: '\u0000',
  'U+0085 NEL': '\u0085',
  'U+2028': '\u2028',
  'U+2029': '\u2029',
  // Č Ċ: letters, but written as latin1 they were the bytes 0D 0A, CR LF.
  'U+010D U+010A': '\u010d\u010a',
};

/** The reproduction: text that, were its line broken, would add a Reply-To header. */
export const INJECTED = 'Reply-To: attacker@evil.example';
