import type { Config } from '../config/config.ts';
import { escapeHtml as e } from '../render/slots.ts';

/** A response the app sends: status, HTML or other body, extra headers. */
export interface Reply {
  status: number;
  body: string;
  type?: string;
  headers?: Record<string, string>;
}

const STYLE = `
*{box-sizing:border-box}html{color-scheme:light dark}
body{margin:0;background:#f2efe9;color:#1d1f23;font:17px/1.6 -apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif}
header,main,footer{max-width:560px;margin:0 auto;padding:20px}
header{padding-top:32px}header a{font:700 28px/1.2 Georgia,serif;color:#1d1f23;text-decoration:none}
main{background:#fff;border-radius:6px}h1{font:700 24px/1.3 Georgia,serif;margin:0 0 12px}
a{color:#a3361a}footer{font-size:14px;color:#555b63}
label{display:block;font-weight:600;margin:14px 0 4px}input[type=email],input[type=text]{font:inherit;width:100%;padding:10px;border:1px solid #8a8479;border-radius:6px}
fieldset{border:1px solid #e2dcd0;border-radius:6px;margin:16px 0;padding:8px 14px}legend{font-weight:600;padding:0 4px}
fieldset label{display:flex;gap:10px;align-items:center;font-weight:400;margin:0;min-height:44px}input[type=checkbox]{width:22px;height:22px}
button{font:inherit;font-weight:600;min-height:44px;padding:10px 20px;border:0;border-radius:6px;background:#a3361a;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#a3361a;border:2px solid #a3361a}
:focus-visible{outline:3px solid #1d6fd1;outline-offset:2px}.error{color:#a3361a;font-weight:600}.muted{color:#555b63}
@media (prefers-color-scheme:dark){body{background:#141518;color:#ececec}main{background:#1f2125}header a{color:#ececec}a{color:#ff9d7a}
footer,.muted{color:#b3b8bf}button{background:#ff9d7a;color:#141518}button.secondary{background:#1f2125;color:#ff9d7a;border-color:#ff9d7a}.error{color:#ff9d7a}
input[type=email],input[type=text]{background:#141518;color:#ececec;border-color:#6b6f75}fieldset{border-color:#3a3d42}}
`;

/** A small server-rendered page in the publication's style; works without JavaScript. */
export function page(config: Config, status: number, title: string, body: string): Reply {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(title)} · ${e(config.publicationName)}</title><style>${STYLE}</style></head>
<body><header><a href="${e(config.publicUrl)}">${e(config.publicationName)}</a></header><main>${body}</main><footer><p>${e(config.postalAddress)}</p></footer></body></html>`;
  return { status, body: html, type: 'text/html; charset=utf-8' };
}

export function badLinkPage(config: Config): Reply {
  return page(
    config,
    400,
    'Link not valid',
    `<h1>This link is not valid</h1><p>It may be incomplete or altered. Nothing was changed. Please use the link exactly as it appears in the email, or <a href="/subscribe">subscribe again</a>.</p>`,
  );
}

/**
 * The answer to a link from an editor's test copy (a `test` token, see
 * personalize/recipient-values.ts): what the link does in a reader's email, and
 * that nothing changed. 200, so a one-click POST from a mailbox provider is
 * not retried.
 */
export function testCopyLinkPage(config: Config, whatItDoes: string): Reply {
  return page(
    config,
    200,
    'Link from a test copy',
    `<h1>This link is from a test copy</h1><p>In the email a reader receives, this link ${e(whatItDoes)}. This copy was sent to an editor for checking, so nothing was changed.</p>`,
  );
}

export function topicsFieldset(categories: string[], chosen: string[], legend: string): string {
  const picked = new Set(chosen.map((c) => c.toLowerCase()));
  const boxes = categories
    .map(
      (c, i) =>
        `<label for="topic-${i}"><input type="checkbox" id="topic-${i}" name="topics" value="${e(c)}"${picked.has(c.toLowerCase()) ? ' checked' : ''}> ${e(c)}</label>`,
    )
    .join('');
  return `<fieldset><legend>${e(legend)}</legend>${boxes}</fieldset>`;
}
