import { createElement, use } from 'react';

/**
 * React Email's tools (`email dev`, `email export`) render a template and show
 * what React produced; ours produce MJML. The files in this folder are the
 * templates as those tools should see them: each renders the compiled email,
 * compiled by the sender's own code (React → MJML → HTML, strict) in the
 * compile server `scripts/email-dev.ts` runs beside the tool, from the
 * templates on disk. Nothing here compiles, and MJML is never bundled into a
 * preview (which made every reload take 14–30 s).
 */
const compiles = new Map<string, Promise<string>>();

function compile(name: string, props: unknown): Promise<string> {
  const server = process.env.DIGEST_COMPILE_URL;
  if (!server) return Promise.reject(new Error('no compile server: start React Email with `npm run email:dev` (or `npm run email:export`)'));
  const key = `${name}\n${JSON.stringify(props)}`;
  let pending = compiles.get(key);
  if (!pending) {
    pending = fetch(`${server}/compile/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(props) }).then(
      async (response) => (response.ok ? response.text() : Promise.reject(new Error(await response.text()))),
    );
    compiles.set(key, pending);
  }
  return pending;
}

/**
 * The email `name` compiled with `props` (the template fills in its
 * PreviewProps for what is missing), as a document React renders: the
 * compiled page's head and body inside an html element.
 */
export function CompiledEmail({ name, props }: { name: string; props: object }) {
  const html = use(compile(name, props));
  const inner = /<html[^>]*>([\s\S]*)<\/html>/i.exec(html)?.[1] ?? html;
  // biome-ignore lint/security/noDangerouslySetInnerHtml: the sender's own compiled email, shown as it is.
  return createElement('html', { lang: 'en', dangerouslySetInnerHTML: { __html: inner } });
}
