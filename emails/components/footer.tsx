import { MjmlColumn, MjmlSection, MjmlText } from '@faire/mjml-react';
import { palette } from './theme.ts';

export interface FooterProps {
  /** Why this reader gets this email, in one sentence. */
  reason: string;
  /** Absent only on the confirmation email, sent before any subscription exists. */
  unsubscribeUrl?: string;
  preferencesUrl?: string;
  archiveUrl?: string;
  /** The web edition invites readers to subscribe instead. */
  subscribeUrl?: string;
  postalAddress: string;
}

/** Unsubscribe, preferences, view in browser and the postal address (CAN-SPAM, Gmail bulk-sender rules). */
export function Footer({ reason, unsubscribeUrl, preferencesUrl, archiveUrl, subscribeUrl, postalAddress }: FooterProps) {
  return (
    <MjmlSection padding="20px 28px 28px" cssClass="dm-muted">
      <MjmlColumn>
        <MjmlText align="center" fontSize="14px" lineHeight="1.6" color={palette.light.muted}>
          <p style={{ margin: '0 0 4px' }}>{reason}</p>
          {unsubscribeUrl || preferencesUrl || archiveUrl || subscribeUrl ? (
            <p className="foot" style={{ margin: '0 0 4px' }}>
              {subscribeUrl ? <a href={subscribeUrl}>Subscribe to the weekly digest</a> : null}
              {unsubscribeUrl ? <a href={unsubscribeUrl}>Unsubscribe</a> : null}
              {preferencesUrl ? <a href={preferencesUrl}>Choose your topics</a> : null}
              {archiveUrl ? <a href={archiveUrl}>View this issue in your browser</a> : null}
            </p>
          ) : null}
          <p style={{ margin: 0 }}>{postalAddress}</p>
          <p style={{ margin: '4px 0 0' }}>No tracking pixels, no click tracking: we do not watch what you read.</p>
        </MjmlText>
      </MjmlColumn>
    </MjmlSection>
  );
}
