import { MjmlText } from '@faire/mjml-react';
import { Button } from './components/button.tsx';
import { CardSection, EmailLayout, Gap } from './components/email-layout.tsx';
import { Footer } from './components/footer.tsx';
import { Header } from './components/header.tsx';

/** Sent once a subscription is confirmed: what to expect, and how to change it. */
export interface WelcomeProps {
  publication: { name: string; homeUrl: string; postalAddress: string };
  /** `Hi Ada,` or `Hello,` */
  greeting: string;
  email: string;
  /** Categories the reader chose; empty means all. */
  topics: string[];
  /** e.g. `every Monday morning` */
  schedule: string;
  archiveUrl: string;
  preferencesUrl: string;
  unsubscribeUrl: string;
}

export function welcomeSubject(props: WelcomeProps): string {
  return `Welcome to ${props.publication.name}`;
}

export function topicsSentence(topics: string[]): string {
  return topics.length === 0 ? 'every topic we cover' : topics.length === 1 ? topics[0]! : `${topics.slice(0, -1).join(', ')} and ${topics.at(-1)}`;
}

export default function Welcome(given: WelcomeProps) {
  // React Email renders a template with no props (`<Welcome />`): its PreviewProps stand in for what is not given.
  const props: WelcomeProps = { ...PreviewProps, ...given };
  const { publication } = props;
  return (
    <EmailLayout title={welcomeSubject(props)} preheader={`You're subscribed: the weekly digest arrives ${props.schedule}.`}>
      <Gap height={24} />
      <Header publicationName={publication.name} homeUrl={publication.homeUrl} kicker="You're subscribed" />
      <CardSection padding="0 28px 28px">
        <MjmlText>
          <p
            style={{ margin: '0 0 12px' }}
          >{`${props.greeting} thank you for confirming. The weekly digest of ${publication.name} will reach ${props.email} ${props.schedule}.`}</p>
          <p
            style={{ margin: '0 0 12px' }}
          >{`Each issue collects the week's stories on ${topicsSentence(props.topics)}: what happened, why it matters, and the original source, so you can check it yourself.`}</p>
          <p style={{ margin: 0 }}>You can choose your topics or leave at any time, in one click, from the foot of every email.</p>
        </MjmlText>
        <Button href={props.archiveUrl}>Read past issues</Button>
      </CardSection>
      <Footer
        reason={`You are receiving this because ${props.email} subscribed to the weekly digest of ${publication.name}.`}
        unsubscribeUrl={props.unsubscribeUrl}
        preferencesUrl={props.preferencesUrl}
        postalAddress={publication.postalAddress}
      />
    </EmailLayout>
  );
}

export const PreviewProps: WelcomeProps = {
  publication: {
    name: 'The Harm Ledger',
    homeUrl: 'https://harmledger.example',
    postalAddress: 'The Harm Ledger, 42 Example Street, Springfield 01234',
  },
  greeting: 'Hi Ada,',
  email: 'ada@example.com',
  topics: ['Privacy', 'Labor'],
  schedule: 'every Monday morning',
  archiveUrl: 'https://harmledger.example/archive',
  preferencesUrl: 'https://harmledger.example/preferences?token=preview',
  unsubscribeUrl: 'https://harmledger.example/unsubscribe?token=preview',
};

/** Where React Email's tools (`email dev`, `email export`) look for a template's sample props. */
Welcome.PreviewProps = PreviewProps;
