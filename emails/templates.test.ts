import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { compileMjml } from '../src/render/compile-mjml.ts';
import ConfirmSubscription, { PreviewProps as confirmProps } from './confirm-subscription.tsx';
import WeeklyDigest, { PreviewProps as digestProps } from './weekly-digest.tsx';
import Welcome, { PreviewProps as welcomeProps } from './welcome.tsx';

/**
 * React Email's convention, which its tools (`email dev`, `email export`)
 * rely on: a template's sample props on the component (`Template.PreviewProps`),
 * and a template that renders with no props at all.
 */
describe('every template, as React Email’s tools take it', () => {
  const templates = [
    { name: 'weekly-digest', Template: WeeklyDigest, props: digestProps, text: 'Exam-proctoring software flagged darker-skinned students' },
    { name: 'confirm-subscription', Template: ConfirmSubscription, props: confirmProps, text: 'Confirm my subscription' },
    { name: 'welcome', Template: Welcome, props: welcomeProps, text: 'thank you for confirming' },
  ] as const;

  for (const { name, Template, props, text } of templates) {
    it(`${name}: carries its PreviewProps, and compiles with none given to the same email`, async () => {
      expect((Template as unknown as { PreviewProps: unknown }).PreviewProps).toBe(props);
      const bare = await compileMjml(createElement(Template as (p: object) => ReturnType<typeof Template>));
      expect(bare.html).toContain(text);
      const given = await compileMjml(createElement(Template as (p: object) => ReturnType<typeof Template>, props));
      expect(bare.html).toBe(given.html);
    });
  }

  it('what a caller gives wins over the sample: the web edition has no reader', async () => {
    const { html } = await compileMjml(createElement(WeeklyDigest, { ...digestProps, recipient: null }));
    expect(html).not.toContain('Hi Ada,');
    expect(html).toContain('This is the web edition');
  });
});
