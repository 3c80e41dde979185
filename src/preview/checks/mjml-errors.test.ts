import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mjml, MjmlBody, MjmlButton, MjmlColumn, MjmlSection, MjmlText } from '@faire/mjml-react';
import mjml2html from 'mjml';
import { createElement as h } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MjmlCompileError, type MjmlWarning, compileMjml } from '../../render/compile-mjml.ts';
import { componentFor, locateMjmlErrors, mjmlErrorsHtml } from './mjml-errors.ts';

/** Two templates that both use <MjmlButton>; only the second passes an attribute MJML refuses. */
const CALL_TO_ACTION = `import { MjmlButton } from '@faire/mjml-react';

export function ReadButton({ href }: { href: string }) {
  return (
    <MjmlButton href={href} backgroundColor="#a3361a" color="#ffffff">
      Read the story
    </MjmlButton>
  );
}
`;

const SUBSCRIBE = `import { MjmlButton, MjmlText } from '@faire/mjml-react';

export function Subscribe() {
  return (
    <>
      <MjmlText>Like what you read?</MjmlText>
      <MjmlButton
        href="https://example.org/subscribe"
        backgroundColor="#1d1f23"
        glowColor="#ffcc00"
      >
        Subscribe now
      </MjmlButton>
    </>
  );
}
`;

let templateDir: string;

beforeAll(async () => {
  templateDir = await mkdtemp(join(tmpdir(), 'templates-'));
  await mkdir(join(templateDir, 'components'));
  await writeFile(join(templateDir, 'components', 'read-button.tsx'), CALL_TO_ACTION);
  await writeFile(join(templateDir, 'subscribe.tsx'), SUBSCRIBE);
  await writeFile(join(templateDir, 'notes.md'), '<MjmlButton glowColor="x">not a template</MjmlButton>');
});

afterAll(async () => {
  await rm(templateDir, { recursive: true, force: true });
});

/** The element tree the two templates above render, compiled the way the sender compiles. */
function digestElement() {
  const button = MjmlButton as unknown as (props: Record<string, unknown>) => null;
  return h(
    Mjml,
    null,
    h(
      MjmlBody,
      null,
      h(
        MjmlSection,
        null,
        h(
          MjmlColumn,
          null,
          h(button, { href: 'https://example.org/story', backgroundColor: '#a3361a', color: '#ffffff' }, 'Read the story'),
          h(MjmlText, null, 'Like what you read?'),
          h(button, { href: 'https://example.org/subscribe', backgroundColor: '#1d1f23', glowColor: '#ffcc00' }, 'Subscribe now'),
        ),
      ),
    ),
  );
}

async function compileErrors(): Promise<{ mjml: string; errors: MjmlWarning[] }> {
  try {
    await compileMjml(digestElement());
  } catch (error) {
    if (!(error instanceof MjmlCompileError)) throw error;
    // compileMjml does not hand back the MJML of a failed compile; React Email's render of the same element is it.
    const { render } = await import('@react-email/render');
    const mjml = (await render(digestElement(), { pretty: false })).replace(/^<!DOCTYPE[^>]*>/i, '').replace(/<!--[^>]*-->/g, '');
    return { mjml, errors: error.warnings };
  }
  throw new Error('expected MJML to refuse glow-color');
}

describe('locateMjmlErrors', () => {
  it("points compileMjml's error at the template and line that wrote the attribute", async () => {
    const { mjml, errors } = await compileErrors();
    expect(errors).toEqual([{ line: 1, tagName: 'mj-button', message: 'Attribute glow-color is illegal' }]);

    const [located] = await locateMjmlErrors(errors, { mjml, templateDir });
    expect(located!.component).toBe('MjmlButton');
    expect(located!.mjmlLine).toBe(1);
    expect(located!.mjmlSnippet).toContain('glow-color="#ffcc00"');
    expect(located!.candidates.map((c) => [c.file, c.line])).toEqual([
      [join(templateDir, 'subscribe.tsx'), 10],
      [join(templateDir, 'components', 'read-button.tsx'), 5],
    ]);
    expect(located!.candidates[0]!.snippet).toBe('<MjmlButton href="https://example.org/subscribe" backgroundColor="#1d1f23" glowColor="#ffcc00" >');
    expect(located!.candidates[0]!.score).toBeGreaterThan(located!.candidates[1]!.score);
  });

  it('uses the line and the refused value of an MJML string compiled in strict mode', async () => {
    const mjml = [
      '<mjml><mj-body><mj-section><mj-column>',
      '<mj-button href="https://example.org/story" background-color="#a3361a" color="#ffffff">Read the story</mj-button>',
      '<mj-button href="https://example.org/subscribe" background-color="#1d1f23" glow-color="#ffcc00">Subscribe now</mj-button>',
      '</mj-column></mj-section></mj-body></mjml>',
    ].join('\n');
    const thrown = await mjml2html(mjml, { validationLevel: 'strict' }).then(
      () => null,
      (error: { errors: MjmlWarning[] }) => error,
    );
    const errors = thrown!.errors.map(({ line, tagName, message }) => ({ line, tagName, message }));
    expect(errors).toEqual([{ line: 3, tagName: 'mj-button', message: 'Attribute glow-color is illegal' }]);

    const [located] = await locateMjmlErrors(errors, { mjml, templateDir });
    expect(located!.mjmlLine).toBe(3);
    expect(located!.mjmlSnippet).toMatch(/^<mj-button href="https:\/\/example.org\/subscribe"/);
    expect(located!.candidates[0]).toMatchObject({ file: join(templateDir, 'subscribe.tsx'), line: 10 });
  });

  it('ranks by attributes and text in common when the error names no attribute', async () => {
    const mjml =
      '<mjml><mj-body><mj-section><mj-column><mj-button href="https://example.org/story" background-color="#a3361a">Read the story</mj-button></mj-column></mj-section></mj-body></mjml>';
    const [located] = await locateMjmlErrors([{ line: 1, tagName: 'mj-button', message: 'mj-button cannot be used inside mj-column' }], { mjml, templateDir });
    expect(located!.candidates[0]).toMatchObject({ file: join(templateDir, 'components', 'read-button.tsx'), line: 5 });
  });

  it('returns no candidates for a component no template uses', async () => {
    const [located] = await locateMjmlErrors([{ line: 1, tagName: 'mj-navbar-link', message: 'Attribute x is illegal' }], {
      mjml: '<mjml></mjml>',
      templateDir,
    });
    expect(located).toMatchObject({ component: 'MjmlNavbarLink', candidates: [], mjmlSnippet: '' });
    expect(mjmlErrorsHtml([located!])).toContain('No &lt;MjmlNavbarLink&gt; found in the templates.');
  });
});

describe('componentFor', () => {
  it('names the @faire/mjml-react component of a tag', () => {
    expect(['mjml', 'mj-button', 'mj-navbar-link', 'mj-accordion-element'].map(componentFor)).toEqual([
      'Mjml',
      'MjmlButton',
      'MjmlNavbarLink',
      'MjmlAccordionElement',
    ]);
  });
});

describe('mjmlErrorsHtml', () => {
  it('shows each error with its places, escaped', () => {
    const html = mjmlErrorsHtml([
      {
        error: { line: 1, tagName: 'mj-button', message: 'Attribute <x> is illegal' },
        mjmlLine: 1,
        mjmlSnippet: '<mj-button x="1">',
        component: 'MjmlButton',
        candidates: [{ file: 'emails/a.tsx', line: 7, snippet: '<MjmlButton x="1">', score: 10 }],
      },
    ]);
    expect(html).toContain('MJML refused the template: 1 error.');
    expect(html).toContain('&lt;mj-button&gt;: Attribute &lt;x&gt; is illegal');
    expect(html).toContain('<code>emails/a.tsx:7</code> <small>&lt;MjmlButton x=&quot;1&quot;&gt;</small>');
    expect(mjmlErrorsHtml([])).toContain('MJML found no errors.');
  });
});
