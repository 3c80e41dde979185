import { describe, it, expect } from 'vitest';
import mjml2html from 'mjml';
import { checkEmailCompat, newCompatErrors } from './email-compat.ts';
import type { CompatIssue } from './email-compat.ts';

const BOILERPLATE = '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>';

const CLIENT_RE = /^(gmail|outlook|apple-mail|yahoo)\./;

describe('checkEmailCompat', () => {
  it('returns structured, client-restricted issues for the bare MJML boilerplate', async () => {
    const { html } = await mjml2html(BOILERPLATE, { validationLevel: 'strict', minify: true });
    const result = checkEmailCompat(html);

    expect(Array.isArray(result.errors)).toBe(true);
    expect(Array.isArray(result.warnings)).toBe(true);
    expect(result.errors.length + result.warnings.length).toBeGreaterThan(0);
    for (const issue of [...result.errors, ...result.warnings]) {
      expect(issue.client).toMatch(CLIENT_RE);
      expect(issue.feature).not.toBe('');
      expect(issue.message).toContain(issue.feature);
    }
    expect(result.errors.every((i) => i.level === 'error')).toBe(true);
    expect(result.warnings.every((i) => i.level === 'warning')).toBe(true);
    // one entry per client+feature and level
    const keys = result.errors.map((i) => `${i.client}|${i.feature}`);
    expect(new Set(keys).size).toBe(keys.length);
    // the boilerplate is its own baseline: nothing new
    expect(newCompatErrors(result.errors, result.errors)).toEqual([]);
  });

  it('flags display:grid and position as errors for Gmail and Outlook', () => {
    const { errors } = checkEmailCompat('<html><body><div style="display:grid;position:absolute;top:0">x</div></body></html>');
    const has = (client: string, feature: string): boolean => errors.some((i) => i.client === client && i.feature === feature);

    expect(has('gmail.desktop-webmail', 'display:grid')).toBe(true);
    expect(has('outlook.windows', 'display:grid')).toBe(true);
    expect(has('gmail.desktop-webmail', 'position')).toBe(true);
    expect(has('outlook.windows', 'position')).toBe(true);
    expect(errors.some((i) => !CLIENT_RE.test(i.client))).toBe(false);
  });

  it('finds nothing in an empty document', () => {
    expect(checkEmailCompat('')).toEqual({ errors: [], warnings: [] });
  });
});

describe('newCompatErrors', () => {
  const issue = (client: string, feature: string, level: CompatIssue['level'] = 'error'): CompatIssue => ({
    client,
    feature,
    level,
    message: `${feature} / ${client}`,
  });

  it('returns errors whose client+feature is not in the baseline', () => {
    const baseline = [issue('gmail.ios', '@import'), issue('outlook.windows', '@media')];
    const ours = [
      issue('gmail.ios', '@import'),
      issue('outlook.windows', 'display:grid'),
      issue('gmail.ios', '@media'),
      issue('yahoo.ios', 'margin', 'warning'),
    ];
    expect(newCompatErrors(baseline, ours)).toEqual([issue('outlook.windows', 'display:grid'), issue('gmail.ios', '@media')]);
  });

  it('catches a grid added to the compiled boilerplate', async () => {
    const { html } = await mjml2html(BOILERPLATE, { validationLevel: 'strict', minify: true });
    const baseline = checkEmailCompat(html).errors;
    const ours = checkEmailCompat(html.replace(/<body[^>]*>/, (tag) => `${tag}<div style="display:grid">x</div>`));
    const added = newCompatErrors(baseline, ours.errors);
    expect(added.some((i) => i.client === 'outlook.windows' && i.feature === 'display:grid')).toBe(true);
    expect(added.every((i) => i.level === 'error')).toBe(true);
  });
});
