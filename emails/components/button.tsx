import { MjmlButton } from '@faire/mjml-react';
import { palette } from './theme.ts';

/** The one call to action of a short email: 48 px tall, easy to tap at 375 px. */
export function Button({ href, children }: { href: string; children: string }) {
  return (
    <MjmlButton
      href={href}
      backgroundColor={palette.light.accent}
      color={palette.light.onAccent}
      fontSize="16px"
      fontWeight="600"
      lineHeight="24px"
      innerPadding="12px 24px"
      borderRadius="6px"
      align="left"
      padding="20px 0 8px"
      cssClass="btn"
    >
      {children}
    </MjmlButton>
  );
}
