import mjml2html from 'mjml';
import { describe, expect, it } from 'vitest';
import { checkEmailCompat } from '../../render/email-compat.ts';
import { MINIMAL_MJML, compatByClient, compatHtml } from './client-compat.ts';

const compile = async (mjml: string) => (await mjml2html(mjml, { validationLevel: 'strict', minify: true, fonts: {} })).html;

const features = (clients: Awaited<ReturnType<typeof compatByClient>>, family: string, level: 'error' | 'warning') =>
  clients
    .find((c) => c.family === family)!
    .issues.filter((i) => i.level === level)
    .map((i) => i.feature);

describe('compatByClient', () => {
  it('reports nothing for the minimal MJML document, although caniemail flags plenty in it', async () => {
    const html = await compile(MINIMAL_MJML);
    expect(checkEmailCompat(html).errors.length).toBeGreaterThan(0);

    const clients = await compatByClient(html);
    expect(clients.map((c) => c.family)).toEqual(['Gmail', 'Outlook', 'Apple Mail', 'Yahoo']);
    expect(clients.every((c) => c.issues.length === 0)).toBe(true);
    expect(compatHtml(clients)).toContain('Nothing beyond what every MJML email has');
  });

  it('reports display:grid and position for the clients that drop them, not for Apple Mail', async () => {
    const clients = await compatByClient('<html><body><div style="display:grid;position:absolute;top:0">x</div></body></html>');

    expect(features(clients, 'Gmail', 'error')).toEqual(expect.arrayContaining(['display:grid', 'position']));
    expect(features(clients, 'Outlook', 'error')).toEqual(expect.arrayContaining(['display:grid', 'position']));
    expect(features(clients, 'Yahoo', 'error')).toContain('display:grid');
    // Apple Mail renders grid, and position in part (caniemail: relative and absolute but not sticky)
    expect(features(clients, 'Apple Mail', 'error')).not.toContain('display:grid');
    expect(features(clients, 'Apple Mail', 'warning')).toContain('position');

    const grid = clients[0]!.issues.find((i) => i.feature === 'display:grid')!;
    expect(grid.variants.map((v) => v.variant)).toEqual(expect.arrayContaining(['ios', 'android', 'desktop-webmail']));
  });

  it("keeps only what a template adds to MJML's output", async () => {
    const html = await compile(
      '<mjml><mj-body><mj-section><mj-column><mj-text>x</mj-text><mj-raw><div style="display:grid">y</div></mj-raw></mj-column></mj-section></mj-body></mjml>',
    );
    const clients = await compatByClient(html);
    const all = clients.flatMap((c) => c.issues.map((i) => i.feature));
    expect(all).toContain('display:grid');
    expect(all).not.toContain('<style> element');
    expect(all).not.toContain('@media');
  });
});

describe('compatHtml', () => {
  it('names each dropped feature, its client variants and the partial-support notes, escaped', async () => {
    const html = compatHtml(await compatByClient('<html><body><div style="display:grid;position:absolute">x</div></body></html>'));
    expect(html).toContain('2 features dropped by at least one client: display:grid, position.');
    expect(html).toMatch(/<h4>Gmail<\/h4><ul><li><strong>display:grid<\/strong>: not supported in [a-z-]+(, [a-z-]+)*<\/li>/);
    expect(html).toContain('<li><small>ios: Partial. Supports relative, absolute but not st');
    expect(compatHtml([{ family: 'Gmail', issues: [{ feature: '<x>', level: 'error', variants: [{ variant: 'ios', message: '' }] }] }])).toContain(
      '<strong>&lt;x&gt;</strong>',
    );
  });
});
