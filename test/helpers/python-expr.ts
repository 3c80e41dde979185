/**
 * Just enough of Python's expression grammar to read the `Expect:` line of a
 * feedparser test file (tests/wellformed/**): string and number literals,
 * tuples, dicts, subscripts, attributes, calls, `+`, comparisons and
 * `and`/`or`/`not`. Nothing is evaluated; the caller walks the tree.
 * https://docs.python.org/3/reference/expressions.html
 */
export type PyNode =
  | { kind: 'str'; value: string }
  | { kind: 'num'; value: number }
  | { kind: 'name'; name: string }
  | { kind: 'tuple'; items: PyNode[] }
  | { kind: 'list'; items: PyNode[] }
  | { kind: 'dict'; entries: [PyNode, PyNode][] }
  | { kind: 'index'; target: PyNode; key: PyNode }
  | { kind: 'attr'; target: PyNode; name: string }
  | { kind: 'call'; target: PyNode; args: PyNode[] }
  | { kind: 'add'; items: PyNode[] }
  | { kind: 'neg'; operand: PyNode }
  | { kind: 'compare'; operands: PyNode[]; ops: string[] }
  | { kind: 'and' | 'or'; items: PyNode[] }
  | { kind: 'not'; operand: PyNode };

type Token = { type: 'str'; value: string } | { type: 'num'; value: number } | { type: 'name' | 'op'; value: string };

const STRING_START = /^(?:[rRuUbBfF]{1,2})?(?:'''|"""|'|")/;

/** Parses one Python expression; throws on anything outside the subset above. */
export function parsePython(source: string): PyNode {
  const tokens = tokenize(source);
  let at = 0;
  const peek = (value: string): boolean => isWord(tokens[at], value);
  const take = (value: string): boolean => {
    if (!peek(value)) return false;
    at++;
    return true;
  };
  const expect = (value: string): void => {
    if (!take(value)) throw new Error(`expected "${value}" at token ${at} of: ${source}`);
  };

  const orExpr = (): PyNode => chain('or', andExpr);
  const andExpr = (): PyNode => chain('and', notExpr);
  function chain(word: 'and' | 'or', next: () => PyNode): PyNode {
    const items = [next()];
    while (take(word)) items.push(next());
    return items.length === 1 ? items[0]! : { kind: word, items };
  }
  function notExpr(): PyNode {
    return take('not') ? { kind: 'not', operand: notExpr() } : comparison();
  }
  function comparison(): PyNode {
    const operands = [sum()];
    const ops: string[] = [];
    for (;;) {
      const op =
        ['==', '!=', '<', '>', '<=', '>=', 'in'].find((o) => take(o)) ??
        (peek('not') && isWord(tokens[at + 1], 'in') && take('not') && take('in') ? 'not in' : undefined) ??
        (take('is') ? (take('not') ? 'is not' : 'is') : undefined);
      if (!op) break;
      ops.push(op);
      operands.push(sum());
    }
    return ops.length === 0 ? operands[0]! : { kind: 'compare', operands, ops };
  }
  function sum(): PyNode {
    const items = [unary()];
    while (take('+')) items.push(unary());
    return items.length === 1 ? items[0]! : { kind: 'add', items };
  }
  function unary(): PyNode {
    return take('-') ? { kind: 'neg', operand: unary() } : postfix(atom());
  }
  function postfix(node: PyNode): PyNode {
    for (;;) {
      if (take('[')) {
        node = { kind: 'index', target: node, key: orExpr() };
        expect(']');
      } else if (take('.')) {
        const name = tokens[at++];
        if (name?.type !== 'name') throw new Error(`expected a name after "." in: ${source}`);
        node = { kind: 'attr', target: node, name: name.value };
      } else if (take('(')) {
        node = { kind: 'call', target: node, args: sequence(')') };
      } else {
        return node;
      }
    }
  }
  /** Items up to `close`, comma-separated, a trailing comma allowed. */
  function sequence(close: string): PyNode[] {
    const items: PyNode[] = [];
    while (!take(close)) {
      items.push(orExpr());
      if (!take(',')) {
        expect(close);
        break;
      }
    }
    return items;
  }
  function atom(): PyNode {
    const token = tokens[at++];
    if (!token) throw new Error(`unexpected end of: ${source}`);
    if (token.type === 'str') {
      // Adjacent literals concatenate ('a' 'b').
      let value = token.value;
      while (tokens[at]?.type === 'str') value += (tokens[at++] as { value: string }).value;
      return { kind: 'str', value };
    }
    if (token.type === 'num') return { kind: 'num', value: token.value };
    if (token.type === 'name') return { kind: 'name', name: token.value };
    if (token.value === '(') {
      if (take(')')) return { kind: 'tuple', items: [] };
      const first = orExpr();
      // (x) is x; (x,) and (x, y) are tuples.
      if (take(')')) return first;
      expect(',');
      return { kind: 'tuple', items: [first, ...sequence(')')] };
    }
    if (token.value === '[') return { kind: 'list', items: sequence(']') };
    if (token.value === '{') {
      const entries: [PyNode, PyNode][] = [];
      while (!take('}')) {
        const key = orExpr();
        expect(':');
        entries.push([key, orExpr()]);
        if (!take(',')) {
          expect('}');
          break;
        }
      }
      return { kind: 'dict', entries };
    }
    throw new Error(`unexpected "${token.value}" in: ${source}`);
  }

  const tree = orExpr();
  if (at !== tokens.length) throw new Error(`unexpected "${String(tokens[at]!.value)}" in: ${source}`);
  return tree;
}

/** A name or operator token spelled `value` (never a string literal that happens to read so). */
function isWord(token: Token | undefined, value: string): boolean {
  return (token?.type === 'name' || token?.type === 'op') && token.value === value;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const quote = STRING_START.exec(rest);
    if (quote) {
      const { value, length } = readString(rest, quote[0]);
      tokens.push({ type: 'str', value });
      i += length;
      continue;
    }
    const number = /^\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/.exec(rest);
    if (number) {
      tokens.push({ type: 'num', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_]\w*/.exec(rest);
    if (name) {
      tokens.push({ type: 'name', value: name[0] });
      i += name[0].length;
      continue;
    }
    const op = /^(?:==|!=|<=|>=|[-+()[\]{}.,:<>])/.exec(rest);
    if (!op) throw new Error(`cannot read "${rest.slice(0, 10)}" in: ${source}`);
    tokens.push({ type: 'op', value: op[0] });
    i += op[0].length;
  }
  return tokens;
}

/** A string literal at the start of `text`, opened by `opening` (prefix and quotes). */
function readString(text: string, opening: string): { value: string; length: number } {
  const raw = /r/i.test(opening.replace(/['"]+$/, ''));
  const quote = opening.replace(/^[a-zA-Z]+/, '');
  let value = '';
  let i = opening.length;
  while (i < text.length) {
    if (text.startsWith(quote, i)) return { value, length: i + quote.length };
    const char = text[i]!;
    if (char !== '\\') {
      value += char;
      i++;
      continue;
    }
    const next = text[i + 1] ?? '';
    if (raw) {
      value += char + next;
      i += 2;
      continue;
    }
    const escaped = readEscape(text, i);
    value += escaped.value;
    i += escaped.length;
  }
  throw new Error(`unterminated string: ${text}`);
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '' };

/** The escape sequence at `text[at]` (a backslash). https://docs.python.org/3/reference/lexical_analysis.html#escape-sequences */
function readEscape(text: string, at: number): { value: string; length: number } {
  const next = text[at + 1] ?? '';
  if (next in SIMPLE_ESCAPES) return { value: SIMPLE_ESCAPES[next]!, length: 2 };
  const hex = { x: 2, u: 4, U: 8 }[next];
  if (hex) {
    const digits = text.slice(at + 2, at + 2 + hex);
    if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) throw new Error(`bad \\${next} escape in: ${text}`);
    return { value: String.fromCodePoint(parseInt(digits, 16)), length: 2 + hex };
  }
  const octal = /^[0-7]{1,3}/.exec(text.slice(at + 1));
  if (octal) return { value: String.fromCharCode(parseInt(octal[0], 8)), length: 1 + octal[0].length };
  // Python keeps an unknown escape as written.
  return { value: `\\${next}`, length: 2 };
}
