import { describe, expect, it } from 'vitest';
import { contentTypeOf, decodedBody, leafParts, readPart } from './mime-parts.ts';

describe('mime-parts', () => {
  it('opens nested multiparts, skips preamble and epilogue, and undoes quoted-printable and base64', () => {
    const raw = [
      'Message-ID: <r@x>',
      'Content-Type: multipart/mixed;',
      '\tboundary="outer"',
      '',
      'preamble, not a part',
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'caf=C3=A9 au l=',
      'ait',
      '--inner--',
      '--outer',
      'Content-Type: text/rfc822-headers',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('Message-ID: <orig@x>\r\n').toString('base64'),
      '--outer',
      '',
      'a part without headers',
      '--outer--',
      'epilogue, not a part',
    ].join('\r\n');
    const message = readPart(raw);
    expect(message.headers.get('message-id')).toBe('<r@x>');
    expect(contentTypeOf(message)).toEqual({ type: 'multipart/mixed', params: { boundary: 'outer' } });
    const parts = leafParts(message);
    expect(parts.map((p) => contentTypeOf(p).type)).toEqual(['text/plain', 'text/rfc822-headers', 'text/plain']);
    expect(parts.map(decodedBody)).toEqual(['café au lait', 'Message-ID: <orig@x>\r\n', 'a part without headers']);
  });
});
