import {
  Mjml,
  MjmlAll,
  MjmlAttributes,
  MjmlBody,
  MjmlColumn,
  MjmlHead,
  MjmlPreview,
  MjmlRaw,
  MjmlSection,
  MjmlStyle,
  MjmlText,
  MjmlTitle,
  MjmlWrapper,
} from '@faire/mjml-react';
import type { ReactNode } from 'react';
import { WIDTH, darkCss, fonts, inlineCss, mobileCss, palette } from './theme.ts';

export interface EmailLayoutProps {
  /** The document <title>: clients and screen readers announce it. */
  title: string;
  /** The hidden preview text shown after the subject in the inbox. */
  preheader: string;
  children: ReactNode;
}

// React 19 hoists <meta> elements to the document head, so the color-scheme
// metas go in as raw HTML to stay inside <mj-head>.
const COLOR_SCHEME_META = '<meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark">';

/** The <mjml> document every email shares: head, attributes, styles, body. */
export function EmailLayout({ title, preheader, children }: EmailLayoutProps) {
  return (
    <Mjml lang="en">
      <MjmlHead>
        <MjmlTitle>{title}</MjmlTitle>
        <MjmlPreview>{preheader}</MjmlPreview>
        <MjmlRaw dangerouslySetInnerHTML={{ __html: COLOR_SCHEME_META }} />
        <MjmlAttributes>
          <MjmlAll fontFamily={fonts.sans} />
          <MjmlSection padding="0" />
          <MjmlText fontSize="16px" lineHeight="1.6" color={palette.light.text} padding="0" />
        </MjmlAttributes>
        <MjmlStyle inline dangerouslySetInnerHTML={{ __html: inlineCss }} />
        <MjmlStyle dangerouslySetInnerHTML={{ __html: darkCss + mobileCss }} />
      </MjmlHead>
      <MjmlBody width={WIDTH} backgroundColor={palette.light.page}>
        {/* A full-width wrapper carries the page colour, so dark mode can target it by class. */}
        <MjmlWrapper cssClass="dm-page" backgroundColor={palette.light.page} padding="0" fullWidth>
          {children}
        </MjmlWrapper>
      </MjmlBody>
    </Mjml>
  );
}

/** Page-coloured space between cards. */
export function Gap({ height = 16 }: { height?: number }) {
  return <MjmlSection padding={`${height / 2}px 0`} />;
}

/** A white card section with comfortable padding: the unit every email is built from. */
export function CardSection({ children, padding = '28px 28px' }: { children: ReactNode; padding?: string }) {
  return (
    <MjmlSection backgroundColor={palette.light.card} padding={padding} cssClass="dm-card">
      <MjmlColumn>{children}</MjmlColumn>
    </MjmlSection>
  );
}
