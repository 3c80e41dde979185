import { MjmlText } from '@faire/mjml-react';
import { Button } from './components/button.tsx';
import { CardSection, EmailLayout, Gap } from './components/email-layout.tsx';
import { Footer } from './components/footer.tsx';
import { Header } from './components/header.tsx';

/** The double opt-in email: nobody receives a digest before clicking its link. */
export interface ConfirmSubscriptionProps {
  publication: { name: string; homeUrl: string; postalAddress: string };
  email: string;
  confirmUrl: string;
  /** How many days the link works. */
  validDays: number;
}

export function confirmSubject(props: ConfirmSubscriptionProps): string {
  return `Confirm your subscription to ${props.publication.name}`;
}

export default function ConfirmSubscription(given: ConfirmSubscriptionProps) {
  // React Email renders a template with no props (`<ConfirmSubscription />`): its PreviewProps stand in for what is not given.
  const props: ConfirmSubscriptionProps = { ...PreviewProps, ...given };
  const { publication } = props;
  return (
    <EmailLayout title={confirmSubject(props)} preheader="One click and the weekly digest is on its way. Didn't ask for it? Ignore this email.">
      <Gap height={24} />
      <Header publicationName={publication.name} homeUrl={publication.homeUrl} kicker="Confirm your subscription" />
      <CardSection padding="0 28px 28px">
        <MjmlText>
          <p style={{ margin: '0 0 12px' }}>{`Someone, hopefully you, asked for the weekly digest of ${publication.name} to be sent to ${props.email}.`}</p>
          <p style={{ margin: 0 }}>Please confirm that this is your address. Until you do, we will send you nothing else.</p>
        </MjmlText>
        <Button href={props.confirmUrl}>Confirm my subscription</Button>
        <MjmlText fontSize="14px">
          <p className="meta" style={{ margin: '8px 0 0' }}>
            {'If the button does not work, paste this link into your browser: '}
            <a href={props.confirmUrl}>{props.confirmUrl}</a>
          </p>
          <p className="meta" style={{ margin: '8px 0 0' }}>{`The link works for ${props.validDays} days.`}</p>
        </MjmlText>
      </CardSection>
      <Footer
        reason={`You received this one email because ${props.email} was entered on our subscription form. If that was not you, ignore it: you will not be subscribed.`}
        postalAddress={publication.postalAddress}
      />
    </EmailLayout>
  );
}

export const PreviewProps: ConfirmSubscriptionProps = {
  publication: {
    name: 'The Harm Ledger',
    homeUrl: 'https://harmledger.example',
    postalAddress: 'The Harm Ledger, 42 Example Street, Springfield 01234',
  },
  email: 'ada@example.com',
  confirmUrl: 'https://harmledger.example/confirm?token=preview',
  validDays: 7,
};

/** Where React Email's tools (`email dev`, `email export`) look for a template's sample props. */
ConfirmSubscription.PreviewProps = PreviewProps;
