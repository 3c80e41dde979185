import { render } from '@react-email/render';
import type { MJMLMinifyOptions } from 'mjml-core';
import type { ReactElement } from 'react';

export interface MjmlWarning {
  line: number;
  tagName: string;
  message: string;
}

export interface CompiledMjml {
  mjml: string;
  html: string;
}

export class MjmlCompileError extends Error {
  readonly code = 'EMJML';
  /** @param mjml the generated MJML the warnings' lines refer to (the preview places them in the templates) */
  constructor(
    readonly warnings: MjmlWarning[],
    readonly mjml = '',
  ) {
    super(`MJML validation failed: ${warnings.map((w) => `line ${w.line} <${w.tagName}>: ${w.message}`).join('; ')}`);
    this.name = 'MjmlCompileError';
  }
}

const warningOf = ({ line, tagName, message }: MjmlWarning): MjmlWarning => ({ line, tagName, message });

const MJML_OPTIONS = {
  validationLevel: 'strict',
  keepComments: false,
  // MJML links Google Fonts for names it knows (Roboto, Ubuntu...): a request
  // to Google from every reader's mail client. We use system fonts only.
  fonts: {},
  minify: true,
  minifyOptions: {
    minifyCss: 'lite',
    collapseWhitespace: true,
    removeComments: 'safe',
    removeEmptyAttributes: true,
    // htmlnano's base preset also minifies SVG (loading svgo), JSON and template tags. The
    // digest has none of them, and loading them took 200 ms of every compiling process.
    minifySvg: false,
    minifyJson: false,
    minifyHtmlTemplate: false,
  } as MJMLMinifyOptions,
} as const;

/**
 * Compiles a one-line document, so that the modules MJML's minifier loads on
 * first use are loaded before the real compile (the compile child does this
 * while it waits for its request).
 */
export async function warmUpMjml(): Promise<void> {
  const { default: mjml2html } = await import('mjml');
  await mjml2html('<mjml><mj-body><mj-section><mj-column><mj-text>.</mj-text></mj-column></mj-section></mj-body></mjml>', MJML_OPTIONS);
}

/**
 * React element → MJML (via React Email's render) → HTML (mjml 5, strict).
 * This is the costly step (tens of milliseconds): run it once per digest
 * segment, never per subscriber.
 */
export async function compileMjml(element: ReactElement): Promise<CompiledMjml> {
  const rendered = await render(element, { pretty: false });
  const mjml = rendered
    // React Email prepends an XHTML doctype, and React 19 marks Suspense
    // boundaries with comments; neither belongs in an MJML document.
    .replace(/^<!DOCTYPE[^>]*>/i, '')
    .replace(/<!--\/?\$-->/g, '')
    // React separates adjacent text nodes with empty comments.
    .replace(/<!-- -->/g, '');
  // Loaded on the first compile (a third of a second): a process that finds its compiles in the store never loads it.
  const { default: mjml2html } = await import('mjml');
  const result = await mjml2html(mjml, MJML_OPTIONS).catch((error: unknown) => {
    // mjml throws on strict validation errors, with the details attached.
    const details = (error as { errors?: { line: number; tagName: string; message: string }[] }).errors;
    if (details) throw new MjmlCompileError(details.map(warningOf), mjml);
    throw error;
  });
  if (result.errors.length > 0) {
    throw new MjmlCompileError(result.errors.map(warningOf), mjml);
  }
  // MJML hides the preheader in white text. On our off-white page spam filters read that as text
  // coloured like its background (SpamAssassin's HTML_FONT_LOW_CONTRAST, 0.7 points for every digest);
  // display:none, opacity:0 and a zero size hide it already, so the colour goes.
  return { mjml, html: result.html.replace(/(<div style="display:none;font-size:1px;)color:#ffffff;/, '$1') };
}
