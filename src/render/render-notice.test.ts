import { describe, expect, it } from 'vitest';
import { PreviewProps as confirmPreview } from '../../emails/confirm-subscription.tsx';
import { PreviewProps as welcomePreview } from '../../emails/welcome.tsx';
import { renderConfirmSubscription, renderWelcome } from './render-notice.ts';

describe('confirm-subscription', () => {
  it('asks for one click, and says what happens if it was not you', async () => {
    const email = await renderConfirmSubscription({ ...confirmPreview, email: 'eve<script>@example.com' });
    expect(email.subject).toBe('Confirm your subscription to The Harm Ledger');
    expect(email.html).toContain(`href="${confirmPreview.confirmUrl}"`);
    expect(email.html).toContain('Confirm my subscription');
    expect(email.html).toContain('eve&lt;script&gt;@example.com');
    expect(email.html).not.toContain('<script');
    expect(email.html).not.toContain('Unsubscribe');
    expect(email.text).toContain(confirmPreview.confirmUrl);
    expect(email.text).toContain('If that was not you, ignore it');
  });
});

describe('welcome', () => {
  it('says what arrives when, with the chosen topics, and how to leave', async () => {
    const email = await renderWelcome(welcomePreview);
    expect(email.subject).toBe('Welcome to The Harm Ledger');
    expect(email.html).toContain('Hi Ada, thank you for confirming.');
    expect(email.html).toContain('stories on Privacy and Labor');
    expect(email.html).toContain(`href="${welcomePreview.unsubscribeUrl}"`);
    expect(email.html).toContain(`href="${welcomePreview.preferencesUrl}"`);
    expect(email.text).toContain(welcomePreview.unsubscribeUrl);
    expect((await renderWelcome({ ...welcomePreview, topics: [] })).text).toContain('stories on every topic we cover');
    for (const line of email.text.split('\n')) if (!line.startsWith('http')) expect(line.length).toBeLessThanOrEqual(78);
  });
});
