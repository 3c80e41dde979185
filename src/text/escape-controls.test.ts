import { describe, expect, it } from 'vitest';
import { escapeControls, escapeControlsInJson, quoteForMessage } from './escape-controls.ts';

describe('escapeControls', () => {
  it('writes C0, DEL and C1 controls as escapes', () => {
    expect(escapeControls('evil\x1b[31m@example.com')).toBe('evil\\x1b[31m@example.com');
    expect(escapeControls('a\x9b31mb')).toBe('a\\x9b31mb');
    expect(escapeControls('\x00\x07\x08\x7f')).toBe('\\x00\\x07\\x08\\x7f');
    expect(escapeControls('one\rtwo\nthree\tfour')).toBe('one\\rtwo\\nthree\\tfour');
  });

  it('writes bidi embeddings, overrides and isolates as escapes', () => {
    expect(escapeControls('abc\u202egpj.exe')).toBe('abc\\u202egpj.exe');
    expect(escapeControls('\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069')).toBe('\\u202a\\u202b\\u202c\\u202d\\u2066\\u2067\\u2068\\u2069');
  });

  it('leaves printable text of any script alone', () => {
    const text = 'Zoë Ångström — 田中 שלום مرحبا 👋 \\x1b "quoted" C:\\data';
    expect(escapeControls(text)).toBe(text);
  });

  it('escapes in JSON what JSON.stringify leaves raw, and the JSON still parses to the same value', () => {
    const value = { name: 'Mallory \x1b[1A \x9b31m \u202eevil\u2069 Zoë' };
    const json = escapeControlsInJson(JSON.stringify(value));
    expect(json).toBe('{"name":"Mallory \\u001b[1A \\u009b31m \\u202eevil\\u2069 Zoë"}');
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('quoteForMessage', () => {
  it('keeps an error message on one line whatever the value holds', () => {
    expect(quoteForMessage('a\r\nb\u0085c\u2028d\u2029e\u0000\u202ef')).toBe('"a\\r\\nb\\u0085c\\u2028d\\u2029e\\u0000\\u202ef"');
  });
});
