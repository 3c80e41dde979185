import type { ConfirmSubscriptionProps } from '../../emails/confirm-subscription.tsx';
import { type WelcomeProps, topicsSentence } from '../../emails/welcome.tsx';
import { wrapText } from '../text/wrap-text.ts';

/** The text/plain twin of the confirmation email. */
export function confirmSubscriptionText(props: ConfirmSubscriptionProps): string {
  const name = props.publication.name;
  return [
    name.toUpperCase(),
    'Confirm your subscription',
    '',
    wrapText(`Someone, hopefully you, asked for the weekly digest of ${name} to be sent to ${props.email}.`),
    '',
    wrapText('Please confirm that this is your address: open this link and press the button. Until you do, we will send you nothing else:'),
    props.confirmUrl,
    `The link works for ${props.validDays} days.`,
    '',
    '-- ',
    wrapText(
      `You received this one email because ${props.email} was entered on our subscription form. If that was not you, ignore it: you will not be subscribed.`,
    ),
    '',
    wrapText(props.publication.postalAddress),
    '',
  ].join('\n');
}

/** The text/plain twin of the welcome email. */
export function welcomeText(props: WelcomeProps): string {
  const name = props.publication.name;
  return [
    name.toUpperCase(),
    "You're subscribed",
    '',
    props.greeting,
    '',
    wrapText(`Thank you for confirming. The weekly digest of ${name} will reach ${props.email} ${props.schedule}.`),
    '',
    wrapText(
      `Each issue collects the week's stories on ${topicsSentence(props.topics)}: what happened, why it matters, and the original source, so you can check it yourself.`,
    ),
    '',
    'Past issues:',
    props.archiveUrl,
    '',
    '-- ',
    'Choose your topics:',
    props.preferencesUrl,
    '',
    'Unsubscribe:',
    props.unsubscribeUrl,
    '',
    wrapText(props.publication.postalAddress),
    '',
  ].join('\n');
}
