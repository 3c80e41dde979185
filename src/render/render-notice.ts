import { createElement } from 'react';
import ConfirmSubscription, { type ConfirmSubscriptionProps, confirmSubject } from '../../emails/confirm-subscription.tsx';
import Welcome, { type WelcomeProps, welcomeSubject } from '../../emails/welcome.tsx';
import { compileMjml } from './compile-mjml.ts';
import { confirmSubscriptionText, welcomeText } from './notice-text.ts';

/** A one-off email to one person (confirmation, welcome): compiled per send, it is rare. */
export interface RenderedNotice {
  subject: string;
  html: string;
  text: string;
  mjml: string;
}

export async function renderConfirmSubscription(props: ConfirmSubscriptionProps): Promise<RenderedNotice> {
  const { mjml, html } = await compileMjml(createElement(ConfirmSubscription, props));
  return { subject: confirmSubject(props), html, text: confirmSubscriptionText(props), mjml };
}

export async function renderWelcome(props: WelcomeProps): Promise<RenderedNotice> {
  const { mjml, html } = await compileMjml(createElement(Welcome, props));
  return { subject: welcomeSubject(props), html, text: welcomeText(props), mjml };
}
